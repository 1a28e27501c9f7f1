import { z } from 'zod';
import { defineJob, retryUpTo } from '../jobs/index.ts';

/** Daily, and right after an admin changes the setting (then for that organisation only). */
export const applyRetentionJob = defineJob({
  name: 'privacy.apply-retention',
  payload: z.object({ organizationId: z.uuid().optional() }).passthrough(),
  ...retryUpTo(3, { delaySeconds: 300 }),
  timeoutSeconds: 3600,
  cron: '23 3 * * *',
});
