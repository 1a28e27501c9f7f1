import { z } from 'zod';
import { defineCronJob, defineJob, retryUpTo } from '../jobs/index.ts';

/** One connection's pass over Zoom's meeting reports (Heavy: see reconcile-connection.ts for the budget). */
export const reconcileConnectionJob = defineJob({
  name: 'coverage.reconcile-connection',
  payload: z.object({ connectionId: z.uuid() }),
  ...retryUpTo(3, { delaySeconds: 300 }),
  timeoutSeconds: 3600,
  dedupe: 'queued',
});

/** Four passes a day over every connection: 4 Heavy requests per linked user and day. */
export const reconcileDispatchJob = defineCronJob({
  name: 'coverage.reconcile-dispatch',
  ...retryUpTo(1, { delaySeconds: 60, backoff: false }),
  timeoutSeconds: 300,
  cron: '41 */6 * * *',
});
