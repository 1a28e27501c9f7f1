import { z } from 'zod';

export const callSummarySchema = z.object({
  id: z.string(),
  topic: z.string(),
  startedAt: z.string(),
  durationSeconds: z.number(),
  host: z.object({ id: z.string(), name: z.string() }).nullable(),
  participants: z.array(z.string()),
  hasTranscript: z.boolean(),
});
export type CallSummary = z.infer<typeof callSummarySchema>;

export const callListSchema = z.object({ calls: z.array(callSummarySchema), total: z.number() });

export const callListQuerySchema = z.object({
  q: z.string().trim().max(200).optional(),
  userId: z.uuid().optional(),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const callDetailSchema = callSummarySchema.extend({
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
});
export type CallDetail = z.infer<typeof callDetailSchema>;
