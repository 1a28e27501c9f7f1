import type { SettingsScope, ZoomClient, ZoomSettings } from '../zoom/index.ts';
import { policyItems, readPath } from './policy.ts';
import type { PolicyRow } from './queries.ts';

export type AuditItem = {
  id: string;
  current: boolean | string | number | null;
  isLocked: boolean;
  status: 'ok' | 'off_policy' | 'manual' | 'unknown';
  note: string | null;
};

/** The settings scope the policy is audited and applied at. */
export function scopeOf(policy: PolicyRow): Exclude<SettingsScope, { kind: 'user' }> {
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
