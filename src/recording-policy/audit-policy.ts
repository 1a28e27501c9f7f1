import { eq } from 'drizzle-orm';
import type { ConnectionRow } from '../connections/index.ts';
import type { Db } from '../db/index.ts';
import { schema } from '../db/index.ts';
import { listLinkedLicensedZoomUsers } from '../user-mapping/index.ts';
import { isZoomApiError, type SettingsScope, type ZoomClient, type ZoomSettings } from '../zoom/index.ts';
import { bodyFor, type PolicyItem, policyItems, readPath } from './policy.ts';

export type PolicyRow = typeof schema.recordingPolicies.$inferSelect;
export type AuditItem = {
  id: string;
  current: boolean | string | number | null;
  isLocked: boolean;
  status: 'ok' | 'off_policy' | 'manual' | 'unknown';
  note: string | null;
};
export type ApplyResult = { id: string; outcome: 'applied' | 'refused' | 'skipped'; message: string | null };

export async function loadPolicy(db: Db, connectionId: string): Promise<PolicyRow> {
  const [row] = await db
    .select()
    .from(schema.recordingPolicies)
    .where(eq(schema.recordingPolicies.connectionId, connectionId));
  if (row) return row;
  const [created] = await db
    .insert(schema.recordingPolicies)
    .values({ connectionId })
    .onConflictDoNothing()
    .returning();
  return created ?? (await loadPolicy(db, connectionId));
}

export async function savePolicy(db: Db, connectionId: string, values: Partial<PolicyRow>) {
  await db
    .update(schema.recordingPolicies)
    .set(values)
    .where(eq(schema.recordingPolicies.connectionId, connectionId));
}

function scopeOf(policy: PolicyRow): Exclude<SettingsScope, { kind: 'user' }> {
  return policy.scope === 'group' && policy.groupId
    ? { kind: 'group', groupId: policy.groupId }
    : { kind: 'account' };
}

/**
 * Reads the effective values at the chosen scope and the account's locks above it, item by item.
 * In group mode, items Zoom only has at account level are read there, and an account lock that would
 * override the group is flagged.
 */
export async function auditPolicy(client: ZoomClient, policy: PolicyRow): Promise<AuditItem[]> {
  const scope = scopeOf(policy);
  const account = await client.getSettings({ kind: 'account' });
  const accountLocks = await client.getLockSettings({ kind: 'account' }).catch(() => ({}) as ZoomSettings);
  const groupSettings = scope.kind === 'group' ? await client.getSettings(scope) : undefined;
  const groupLocks =
    scope.kind === 'group'
      ? await client.getLockSettings(scope).catch(() => ({}) as ZoomSettings)
      : undefined;
  return policyItems(policy.autoDeleteDays).map((item): AuditItem => {
    if (!item.field) return { id: item.id, current: null, isLocked: false, status: 'manual', note: null };
    const atGroup = scope.kind === 'group' && item.levels.includes('group');
    const source = atGroup ? groupSettings : account;
    const current = readPath(source, item.field);
    const lockSource = atGroup ? groupLocks : accountLocks;
    const isLocked = item.lockKey ? readPath(lockSource, item.lockKey) === true : false;
    let note: string | null = null;
    if (scope.kind === 'group' && !item.levels.includes('group')) note = 'account_level_only';
    if (
      atGroup &&
      item.lockKey &&
      readPath(accountLocks, item.lockKey) === true &&
      readPath(account, item.field) !== item.target
    ) {
      note = 'account_lock_overrides_group';
    }
    const value = current === undefined ? null : (current as boolean | string | number | null);
    const status = current === undefined ? 'unknown' : value === item.target ? 'ok' : 'off_policy';
    return { id: item.id, current: value, isLocked, status, note };
  });
}

/**
 * Applies every item the API allows, one PATCH per item so that Zoom refusing one (auto-delete days,
 * fields unconfirmed at account level) does not sink the others, then locks the lockable ones.
 */
export async function applyPolicy(client: ZoomClient, policy: PolicyRow): Promise<ApplyResult[]> {
  const scope = scopeOf(policy);
  const results: ApplyResult[] = [];
  for (const item of policyItems(policy.autoDeleteDays)) {
    if (!item.field) {
      results.push({ id: item.id, outcome: 'skipped', message: 'manual' });
      continue;
    }
    const target: Exclude<SettingsScope, { kind: 'user' }> =
      scope.kind === 'group' && item.levels.includes('group') ? scope : { kind: 'account' };
    try {
      await client.updateSettings(target, bodyFor(item.field, item.target) as ZoomSettings);
      if (item.lockKey) await client.updateLockSettings(target, bodyFor(item.lockKey, true) as ZoomSettings);
      results.push({ id: item.id, outcome: 'applied', message: null });
    } catch (error) {
      if (!isZoomApiError(error) || !['invalid_request', 'forbidden', 'not_found'].includes(error.kind))
        throw error;
      const detail = error.fieldErrors.map((field) => `${field.field}: ${field.message}`).join('; ');
      results.push({
        id: item.id,
        outcome: 'refused',
        message: detail ? `${error.message} (${detail})` : error.message,
      });
    }
  }
  return results;
}

/**
 * Whether the recording group Callport uses still exists in Zoom, with Zoom's groups to pick from when
 * it does not. `undefined`: no group in use (account scope, or the group is created at the next Apply).
 */
export async function checkRecordingGroup(client: ZoomClient, policy: PolicyRow) {
  if (policy.scope !== 'group' || !policy.groupId) return undefined;
  const groups: Array<{ id: string; name: string }> = [];
  for await (const group of client.listGroups()) groups.push({ id: group.id, name: group.name });
  return { isMissing: !groups.some((group) => group.id === policy.groupId), groups };
}

/** The guide's two cases, decided from data: few Zoom users are Callport users → a recording group. */
export async function recommendScope(db: Db, client: ZoomClient, connection: ConnectionRow) {
  let zoomUsers = 0;
  for await (const _user of client.listUsers('active')) zoomUsers++;
  const licensedLinked = (await listLinkedLicensedZoomUsers(db, connection.id)).length;
  // Sales is most of Zoom (case 2 of the guide: Zoom is only the sales team's tool) → account-wide.
  const scope: 'account' | 'group' = zoomUsers > 0 && licensedLinked / zoomUsers >= 0.8 ? 'account' : 'group';
  return { scope, zoomUsers, licensedLinked };
}

/**
 * Creates the recording group (or adopts one of the same name) and makes its members the linked,
 * licensed, active users: the group is Callport's, so a member nobody links (unlinked, deactivated,
 * added by hand) is taken out, as Zoom would otherwise record meetings Callport never imports.
 */
export async function syncRecordingGroup(
  db: Db,
  client: ZoomClient,
  connection: ConnectionRow,
  policy: PolicyRow,
) {
  let groupId = policy.groupId;
  if (!groupId) {
    for await (const group of client.listGroups()) {
      if (group.name === policy.groupName) groupId = group.id;
    }
    groupId ??= (await client.createGroup(policy.groupName)).id;
    await savePolicy(db, connection.id, { groupId });
  }
  const members = new Set<string>();
  for await (const member of client.listGroupMembers(groupId))
    members.add(String((member as { id?: string }).id));
  const wanted = await listLinkedLicensedZoomUsers(db, connection.id);
  const missing = wanted
    .filter((user) => !members.has(user.zoomUserId))
    .map((user) => ({ id: user.zoomUserId }));
  if (missing.length > 0) await client.addGroupMembers(groupId, missing);
  const wantedIds = new Set(wanted.map((user) => user.zoomUserId));
  const extra = [...members].filter((id) => !wantedIds.has(id));
  for (const id of extra) await client.removeGroupMember(groupId, id);
  return { groupId, added: missing.length, removed: extra.length };
}

export type { PolicyItem };

/** What the last audit found in Zoom for one item (undefined: never audited, or no such item). */
export async function auditedValue(db: Db, connectionId: string, itemId: string) {
  const [row] = await db
    .select({ lastAudit: schema.recordingPolicies.lastAudit })
    .from(schema.recordingPolicies)
    .where(eq(schema.recordingPolicies.connectionId, connectionId));
  return ((row?.lastAudit ?? []) as AuditItem[]).find((item) => item.id === itemId)?.current;
}
