import { z } from 'zod';

/** No control characters (NUL…) nor lone UTF-16 surrogates: PostgreSQL refuses both in text. */
export function isPlainText(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(
    value,
  );
}

export const callLanguageSchema = z.enum(['fr', 'en']);

/** Text with the searched words marked: the parts alternate as the server found them. */
export const markedTextSchema = z.array(z.object({ text: z.string(), isMatch: z.boolean() }));
export type MarkedText = z.infer<typeof markedTextSchema>;

/** A place in a call where the searched words occur: a transcript line or a chat message. */
export const searchMatchSchema = z.object({
  kind: z.enum(['transcript', 'chat', 'highlight', 'comment']),
  /** Milliseconds from the start of the recording: where the call opens. */
  atMs: z.number(),
  speaker: z.string(),
  text: markedTextSchema,
});

export const callSummarySchema = z.object({
  id: z.string(),
  topic: z.string(),
  startedAt: z.string(),
  durationSeconds: z.number(),
  language: callLanguageSchema,
  host: z.object({ id: z.string(), name: z.string() }).nullable(),
  participants: z.array(z.string()),
  hasTranscript: z.boolean(),
  /** With a search: the topic with its matching words marked, and the first matching lines. */
  search: z
    .object({ topic: markedTextSchema, matches: z.array(searchMatchSchema), matchCount: z.number() })
    .optional(),
});
export type CallSummary = z.infer<typeof callSummarySchema>;

export const callListSchema = z.object({
  calls: z.array(callSummarySchema),
  /** How many calls match, counted up to a cap (1,000): with `isTotalCapped`, more than `total` match. */
  total: z.number(),
  isTotalCapped: z.boolean(),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type CallList = z.infer<typeof callListSchema>;

export const callSorts = ['newest', 'oldest', 'longest', 'shortest'] as const;
export type CallSort = (typeof callSorts)[number];

/** A calendar day (YYYY-MM-DD) that exists: 2026-02-30 and 2026-13-45 are refused. */
const dayQuerySchema = z.iso
  .date({ message: 'must be a real day, YYYY-MM-DD' })
  .refine((day) => day >= '1970-01-01' && day <= '9999-12-30', 'must be between 1970 and 9999');

export const callListQuerySchema = z.object({
  /** Words said or written in the call, its topic or a participant's name (web-search syntax). */
  q: z
    .string()
    .trim()
    .max(200)
    .refine(isPlainText, 'Control characters and lone surrogates are not allowed')
    .optional(),
  /** The host (a Callport user id). */
  userId: z.uuid().optional(),
  /** `external`: calls with someone from outside the organisation; `internal`: only colleagues. */
  participants: z.enum(['internal', 'external']).optional(),
  from: dayQuerySchema.optional(),
  to: dayQuerySchema.optional(),
  minMinutes: z.coerce.number().int().min(0).max(100_000).optional(),
  maxMinutes: z.coerce.number().int().min(0).max(100_000).optional(),
  hasTranscript: z.enum(['true', 'false']).optional(),
  sort: z.enum(callSorts).default('newest'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type CallListQuery = z.infer<typeof callListQuerySchema>;

/** Why a call has no transcript (null when it has one); the UI translates it. */
export const transcriptMissingReasons = [
  'zoom_setting_off',
  'processing',
  'meeting_too_short',
  'erased',
  'not_made_by_zoom',
] as const;
export type TranscriptMissingReason = (typeof transcriptMissingReasons)[number];
const plainText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine(isPlainText, 'Control characters and lone surrogates are not allowed');
const offsetMs = z
  .number()
  .int()
  .min(0)
  .max(24 * 3600 * 1000);

/** What every note someone leaves on a call (a highlight, a comment) carries: who wrote it, and when. */
const callNoteSchema = z.object({ id: z.string(), author: z.string().nullable(), createdAt: z.string() });

export const highlightSchema = callNoteSchema.extend({
  title: z.string(),
  startMs: z.number(),
  endMs: z.number(),
});
export type Highlight = z.infer<typeof highlightSchema>;

export const commentSchema = callNoteSchema.extend({ atMs: z.number(), body: z.string() });
export type Comment = z.infer<typeof commentSchema>;

/** One line of a transcript: who spoke, from when to when (milliseconds from the start), and what. */
const transcriptLineSchema = z.object({
  speaker: z.string(),
  startMs: z.number(),
  endMs: z.number(),
  text: z.string(),
});

export const callDetailSchema = callSummarySchema.omit({ search: true }).extend({
  transcriptMissing: z.enum(transcriptMissingReasons).nullable(),
  media: z.array(
    z.object({
      fileId: z.string(),
      kind: z.enum(['video', 'audio', 'transcript', 'chat', 'timeline']),
      size: z.number(),
      recordingType: z.string().nullable(),
      segmentStart: z.string().nullable(),
      url: z.string(),
    }),
  ),
  transcript: z.array(transcriptLineSchema),
  chat: z.array(z.object({ at: z.string(), sender: z.string(), text: z.string() })),
  /**
   * Everyone in the call, colleagues (internal) or not: by the e-mail domain Zoom gave for the person
   * (`decidedBy: 'email'`), else by name (a Callport user's or a Zoom account member's).
   */
  people: z.array(
    z.object({ name: z.string(), isInternal: z.boolean(), decidedBy: z.enum(['email', 'name']) }),
  ),
  /** From the transcript: each speaker's share of the talking, most talkative first. */
  talkTime: z.array(
    z.object({ speaker: z.string(), talkMs: z.number(), share: z.number(), longestMonologueMs: z.number() }),
  ),
  highlights: z.array(highlightSchema),
  comments: z.array(commentSchema),
  /** Whether the asker may share this call (public links may be off for the organisation). */
  canSharePublicly: z.boolean(),
  /**
   * Zoom's own meeting summary (AI Companion): overview, topics and next steps, as Zoom wrote them; null
   * when Zoom has none for this call.
   */
  zoomSummary: z
    .object({
      title: z.string(),
      overview: z.string(),
      details: z.array(z.object({ label: z.string(), summary: z.string() })),
      nextSteps: z.array(z.string()),
      /** The whole summary as Zoom's Markdown text (`summary_content`), '' when Zoom sent none. */
      content: z.string(),
      /** The host edited the summary in Zoom: overview, topics and next steps are the edited ones. */
      isEdited: z.boolean(),
      /** The summary's page in Zoom Docs, for people with access to it in Zoom. */
      docUrl: z.string().nullable(),
    })
    .nullable(),
  /** The longest uninterrupted turn, or null without a transcript. */
  longestMonologue: z.object({ speaker: z.string(), startMs: z.number(), endMs: z.number() }).nullable(),
});
export type CallDetail = z.infer<typeof callDetailSchema>;

/** Search within one call's transcript: the indexes of the matching lines, in order. */
export const callTranscriptSearchQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine(isPlainText, 'Control characters and lone surrogates are not allowed'),
});
export const callTranscriptSearchSchema = z.object({ lines: z.array(z.number()) });

/** POST /api/calls/:id/highlights */
export const createHighlightSchema = z
  .object({ title: plainText(200), startMs: offsetMs, endMs: offsetMs })
  .refine((value) => value.endMs > value.startMs, {
    message: 'The end comes after the start',
    path: ['endMs'],
  });
/** POST /api/calls/:id/comments */
export const createCommentSchema = z.object({ atMs: offsetMs, body: plainText(4000) });

export const shareSchema = z.object({
  id: z.string(),
  kind: z.enum(['user', 'public']),
  highlightId: z.string().nullable(),
  sharedWith: z.object({ id: z.string(), name: z.string() }).nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  /** Only in the answer that creates a public link: the link itself is never stored. */
  url: z.string().optional(),
});
export type Share = z.infer<typeof shareSchema>;

export const sharesListSchema = z.object({ shares: z.array(shareSchema) });

/** POST /api/calls/:id/shares: with a colleague, or a public link that expires. */
export const createShareSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), userId: z.uuid() }),
  z.object({
    kind: z.literal('public'),
    highlightId: z.uuid().optional(),
    expiresInDays: z.number().int().min(1).max(90).default(7),
  }),
]);
export type CreateShareRequest = z.input<typeof createShareSchema>;

export const colleaguesSchema = z.object({
  colleagues: z.array(z.object({ id: z.string(), name: z.string() })),
});

/** GET/PUT /api/settings/sharing */
export const sharingSettingsSchema = z.object({ allowPublicLinks: z.boolean() });

/** GET /api/shared/:token: what a public link opens, without signing in. */
export const sharedCallSchema = z.object({
  topic: z.string(),
  startedAt: z.string(),
  durationSeconds: z.number(),
  language: callLanguageSchema,
  highlight: z.object({ title: z.string(), startMs: z.number(), endMs: z.number() }).nullable(),
  media: z.array(z.object({ kind: z.enum(['video', 'audio', 'transcript']), url: z.string() })),
  transcript: z.array(transcriptLineSchema),
  expiresAt: z.string(),
});
export type SharedCall = z.infer<typeof sharedCallSchema>;
