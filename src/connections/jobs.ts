import { z } from 'zod';
import { defineCronJob, defineJob } from '../jobs/index.ts';

export const handleWebhookJob = defineJob({
  name: 'connections.handle-webhook',
  payload: z.object({ eventId: z.uuid() }),
  retryLimit: 8,
  retryDelaySeconds: 10,
  retryBackoff: true,
  timeoutSeconds: 120,
  concurrency: 2,
  pollingIntervalSeconds: 0.5,
});

export const purgeConnectionDataJob = defineJob({
  name: 'connections.purge-data',
  payload: z.object({ connectionId: z.uuid() }),
  retryLimit: 5,
  retryDelaySeconds: 60,
  retryBackoff: true,
  timeoutSeconds: 3600,
});

/** Hourly: forgets webhook deliveries a week after they arrived (Zoom's retries end within 90 min). */
export const pruneWebhookEventsJob = defineCronJob({
  name: 'connections.prune-webhook-events',
  retryLimit: 2,
  retryDelaySeconds: 60,
  retryBackoff: true,
  timeoutSeconds: 600,
  cron: '29 * * * *',
});
