import { z } from 'zod';
import { defineCronJob, defineJob, retryUpTo } from '../jobs/index.ts';

export const handleWebhookJob = defineJob({
  name: 'connections.handle-webhook',
  payload: z.object({ eventId: z.uuid() }),
  ...retryUpTo(8, { delaySeconds: 10 }),
  timeoutSeconds: 120,
  concurrency: 2,
  pollingIntervalSeconds: 0.5,
});

export const purgeConnectionDataJob = defineJob({
  name: 'connections.purge-data',
  payload: z.object({ connectionId: z.uuid() }),
  ...retryUpTo(5, { delaySeconds: 60 }),
  timeoutSeconds: 3600,
});

/** Hourly: forgets webhook deliveries a week after they arrived (Zoom's retries end within 90 min). */
export const pruneWebhookEventsJob = defineCronJob({
  name: 'connections.prune-webhook-events',
  ...retryUpTo(2, { delaySeconds: 60 }),
  timeoutSeconds: 600,
  cron: '29 * * * *',
});
