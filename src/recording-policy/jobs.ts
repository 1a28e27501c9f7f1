import { z } from 'zod';
import { defineCronJob, defineJob, retryUpTo } from '../jobs/index.ts';

export const auditPolicyJob = defineJob({
  name: 'recording-policy.audit',
  payload: z.object({ connectionId: z.uuid(), operator: z.string().nullable().optional() }),
  ...retryUpTo(5, { delaySeconds: 60 }),
  timeoutSeconds: 300,
  dedupe: 'queued',
});

export const dailyAuditJob = defineCronJob({
  name: 'recording-policy.daily-audit',
  ...retryUpTo(2, { delaySeconds: 300 }),
  timeoutSeconds: 300,
  cron: '41 4 * * *',
});
