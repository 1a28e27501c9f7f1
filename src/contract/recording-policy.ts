import { z } from 'zod';
import { messageSchema } from './messages.ts';

export const policyItemStatusSchema = z.object({
  id: z.string(),
  field: z.string().nullable(),
  target: z.union([z.boolean(), z.string(), z.number()]).nullable(),
  current: z.union([z.boolean(), z.string(), z.number(), z.null()]),
  isLocked: z.boolean(),
  isLockable: z.boolean(),
  status: z.enum(['ok', 'off_policy', 'manual', 'unknown']),
  /** Set at account level because Zoom has no group field for it, or overridden by an account lock. */
  note: z.string().nullable(),
  isUnconfirmed: z.boolean(),
  /** Callport's own item beyond the guide (e.g. the audio transcript, without which no call is searchable). */
  isBeyondGuide: z.boolean(),
  /** The steps in the Zoom web portal for what Callport cannot set (message codes, see messages.ts). */
  manualSteps: z.array(messageSchema).nullable(),
  confirmedBy: z.object({ by: z.string(), at: z.string() }).nullable(),
  lastApply: z
    .object({
      outcome: z.enum(['applied', 'refused', 'skipped']),
      /** Why Zoom refused it, as a message code (see messages.ts); null unless refused. */
      reason: messageSchema.nullable(),
      /** Zoom's own answer ("200 · Only available for paid accounts."), for a detail; null unless refused. */
      zoomDetail: z.string().nullable(),
    })
    .nullable(),
});

export const recordingPolicySchema = z.object({
  scope: z.enum(['account', 'group']),
  groupName: z.string(),
  groupId: z.string().nullable(),
  /** The group Callport uses no longer exists in Zoom (deleted, or a sandbox restarted): pick or recreate one. */
  isGroupMissing: z.boolean(),
  /** Zoom's groups, to pick one when the recording group is missing (empty otherwise). */
  zoomGroups: z.array(z.object({ id: z.string(), name: z.string() })),
  autoDeleteDays: z.number(),
  recommendation: z.object({
    scope: z.enum(['account', 'group']),
    zoomUsers: z.number(),
    licensedLinked: z.number(),
  }),
  items: z.array(policyItemStatusSchema),
  lastAuditAt: z.string().nullable(),
  drift: z.array(
    z.object({
      id: z.string(),
      from: z.unknown(),
      to: z.unknown(),
      operator: z.string().nullable(),
      at: z.string(),
    }),
  ),
  disclaimer: z.object({
    fr: z.object({ title: z.string(), description: z.string() }),
    en: z.object({ title: z.string(), description: z.string() }),
  }),
});
export type RecordingPolicy = z.infer<typeof recordingPolicySchema>;

export const updateRecordingPolicyRequestSchema = z
  .object({
    scope: z.enum(['account', 'group']),
    autoDeleteDays: z.union([z.literal(30), z.literal(60), z.literal(90), z.literal(120)]),
  })
  .partial()
  .strict();
/** Use this existing Zoom group, or (no groupId) create the recording group again. */
export const selectRecordingGroupRequestSchema = z
  .object({ groupId: z.string().min(1).max(200).optional() })
  .strict();
export const confirmManualItemRequestSchema = z.object({ done: z.boolean() }).strict();
