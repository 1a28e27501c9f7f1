import { z } from 'zod';
import { defineJob } from '../jobs/index.ts';

/** Daily, and right after an admin changes the setting (then for that organisation only). */
export const applyRetentionJob = defineJob({
  name: 'privacy.apply-retention',
  payload: z.object({ organizationId: z.uuid().optional() }).passthrough(),
  retryLimit: 3,
  retryDelaySeconds: 300,
  retryBackoff: true,
  timeoutSeconds: 3600,
  cron: '23 3 * * *',
});
