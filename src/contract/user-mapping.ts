import { z } from 'zod';

export const linkMethodSchema = z.enum(['automatic', 'manual']);

export const zoomUserSummarySchema = z.object({
  zoomUserId: z.string().nullable(),
  email: z.string(),
  displayName: z.string(),
  status: z.enum(['active', 'inactive', 'pending']),
  /** Pending users have no Zoom id until they accept Zoom's invitation: they cannot be linked yet. */
  isLinkable: z.boolean(),
});

/** Why Callport could not list a user's recordings at the last sweep (retried at the next one). */
export const userSweepErrorCodes = [
  'zoom_user_not_licensed',
  'zoom_user_not_found',
  'zoom_user_forbidden',
  'zoom_unavailable',
  'zoom_invalid_request',
] as const;

export const userImportStateSchema = z.object({
  /** The last complete listing of the user's recordings; null while their backfill has not worked. */
  sweptAt: z.string().nullable(),
  /** First UTC day their recordings were listed from. */
  backfillFrom: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  errorCode: z.enum(userSweepErrorCodes).nullable(),
  failures: z.number(),
  recordingsFound: z.number(),
});
export type UserImportState = z.infer<typeof userImportStateSchema>;

export const userMappingSchema = z.object({
  users: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      email: z.string(),
      isLicensed: z.boolean(),
      isActive: z.boolean(),
      link: z.object({ zoomUserId: z.string(), zoomEmail: z.string(), method: linkMethodSchema }).nullable(),
      /** Where this user's first import (backfill) and sweeps stand; null before their first listing. */
      import: userImportStateSchema.nullable(),
    }),
  ),
  zoomUsers: z.array(zoomUserSummarySchema),
  /** Zoom hosts whose recordings were seen but who are linked to nobody. */
  seenHosts: z.array(
    z.object({ zoomUserId: z.string(), email: z.string().nullable(), recordingsSeen: z.number() }),
  ),
  lastSyncedAt: z.string().nullable(),
});
export type UserMapping = z.infer<typeof userMappingSchema>;

export const linkProposalSchema = z.object({
  userId: z.string(),
  zoomUserId: z.string(),
  zoomEmail: z.string(),
});
export const autoAssociateResultSchema = z.object({ proposals: z.array(linkProposalSchema) });

export const saveLinksRequestSchema = z.object({
  links: z
    .array(z.object({ userId: z.uuid(), zoomUserId: z.string().min(1).max(100), method: linkMethodSchema }))
    .max(20_000),
});
export type SaveLinksRequest = z.infer<typeof saveLinksRequestSchema>;
