import { z } from 'zod';
import { defineCronJob, defineJob } from '../jobs/index.ts';

/** One connection's pass over Zoom's meeting reports (Heavy: see reconcile-connection.ts for the budget). */
export const reconcileConnectionJob = defineJob({
  name: 'coverage.reconcile-connection',
  payload: z.object({ connectionId: z.uuid() }),
  retryLimit: 3,
  retryDelaySeconds: 300,
  retryBackoff: true,
  timeoutSeconds: 3600,
  dedupe: 'queued',
});

/** Four passes a day over every connection: 4 Heavy requests per linked user and day. */
export const reconcileDispatchJob = defineCronJob({
  name: 'coverage.reconcile-dispatch',
  retryLimit: 1,
  retryDelaySeconds: 60,
  retryBackoff: false,
  timeoutSeconds: 300,
  cron: '41 */6 * * *',
});
