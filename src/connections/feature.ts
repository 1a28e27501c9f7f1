import type { Db } from '../db/index.ts';
import type { JobQueue } from '../jobs/index.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import { handleAppDeauthorized } from './disconnect-zoom.ts';
import { handleWebhookJob, pruneWebhookEventsJob, purgeConnectionDataJob } from './jobs.ts';
import {
  type ConnectionRow,
  deleteWebhookEvents,
  findConnection,
  findWebhookEvent,
  markWebhookEventProcessed,
} from './queries.ts';
import { createDatabaseRateBudget } from './rate-budget.ts';
import { type ConnectionEvent, ZoomAccess, type ZoomAppConfig } from './zoom-access.ts';

export type StoredWebhookEvent = {
  id: string;
  event: string;
  eventTs: number | null;
  /** The whole envelope as Zoom sent it (`event`, `event_ts`, `payload`, `download_token`). */
  body: Record<string, unknown>;
  connection: ConnectionRow;
};

/** How long a webhook delivery's row (its dedupe key and outcome, not its body) is kept. */
const webhookEventsKeptMs = 7 * 86_400_000;

/** A feature's reaction to a Zoom event; returns a short outcome for the event log. */
export type WebhookHandler = (event: StoredWebhookEvent) => Promise<string | undefined>;

export type ConnectionsDeps = {
  db: Db;
  box: SecretBox;
  queue: JobQueue;
  logger: Logger;
  app: ZoomAppConfig;
  publicUrl: string;
  isSandbox: boolean;
  metrics?: Metrics;
};

/**
 * The connections feature: the token vault and Zoom clients, the OAuth flow, the webhook receiver and
 * the routing of Zoom events to the features that subscribe to them.
 */
export class ConnectionsFeature {
  readonly deps: ConnectionsDeps & { access: ZoomAccess };
  readonly #handlers = new Map<string, WebhookHandler[]>();
  readonly #connectListeners: Array<(connectionId: string) => Promise<void>> = [];
  readonly #purgeHandlers: Array<(connection: ConnectionRow) => Promise<void>> = [];
  readonly #eventListeners: Array<(event: ConnectionEvent) => void> = [];

  constructor(deps: ConnectionsDeps) {
    const access = new ZoomAccess({
      db: deps.db,
      box: deps.box,
      app: deps.app,
      rateBudget: createDatabaseRateBudget(deps.db),
      logger: deps.logger,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      onConnectionEvent: (event) => this.#emit(event),
    });
    this.deps = { ...deps, access };
    this.onWebhook('app_deauthorized', async (event) => {
      const payload = (event.body.payload ?? {}) as { deauthorization_time?: string };
      // Our own Disconnect revokes at Zoom, which sends this event too: that is not an uninstall.
      if (event.connection.status === 'disconnected') return 'ignored: disconnected from Callport';
      // An event about a grant older than the current connection (reconnected since) changes nothing.
      const deauthorizedAt = Date.parse(payload.deauthorization_time ?? '') || (event.eventTs ?? Date.now());
      if (
        event.connection.status === 'connected' &&
        deauthorizedAt < event.connection.connectedAt.getTime()
      ) {
        return 'ignored: about an earlier authorization';
      }
      const { deleteDataAfter } = await handleAppDeauthorized(
        { db: deps.db, onConnectionEvent: (e) => this.#emit(e) },
        event.connection,
        { deauthorizationTime: payload.deauthorization_time },
      );
      if (deleteDataAfter) {
        const seconds = Math.max(0, Math.round((deleteDataAfter.getTime() - Date.now()) / 1000));
        await deps.queue.send(
          purgeConnectionDataJob,
          { connectionId: event.connection.id },
          { startAfterSeconds: seconds },
        );
      }
      return deleteDataAfter
        ? `uninstalled; data deleted after ${deleteDataAfter.toISOString()}`
        : 'uninstalled; data kept';
    });
    deps.queue.register(handleWebhookJob, ({ eventId }) => this.#dispatch(eventId));
    deps.queue.register(purgeConnectionDataJob, async ({ connectionId }) => {
      const connection = await findConnection(deps.db, connectionId);
      // Reconnected since the uninstall (the organisation uses Callport again), or an admin chose since
      // to keep the calls: nothing is deleted.
      if (!connection || connection.status === 'connected' || connection.uninstallDataPolicy === 'keep')
        return;
      for (const purge of this.#purgeHandlers) await purge(connection);
      await deleteWebhookEvents(deps.db, { connectionId });
    });
    deps.queue.register(pruneWebhookEventsJob, async () => {
      const pruned = await deleteWebhookEvents(deps.db, {
        before: new Date(Date.now() - webhookEventsKeptMs),
      });
      if (pruned > 0) deps.logger.info({ pruned }, 'old webhook deliveries forgotten');
    });
  }

  get access(): ZoomAccess {
    return this.deps.access;
  }

  onWebhook(eventName: string, handler: WebhookHandler): void {
    this.#handlers.set(eventName, [...(this.#handlers.get(eventName) ?? []), handler]);
  }

  /** Called after every successful connect or reconnect (first sync, backfill, audit…). */
  onConnected(listener: (connectionId: string) => Promise<void>): void {
    this.#connectListeners.push(listener);
  }

  /** Deletes a feature's Zoom-derived data when an uninstalled organisation's grace period ends. */
  onPurge(handler: (connection: ConnectionRow) => Promise<void>): void {
    this.#purgeHandlers.push(handler);
  }

  onConnectionEvent(listener: (event: ConnectionEvent) => void): void {
    this.#eventListeners.push(listener);
  }

  afterConnect(connectionId: string): void {
    for (const listener of this.#connectListeners) {
      listener(connectionId).catch((error: unknown) =>
        this.deps.logger.error({ err: error, connectionId }, 'after-connect step failed'),
      );
    }
  }

  async enqueueWebhook(eventId: string): Promise<void> {
    await this.deps.queue.send(handleWebhookJob, { eventId });
  }

  async #dispatch(eventId: string): Promise<void> {
    const stored = await findWebhookEvent(this.deps.db, eventId);
    if (!stored || stored.processedAt || !stored.connectionId) return;
    const body = stored.payloadSealed ? JSON.parse(this.deps.box.open(stored.payloadSealed)) : stored.payload;
    if (!body) return;
    const connection = await findConnection(this.deps.db, stored.connectionId);
    if (!connection) return;
    // After an uninstall or disconnect, only the uninstall itself still matters.
    if (connection.status !== 'connected' && stored.event !== 'app_deauthorized') {
      await markWebhookEventProcessed(this.deps.db, eventId, `ignored: connection ${connection.status}`);
      return;
    }
    const handlers = this.#handlers.get(stored.event) ?? [];
    const outcomes: string[] = [];
    for (const handler of handlers) {
      const outcome = await handler({
        id: stored.id,
        event: stored.event,
        eventTs: stored.eventTs,
        body: body as Record<string, unknown>,
        connection,
      });
      if (outcome) outcomes.push(outcome);
    }
    await markWebhookEventProcessed(
      this.deps.db,
      eventId,
      handlers.length ? outcomes.join('; ') || 'handled' : 'no handler',
    );
  }

  #emit(event: ConnectionEvent): void {
    for (const listener of this.#eventListeners) listener(event);
  }
}
