import { z } from 'zod';
import { defineCronJob, defineJob } from '../jobs/index.ts';

/** One connection's Zoom users read again: after connecting, on `user.*` events, and daily. */
export const syncZoomUsersJob = defineJob({
  name: 'user-mapping.sync-zoom-users',
  payload: z.object({ connectionId: z.uuid() }),
  retryLimit: 5,
  retryDelaySeconds: 30,
  retryBackoff: true,
  timeoutSeconds: 1800,
  dedupe: 'queued',
});

/** Once a day, every active connection's users. */
export const resyncAllJob = defineCronJob({
  name: 'user-mapping.daily-resync',
  retryLimit: 2,
  retryDelaySeconds: 300,
  retryBackoff: true,
  timeoutSeconds: 300,
  cron: '23 3 * * *',
});
