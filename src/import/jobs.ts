import { z } from 'zod';
import { defineCronJob, defineJob, retryUpTo } from '../jobs/index.ts';

export const importRecordingJob = defineJob({
  name: 'import.import-recording',
  payload: z.object({
    recordingId: z.uuid(),
    /** Epoch ms: a sweep's listing gave the recording's complete file list at that time. */
    listedAt: z.number().int().optional(),
  }),
  ...retryUpTo(12, { delaySeconds: 15 }),
  timeoutSeconds: 3 * 3600,
  // One queued job per recording: duplicate discoveries (webhook + sweep, Zoom's duplicate events) merge.
  dedupe: 'queued',
  concurrency: 4,
  pollingIntervalSeconds: 0.5,
});

export const sweepConnectionJob = defineJob({
  name: 'import.sweep-connection',
  payload: z.object({
    connectionId: z.uuid(),
    /** YYYY-MM-DD (UTC): look back to this day instead of the last sweep (backfill). */
    since: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    userEmail: z.string().optional(),
    /** Only the linked users never listed yet (their backfill), right after links change. */
    onlyNew: z.boolean().optional(),
    /** Epoch ms: a scheduled full sweep, due SWEEP_INTERVAL_MINUTES after the one started then. */
    after: z.number().int().optional(),
  }),
  ...retryUpTo(5, { delaySeconds: 30 }),
  timeoutSeconds: 3600,
  dedupe: 'queued',
  concurrency: 2,
  pollingIntervalSeconds: 0.5,
});

export const sweepDispatchJob = defineCronJob({
  name: 'import.sweep-dispatch',
  ...retryUpTo(1, { delaySeconds: 30, backoff: false }),
  timeoutSeconds: 120,
  cron: '* * * * *',
});
