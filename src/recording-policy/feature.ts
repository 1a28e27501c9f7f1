import { z } from 'zod';
import { findOrganization } from '../accounts/index.ts';
import {
  type ConnectionRow,
  type ConnectionsFeature,
  findConnection,
  findConnectionByOrganization,
  listActiveConnections,
  requireActiveConnection,
} from '../connections/index.ts';
import {
  confirmManualItemRequestSchema,
  type RecordingPolicy,
  recordingPolicySchema,
  selectRecordingGroupRequestSchema,
  updateRecordingPolicyRequestSchema,
} from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { defineJob, type JobQueue } from '../jobs/index.ts';
import { AppError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { App } from '../server/app.ts';
import { getPrincipal, parseInput } from '../server/request.ts';
import type { UserMappingFeature } from '../user-mapping/index.ts';
import { isZoomApiError } from '../zoom/index.ts';
import {
  type ApplyResult,
  type AuditItem,
  applyPolicy,
  auditPolicy,
  checkRecordingGroup,
  loadPolicy,
  type PolicyRow,
  recommendScope,
  savePolicy,
  syncRecordingGroup,
} from './audit-policy.ts';
import { policyItems, readPath, recommendedDisclaimer } from './policy.ts';

export const auditPolicyJob = defineJob({
  name: 'recording-policy.audit',
  payload: z.object({ connectionId: z.uuid(), operator: z.string().nullable().optional() }),
  retryLimit: 5,
  retryDelaySeconds: 60,
  retryBackoff: true,
  timeoutSeconds: 300,
  dedupe: 'queued',
});

export const dailyAuditJob = defineJob({
  name: 'recording-policy.daily-audit',
  payload: z.object({}).passthrough(),
  retryLimit: 2,
  retryDelaySeconds: 300,
  retryBackoff: true,
  timeoutSeconds: 300,
  cron: '41 4 * * *',
});

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
    const next = previous.catch(() => {}).then(() => this.#runAudit(connection, change));
    this.#auditChains.set(connection.id, next);
    void next
      .finally(() => {
        if (this.#auditChains.get(connection.id) === next) this.#auditChains.delete(connection.id);
      })
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

  routes() {
    const { db, connections } = this.deps;
    const requireConnection = (organizationId: string) => requireActiveConnection(db, organizationId);
    const view = async (connection: ConnectionRow, policy: PolicyRow): Promise<RecordingPolicy> => {
      const organization = await findOrganization(db, connection.organizationId);
      const audit = (policy.lastAudit ?? []) as AuditItem[];
      const applied = (policy.lastApply ?? []) as ApplyResult[];
      const client = connections.access.clientFor(connection);
      const [recommendation, group] = await Promise.all([
        recommendScope(db, client, connection),
        checkRecordingGroup(client, policy),
      ]);
      return recordingPolicySchema.parse({
        scope: policy.scope,
        groupName: policy.groupName,
        groupId: policy.groupId,
        isGroupMissing: group?.isMissing ?? false,
        zoomGroups: group?.isMissing ? group.groups : [],
        autoDeleteDays: policy.autoDeleteDays,
        recommendation,
        lastAuditAt: policy.lastAuditAt?.toISOString() ?? null,
        drift: policy.drift,
        disclaimer: recommendedDisclaimer(
          organization?.productName ?? 'Callport',
          organization?.productUrl ?? null,
        ),
        items: policyItems(policy.autoDeleteDays).map((item) => {
          const found = audit.find((entry) => entry.id === item.id);
          const apply = applied.find((entry) => entry.id === item.id);
          return {
            id: item.id,
            field: item.field ?? null,
            target: item.target ?? null,
            current: found?.current ?? null,
            isLocked: found?.isLocked ?? false,
            isLockable: Boolean(item.lockKey),
            status: item.field ? (found?.status ?? 'unknown') : 'manual',
            note: found?.note ?? null,
            isUnconfirmed: item.isUnconfirmed ?? false,
            isBeyondGuide: item.isBeyondGuide ?? false,
            manualSteps: item.manual?.map((code) => ({ code })) ?? null,
            confirmedBy: policy.manualConfirmations[item.id] ?? null,
            lastApply: apply ? { outcome: apply.outcome, message: apply.message } : null,
          };
        }),
      });
    };

    return (app: App) => {
      app.get('/api/integrations/zoom/policy', { config: { access: 'admin' } }, async (request) => {
        const connection = await requireConnection(getPrincipal(request).organizationId);
        return view(connection, await loadPolicy(db, connection.id));
      });
      app.post('/api/integrations/zoom/policy/audit', { config: { access: 'admin' } }, async (request) => {
        const connection = await requireConnection(getPrincipal(request).organizationId);
        await this.audit(connection);
        return view(connection, await loadPolicy(db, connection.id));
      });
      app.patch('/api/integrations/zoom/policy', { config: { access: 'admin' } }, async (request) => {
        const input = parseInput(updateRecordingPolicyRequestSchema, request.body);
        const connection = await requireConnection(getPrincipal(request).organizationId);
        await loadPolicy(db, connection.id);
        if (Object.keys(input).length > 0) await savePolicy(db, connection.id, input);
        await this.audit(connection);
        return view(connection, await loadPolicy(db, connection.id));
      });
      app.post('/api/integrations/zoom/policy/apply', { config: { access: 'admin' } }, async (request) => {
        const connection = await requireConnection(getPrincipal(request).organizationId);
        let policy = await loadPolicy(db, connection.id);
        const client = connections.access.clientFor(connection);
        if (policy.scope === 'group') {
          if ((await checkRecordingGroup(client, policy))?.isMissing) {
            throw new AppError(
              'conflict',
              `The recording group ${policy.groupName} no longer exists in Zoom.`,
              {
                reason: 'recording_group_missing',
                params: { name: policy.groupName },
              },
            );
          }
          await syncRecordingGroup(db, client, connection, policy);
          policy = await loadPolicy(db, connection.id);
        }
        const results = await applyPolicy(client, policy);
        await savePolicy(db, connection.id, { lastApply: results });
        await this.audit(connection);
        return view(connection, await loadPolicy(db, connection.id));
      });
      app.post('/api/integrations/zoom/policy/group', { config: { access: 'admin' } }, async (request) => {
        const { groupId } = parseInput(selectRecordingGroupRequestSchema, request.body);
        const connection = await requireConnection(getPrincipal(request).organizationId);
        const client = connections.access.clientFor(connection);
        if (groupId) {
          let picked: { id: string; name: string } | undefined;
          for await (const group of client.listGroups()) if (group.id === groupId) picked = group;
          if (!picked) {
            throw new AppError('not_found', 'No such group in Zoom.', {
              reason: 'recording_group_missing',
              params: { name: groupId },
            });
          }
          await savePolicy(db, connection.id, { scope: 'group', groupId: picked.id, groupName: picked.name });
        } else {
          // Forget the missing group; syncing creates it again (or adopts one of the same name).
          await savePolicy(db, connection.id, { scope: 'group', groupId: null });
          await syncRecordingGroup(db, client, connection, await loadPolicy(db, connection.id));
        }
        await this.audit(connection);
        return view(connection, await loadPolicy(db, connection.id));
      });
      app.post(
        '/api/integrations/zoom/policy/manual/:itemId',
        { config: { access: 'admin' } },
        async (request) => {
          const principal = getPrincipal(request);
          const { itemId } = request.params as { itemId: string };
          const connection = await findConnectionByOrganization(db, principal.organizationId);
          const policy = connection ? await loadPolicy(db, connection.id) : undefined;
          if (
            !connection ||
            !policy ||
            !policyItems(policy.autoDeleteDays).some((item) => item.id === itemId && item.manual)
          ) {
            throw new AppError('not_found', 'No such manual item.', { reason: 'manual_item_not_found' });
          }
          const { done } = parseInput(confirmManualItemRequestSchema, request.body);
          const confirmations = { ...policy.manualConfirmations };
          if (done) confirmations[itemId] = { by: principal.email, at: new Date().toISOString() };
          else delete confirmations[itemId];
          await savePolicy(db, connection.id, { manualConfirmations: confirmations });
          return view(connection, await loadPolicy(db, connection.id));
        },
      );
    };
  }
}

/** True when a settings change (an event's `object.settings`) set `field` to `value`. */
function setsValue(changed: unknown, field: string, value: unknown): boolean {
  if (!changed) return false;
  const set = readPath(changed, field);
  return set !== undefined && set === value;
}
