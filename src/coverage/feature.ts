import { Gauge } from 'prom-client';
import { type ConnectionsFeature, findConnection, listActiveConnections } from '../connections/index.ts';
import type { Db } from '../db/index.ts';
import type { JobQueue } from '../jobs/index.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { UserMappingFeature } from '../user-mapping/index.ts';
import { zoomMeetingEventObjectSchema } from '../zoom/index.ts';
import { buildCoverage } from './build-coverage.ts';
import { reconcileConnectionJob, reconcileDispatchJob } from './jobs.ts';
import { learnFromEvent } from './learn-meeting.ts';
import { reconcileConnection } from './reconcile-connection.ts';

export type CoverageFeatureDeps = {
  db: Db;
  queue: JobQueue;
  logger: Logger;
  connections: ConnectionsFeature;
  userMapping?: UserMappingFeature;
  metrics?: Metrics;
};

/**
 * Coverage: every meeting a linked user held, learned from `meeting.ended` (fast path) and from a
 * reconciliation pass over Zoom's meeting reports, set against what Zoom recorded and Callport imported.
 */
export class CoverageFeature {
  constructor(readonly deps: CoverageFeatureDeps) {
    const { db, queue, connections, logger } = deps;
    for (const event of ['meeting.ended', 'recording.started', 'recording.stopped'] as const) {
      connections.onWebhook(event, async (stored) => {
        const parsed = zoomMeetingEventObjectSchema.safeParse(
          (stored.body.payload as { object?: unknown } | undefined)?.object,
        );
        if (!parsed.success) return 'ignored: unreadable meeting';
        return learnFromEvent(
          { db, client: connections.access.clientFor(stored.connection) },
          stored.connection,
          event,
          parsed.data,
          stored.eventTs,
        );
      });
    }
    queue.register(reconcileConnectionJob, async ({ connectionId }) => {
      const connection = await findConnection(db, connectionId);
      if (connection?.status !== 'connected') return;
      const result = await reconcileConnection(
        { db, client: connections.access.clientFor(connection), logger },
        connection,
        new Date(),
      );
      if (result.stoppedBy) logger.warn({ connectionId, reason: result.stoppedBy }, 'coverage pass stopped');
    });
    // A user just linked gets their pass at once (their last weeks of meetings), not at the next cron.
    deps.userMapping?.onLinksChanged(async ({ connectionId }) => {
      await this.requestPass(connectionId);
    });
    queue.register(reconcileDispatchJob, async () => {
      for (const connection of await listActiveConnections(db)) await this.requestPass(connection.id);
    });
    if (deps.metrics) {
      const feature = this;
      new Gauge({
        name: 'callport_coverage_flagged_users',
        help: 'Linked, licensed users whose last two meetings were both not recorded by Zoom',
        registers: [deps.metrics.registry],
        async collect() {
          this.set(await feature.countFlaggedUsers());
        },
      });
    }
  }

  requestPass(connectionId: string) {
    return this.deps.queue.send(reconcileConnectionJob, { connectionId }, { singletonKey: connectionId });
  }

  /** Flagged users over every connected organisation (the `/metrics` gauge). */
  async countFlaggedUsers(): Promise<number> {
    let count = 0;
    for (const connection of await listActiveConnections(this.deps.db)) {
      const view = await buildCoverage(this.deps.db, connection, { weeks: 4 });
      count += view.users.filter((user) => user.isFlagged).length;
    }
    return count;
  }
}
