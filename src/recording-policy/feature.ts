import {
  type ConnectionRow,
  type ConnectionsFeature,
  findConnection,
  listActiveConnections,
} from '../connections/index.ts';
import type { Db } from '../db/index.ts';
import type { JobQueue } from '../jobs/index.ts';
import type { Logger } from '../lib/logger.ts';
import type { UserMappingFeature } from '../user-mapping/index.ts';
import { isZoomApiError } from '../zoom/index.ts';
import { type AuditItem, auditPolicy } from './audit-policy.ts';
import { auditPolicyJob, dailyAuditJob } from './jobs.ts';
import { policyItems, readPath } from './policy.ts';
import { loadPolicy, savePolicy } from './queries.ts';
import { syncRecordingGroup } from './sync-recording-group.ts';

/** The recording policy: audit, apply and lock the guide's settings, at account or group scope, and catch drift. */
export class RecordingPolicyFeature {
  constructor(
    readonly deps: {
      db: Db;
      queue: JobQueue;
      logger: Logger;
      connections: ConnectionsFeature;
      /** Saved links: the recording group follows them (the guide's case 2). */
      userMapping?: UserMappingFeature;
    },
  ) {
    const { queue, connections, db } = deps;
    queue.register(auditPolicyJob, async ({ connectionId, operator }) => {
      const connection = await findConnection(db, connectionId);
      if (connection?.status !== 'connected') return;
      // The daily audit also repairs the group: members added or removed in Zoom, users deactivated.
      await this.followLinks(connectionId);
      await this.audit(connection, { operator: operator ?? null });
    });
    deps.userMapping?.onLinksChanged(async ({ connectionId }) => {
      await this.followLinks(connectionId);
    });
    queue.register(dailyAuditJob, async () => {
      for (const connection of await listActiveConnections(db)) {
        await queue.send(auditPolicyJob, { connectionId: connection.id }, { singletonKey: connection.id });
      }
    });
    connections.onConnected((connectionId) =>
      queue.send(auditPolicyJob, { connectionId }, { singletonKey: connectionId }).then(() => {}),
    );
    for (const event of ['account.settings_updated', 'account.lock_settings_updated']) {
      connections.onWebhook(event, async (stored) => {
        const payload = stored.body.payload as
          | { operator?: string; object?: { settings?: unknown } }
          | undefined;
        await this.audit(stored.connection, {
          operator: payload?.operator ?? null,
          changedSettings: payload?.object?.settings,
        });
        return 'policy re-audited';
      });
    }
  }

  /**
   * In group mode, once Apply created the group: its members become the linked, licensed, active
   * users (a link saved adds, a link removed or a user deactivated removes). Account mode: nothing.
   */
  async followLinks(connectionId: string): Promise<{ added: number; removed: number } | undefined> {
    const { db, connections } = this.deps;
    const connection = await findConnection(db, connectionId);
    const policy = await loadPolicy(db, connectionId);
    if (connection?.status !== 'connected' || policy.scope !== 'group' || !policy.groupId) return undefined;
    return syncRecordingGroup(db, connections.access.clientFor(connection), connection, policy);
  }

  /** Audits and records drift: items that were on policy at the last audit and are not any more. */
  readonly #auditChains = new Map<string, Promise<unknown>>();

  /**
   * Audits one connection at a time in this process: Zoom's events arrive out of order and two
   * concurrent audits would each compare against the same previous audit and overwrite each other.
   */
  audit(
    connection: ConnectionRow,
    change: { operator: string | null; changedSettings?: unknown } = { operator: null },
  ): Promise<AuditItem[]> {
    const previous = this.#auditChains.get(connection.id) ?? Promise.resolve();
    // The previous audit's failure is its own caller's to handle (it got that promise): this one only
    // waits for it to end.
    const next = previous.catch(() => {}).then(() => this.#runAudit(connection, change));
    this.#auditChains.set(connection.id, next);
    void next
      .finally(() => {
        if (this.#auditChains.get(connection.id) === next) this.#auditChains.delete(connection.id);
      })
      // Only the clean-up's copy of the promise: the caller gets `next` itself, failure included.
      .catch(() => {});
    return next;
  }

  async #runAudit(
    connection: ConnectionRow,
    change: { operator: string | null; changedSettings?: unknown },
  ): Promise<AuditItem[]> {
    const { db } = this.deps;
    const policy = await loadPolicy(db, connection.id);
    let items: AuditItem[];
    try {
      items = await auditPolicy(this.deps.connections.access.clientFor(connection), policy);
    } catch (error) {
      // The recording group is gone from Zoom: nothing to audit there; the page says so (isGroupMissing).
      if (policy.scope === 'group' && isZoomApiError(error) && error.kind === 'not_found') return [];
      throw error;
    }
    const previous = (policy.lastAudit ?? []) as AuditItem[];
    const at = new Date().toISOString();
    const drift = items.flatMap((item) => {
      const before = previous.find((old) => old.id === item.id);
      const lostLock = before?.isLocked && !item.isLocked;
      if (before?.status !== 'ok' || !(item.status === 'off_policy' || lostLock)) return [];
      // Zoom says who changed what: name the operator only when their event set the drifted value.
      const field = policyItems(policy.autoDeleteDays).find((candidate) => candidate.id === item.id)?.field;
      const isTheirs = Boolean(field && setsValue(change.changedSettings, field, item.current));
      return [
        {
          id: item.id,
          from: before.current,
          to: item.current,
          operator: isTheirs ? change.operator : null,
          at,
        },
      ];
    });
    // Events can be processed out of order: an earlier event's audit may have seen this change first.
    // Give it its operator when this event says it changed that field.
    type DriftEntry = { id: string; from: unknown; to: unknown; operator: string | null; at: string };
    const known = ((policy.drift ?? []) as DriftEntry[]).map((entry) => {
      const field = policyItems(policy.autoDeleteDays).find((candidate) => candidate.id === entry.id)?.field;
      const isLatest =
        entry === ((policy.drift ?? []) as DriftEntry[]).find((other) => other.id === entry.id);
      return isLatest &&
        entry.operator === null &&
        field &&
        setsValue(change.changedSettings, field, entry.to)
        ? { ...entry, operator: change.operator }
        : entry;
    });
    await savePolicy(db, connection.id, {
      lastAudit: items,
      lastAuditAt: new Date(),
      drift: [...drift, ...known].slice(0, 50),
    });
    if (drift.length > 0)
      this.deps.logger.warn(
        { connectionId: connection.id, drift: drift.map((d) => d.id) },
        'recording policy drift',
      );
    return items;
  }
}

/** True when a settings change (an event's `object.settings`) set `field` to `value`. */
function setsValue(changed: unknown, field: string, value: unknown): boolean {
  if (!changed) return false;
  const set = readPath(changed, field);
  return set !== undefined && set === value;
}
