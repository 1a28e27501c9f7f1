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
  kind: z.enum(['transcript', 'chat']),
  /** Milliseconds from the start of the recording: where the call opens. */
  atMs: z.number(),
  speaker: z.string(),
  text: markedTextSchema,
});
export type SearchMatch = z.infer<typeof searchMatchSchema>;

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
  total: z.number(),
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
  transcript: z.array(
    z.object({ speaker: z.string(), startMs: z.number(), endMs: z.number(), text: z.string() }),
  ),
  chat: z.array(z.object({ at: z.string(), sender: z.string(), text: z.string() })),
  /** Everyone in the call, colleagues (internal) or not. */
  people: z.array(z.object({ name: z.string(), isInternal: z.boolean() })),
  /** From the transcript: each speaker's share of the talking, most talkative first. */
  talkTime: z.array(
    z.object({ speaker: z.string(), talkMs: z.number(), share: z.number(), longestMonologueMs: z.number() }),
  ),
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
