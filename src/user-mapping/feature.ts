import { type ConnectionsFeature, findConnection, listActiveConnections } from '../connections/index.ts';
import type { Db } from '../db/index.ts';
import type { JobQueue } from '../jobs/index.ts';
import type { Logger } from '../lib/logger.ts';
import { resyncAllJob, syncZoomUsersJob } from './jobs.ts';
import type { LinkChanges } from './link-users.ts';
import { setZoomUserStatus } from './queries.ts';
import { syncZoomUsers } from './sync-zoom-users.ts';

/** Keeps each connection's Zoom users fresh: after connecting, on `user.*` events, and daily. */
export class UserMappingFeature {
  readonly #linkListeners: Array<(changes: LinkChanges) => Promise<void>> = [];

  constructor(readonly deps: { db: Db; queue: JobQueue; logger: Logger; connections: ConnectionsFeature }) {
    const { queue, connections, db } = deps;
    queue.register(syncZoomUsersJob, async ({ connectionId }) => {
      const connection = await findConnection(db, connectionId);
      if (connection?.status !== 'connected') return;
      await syncZoomUsers(db, connectionId, connections.access.clientFor(connection));
    });
    queue.register(resyncAllJob, async () => {
      for (const connection of await listActiveConnections(db)) await this.requestSync(connection.id);
    });
    connections.onConnected((connectionId) => this.requestSync(connectionId));
    for (const event of [
      'user.created',
      'user.updated',
      'user.activated',
      'user.deleted',
      'user.disassociated',
    ]) {
      connections.onWebhook(event, async (stored) => {
        await this.requestSync(stored.connection.id);
        return 'users resync queued';
      });
    }
    connections.onWebhook('user.deactivated', async (stored) => {
      const id = (stored.body.payload as { object?: { id?: string } } | undefined)?.object?.id;
      if (id) await setZoomUserStatus(db, stored.connection.id, id, 'inactive');
      return 'user marked inactive';
    });
  }

  /** Called after links are saved (the import backfills new users, the recording group follows). */
  onLinksChanged(listener: (changes: LinkChanges) => Promise<void>): void {
    this.#linkListeners.push(listener);
  }

  /** Tells every listener; one listener's failure is logged and does not stop the others. */
  async linksChanged(changes: LinkChanges): Promise<void> {
    for (const listener of this.#linkListeners) {
      await listener(changes).catch((error: unknown) =>
        this.deps.logger.error({ err: error, connectionId: changes.connectionId }, 'after-link step failed'),
      );
    }
  }

  async requestSync(connectionId: string): Promise<void> {
    await this.deps.queue.send(syncZoomUsersJob, { connectionId }, { singletonKey: connectionId });
  }
}
