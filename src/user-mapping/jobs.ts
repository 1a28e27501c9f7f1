import { z } from 'zod';
import { defineCronJob, defineJob, retryUpTo } from '../jobs/index.ts';

/** One connection's Zoom users read again: after connecting, on `user.*` events, and daily. */
export const syncZoomUsersJob = defineJob({
  name: 'user-mapping.sync-zoom-users',
  payload: z.object({ connectionId: z.uuid() }),
  ...retryUpTo(5, { delaySeconds: 30 }),
  timeoutSeconds: 1800,
  dedupe: 'queued',
});

/** Once a day, every active connection's users. */
export const resyncAllJob = defineCronJob({
  name: 'user-mapping.daily-resync',
  ...retryUpTo(2, { delaySeconds: 300 }),
  timeoutSeconds: 300,
  cron: '23 3 * * *',
});
