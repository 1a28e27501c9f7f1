import { z } from 'zod';
import { messageSchema } from './messages.ts';

/**
 * Where a recording's import stands; the one list the database column, the API and the import's
 * transitions (`import/status.ts`) are built from. `erased`: removed from Callport on purpose (erasure
 * request, retention), never imported again.
 */
export const recordingStatuses = [
  'discovered',
  'importing',
  'waiting',
  'imported',
  'skipped',
  'failed',
  'trashed',
  'deleted',
  'erased',
] as const;

export const recordingImportSchema = z.object({
  id: z.string(),
  meetingId: z.number(),
  meetingUuid: z.string(),
  topic: z.string(),
  hostEmail: z.string().nullable(),
  startTime: z.string(),
  status: z.enum(recordingStatuses),
  /** Why it is in this status (see messages.ts). */
  reason: messageSchema.nullable(),
  autoDeleteDate: z.string().nullable(),
  /** Not imported and Zoom deletes it within 24 hours. */
  isAtRisk: z.boolean(),
  callId: z.string().nullable(),
  events: z.array(z.object({ status: z.string(), detail: messageSchema.nullable(), at: z.string() })),
});

export const importsOverviewSchema = z.object({
  lastSweep: z
    .object({
      startedAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
      recordingsFound: z.number(),
      /** Why the last sweep stopped, or which listed meetings it skipped (a message code, see messages.ts). */
      error: messageSchema.nullable(),
    })
    .nullable(),
  lastWebhookAt: z.string().nullable(),
  sweepIntervalMinutes: z.number(),
  /** How far back each linked user's first import looks, from the day they are linked. */
  backfillDays: z.number(),
  /** Hosts not linked yet whose recordings Callport has seen and keeps: linking them imports these. */
  unmatchedHosts: z.array(
    z.object({ zoomUserId: z.string(), email: z.string().nullable(), recordings: z.number() }),
  ),
  counts: z.record(z.string(), z.number()),
  atRisk: z.number(),
  recordings: z.array(recordingImportSchema),
});
export type ImportsOverview = z.infer<typeof importsOverviewSchema>;

export const diagnoseRequestSchema = z.object({ meeting: z.string().trim().min(1).max(500) });
export const diagnosisSchema = z.object({
  verdict: z.enum([
    'imported',
    'importing',
    'host_not_linked',
    'host_not_licensed',
    'not_recorded_in_cloud',
    'processing',
    'trashed',
    'deleted',
    'erased',
    'failed_retrying',
    'failed',
    'not_found',
  ]),
  meetingId: z.number().nullable(),
  callId: z.string().nullable(),
  detail: messageSchema,
  /** The host's Zoom e-mail when no Callport user has it: the UI offers to create that user. */
  hostEmail: z.string().nullable().optional(),
});
export type Diagnosis = z.infer<typeof diagnosisSchema>;
