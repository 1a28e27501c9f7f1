import { z } from 'zod';

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
  manualSteps: z.object({ fr: z.array(z.string()), en: z.array(z.string()) }).nullable(),
  confirmedBy: z.object({ by: z.string(), at: z.string() }).nullable(),
  lastApply: z
    .object({ outcome: z.enum(['applied', 'refused', 'skipped']), message: z.string().nullable() })
    .nullable(),
});

export const recordingPolicySchema = z.object({
  scope: z.enum(['account', 'group']),
  groupName: z.string(),
  groupId: z.string().nullable(),
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
export const confirmManualItemRequestSchema = z.object({ done: z.boolean() }).strict();
