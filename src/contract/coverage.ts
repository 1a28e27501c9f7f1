import { z } from 'zod';
import { messageSchema } from './messages.ts';

/**
 * Coverage (Réglages > Intégrations > Zoom > Imports, and each user's row): every meeting a linked user
 * held, whether Zoom recorded it and whether Callport has it, with the reason as a code the UI words.
 */
export const coverageStates = [
  /** Zoom made no recording. */
  'not_recorded',
  /** Ended moments ago and Zoom was expected to record it: its recording has not shown up yet. */
  'waiting_for_zoom',
  /** Recorded, not in the library yet (processing, waiting for the transcript, importing, skipped). */
  'recorded_not_imported',
  'imported',
  'failed',
  /** Recorded, then trashed or deleted in Zoom before the import, or erased in Callport. */
  'erased',
] as const;
export type CoverageState = (typeof coverageStates)[number];

export const coverageReasons = [
  // not_recorded
  'not_in_recording_group',
  'automatic_recording_off',
  'host_stopped_recording',
  'too_short',
  'host_not_licensed',
  'unknown',
  // waiting_for_zoom / recorded_not_imported
  'zoom_processing',
  'waiting_for_transcript',
  'importing',
  'not_listed_yet',
  'skipped',
  // failed / erased
  'import_failed',
  'trashed_in_zoom',
  'deleted_in_zoom',
  'erased_in_callport',
] as const;
export type CoverageReason = (typeof coverageReasons)[number];

/** What an admin can do about an unrecorded meeting. */
export const coverageActions = [
  'add_to_recording_group',
  'reapply_policy',
  'keep_recording_on',
  'license_host',
] as const;

export const coverageLineSchema = z.object({
  meetingUuid: z.string(),
  topic: z.string(),
  startTime: z.string(),
  durationMinutes: z.number().int(),
  hostUserId: z.string().nullable(),
  hostName: z.string(),
  participantCount: z.number().int().nullable(),
  isInternal: z.boolean().nullable(),
  state: z.enum(coverageStates),
  reason: z.enum(coverageReasons).nullable(),
  /** Parameters of the reason (who turned automatic recording off, and when). */
  reasonParams: z.record(z.string(), z.string()).optional(),
  /** The recording's own reason as the Imports tab shows it (waiting, failed…). */
  detail: messageSchema.nullable(),
  action: z.enum(coverageActions).nullable(),
  callId: z.string().nullable(),
});
export type CoverageLine = z.infer<typeof coverageLineSchema>;

export const coverageWeekSchema = z.object({
  /** Monday (UTC) of the week, YYYY-MM-DD. */
  weekStart: z.string(),
  held: z.number().int(),
  recorded: z.number().int(),
  imported: z.number().int(),
});
export type CoverageWeek = z.infer<typeof coverageWeekSchema>;

export const coverageUserSchema = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  weeks: z.array(coverageWeekSchema),
  /** The user's last two meetings were both not recorded: their set-up has stopped working. */
  isFlagged: z.boolean(),
  /** Unrecorded meetings, newest first. */
  unrecorded: z.array(coverageLineSchema),
});
export type CoverageUser = z.infer<typeof coverageUserSchema>;

export const coverageSettingsSchema = z.object({
  /** Leave out meetings whose every participant has an e-mail in the company's domains. */
  excludeInternal: z.boolean(),
  /** Lower-case domains; empty = the domains of the organisation's users. */
  internalDomains: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/),
    )
    .max(50),
});
export type CoverageSettings = z.infer<typeof coverageSettingsSchema>;

export const coverageViewSchema = z.object({
  users: z.array(coverageUserSchema),
  /** Newest first, at most 200 (admins: everyone's; members: their own). */
  meetings: z.array(coverageLineSchema),
  /** The last pass over Zoom's meeting reports (null: none yet). */
  pass: z
    .object({
      /** The last pass's start; later than `finishedAt` while a pass runs. */
      startedAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
      errorCode: z.string().nullable(),
      errorDetail: z.string().nullable(),
    })
    .nullable(),
  settings: coverageSettingsSchema,
});
export type CoverageView = z.infer<typeof coverageViewSchema>;

export const coverageQuerySchema = z.object({
  weeks: z.coerce.number().int().min(1).max(26).default(8),
});
