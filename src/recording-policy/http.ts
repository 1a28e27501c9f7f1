import { findOrganization } from '../accounts/index.ts';
import {
  type ConnectionRow,
  findConnectionByOrganization,
  requireActiveConnection,
} from '../connections/index.ts';
import {
  confirmManualItemRequestSchema,
  type RecordingPolicy,
  recordingPolicySchema,
  selectRecordingGroupRequestSchema,
  updateRecordingPolicyRequestSchema,
} from '../contract/index.ts';
import { AppError } from '../lib/errors.ts';
import type { App } from '../server/app.ts';
import { parseInput } from '../server/request.ts';
import { signedInRoutes } from '../server/routes.ts';
import { type ApplyResult, applyPolicy, describeApply } from './apply-policy.ts';
import type { AuditItem } from './audit-policy.ts';
import type { RecordingPolicyFeature } from './feature.ts';
import { policyItems, recommendedDisclaimer } from './policy.ts';
import { loadPolicy, type PolicyRow, savePolicy } from './queries.ts';
import { recommendScope } from './recommend-scope.ts';
import { checkRecordingGroup, syncRecordingGroup } from './sync-recording-group.ts';

export function registerRecordingPolicyRoutes(feature: RecordingPolicyFeature) {
  const { db, connections } = feature.deps;
  const requireConnection = (organizationId: string) => requireActiveConnection(db, organizationId);
  const view = async (connection: ConnectionRow, policy: PolicyRow): Promise<RecordingPolicy> => {
    const organization = await findOrganization(db, connection.organizationId);
    const audit = (policy.lastAudit ?? []) as AuditItem[];
    const applied = (policy.lastApply ?? []) as ApplyResult[];
    const client = connections.access.clientFor(connection);
    const [recommendation, group] = await Promise.all([
      recommendScope(db, connection.id),
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
          lastApply: apply ? describeApply(apply) : null,
        };
      }),
    });
  };

  return (app: App) => {
    const admin = signedInRoutes(app, 'admin');
    admin.get('/api/integrations/zoom/policy', async (principal) => {
      const connection = await requireConnection(principal.organizationId);
      return view(connection, await loadPolicy(db, connection.id));
    });
    admin.post('/api/integrations/zoom/policy/audit', async (principal) => {
      const connection = await requireConnection(principal.organizationId);
      await feature.audit(connection);
      return view(connection, await loadPolicy(db, connection.id));
    });
    admin.patch('/api/integrations/zoom/policy', async (principal, request) => {
      const input = parseInput(updateRecordingPolicyRequestSchema, request.body);
      const connection = await requireConnection(principal.organizationId);
      await loadPolicy(db, connection.id);
      if (Object.keys(input).length > 0) await savePolicy(db, connection.id, input);
      await feature.audit(connection);
      return view(connection, await loadPolicy(db, connection.id));
    });
    admin.post('/api/integrations/zoom/policy/apply', async (principal) => {
      const connection = await requireConnection(principal.organizationId);
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
      await feature.audit(connection);
      return view(connection, await loadPolicy(db, connection.id));
    });
    admin.post('/api/integrations/zoom/policy/group', async (principal, request) => {
      const { groupId } = parseInput(selectRecordingGroupRequestSchema, request.body);
      const connection = await requireConnection(principal.organizationId);
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
      await feature.audit(connection);
      return view(connection, await loadPolicy(db, connection.id));
    });
    admin.post('/api/integrations/zoom/policy/manual/:itemId', async (principal, request) => {
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
    });
  };
}
