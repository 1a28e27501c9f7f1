import { z } from 'zod';

/** Settings > Confidentialité: how long calls are kept. */
export const privacySettingsSchema = z.object({
  /** Calls older than this many days are erased every day; null keeps them forever. */
  retentionDays: z.number().int().min(1).max(3650).nullable(),
});
export type PrivacySettings = z.infer<typeof privacySettingsSchema>;

/** Erase everything about one person, found by e-mail (plus other names they appear under). */
export const erasePersonRequestSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email().max(320)),
  /** Display names the person may speak under in transcripts (a prospect has no Callport or Zoom user). */
  otherNames: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
});
export type ErasePersonRequest = z.input<typeof erasePersonRequestSchema>;

export const erasePersonResultSchema = z.object({
  /** Names looked for in transcripts, chats and participant lists. */
  namesMatched: z.array(z.string()),
  /** Their imported calls, erased whole. */
  callsErased: z.number(),
  /** Every recording they hosted, imported or not, now a tombstone that is never imported. */
  recordingsErased: z.number(),
  callsRedacted: z.number(),
  transcriptLinesRemoved: z.number(),
  chatMessagesRemoved: z.number(),
  linksRemoved: z.number(),
  zoomUsersRemoved: z.number(),
  accountDeleted: z.boolean(),
});
export type ErasePersonResult = z.infer<typeof erasePersonResultSchema>;
