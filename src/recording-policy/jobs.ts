import { z } from 'zod';
import { defineCronJob, defineJob } from '../jobs/index.ts';

export const auditPolicyJob = defineJob({
  name: 'recording-policy.audit',
  payload: z.object({ connectionId: z.uuid(), operator: z.string().nullable().optional() }),
  retryLimit: 5,
  retryDelaySeconds: 60,
  retryBackoff: true,
  timeoutSeconds: 300,
  dedupe: 'queued',
});

export const dailyAuditJob = defineCronJob({
  name: 'recording-policy.daily-audit',
  retryLimit: 2,
  retryDelaySeconds: 300,
  retryBackoff: true,
  timeoutSeconds: 300,
  cron: '41 4 * * *',
});
