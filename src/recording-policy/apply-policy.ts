import { isZoomApiError, type SettingsScope, type ZoomClient, type ZoomSettings } from '../zoom/index.ts';
import { scopeOf } from './audit-policy.ts';
import { bodyFor, policyItems } from './policy.ts';
import type { PolicyRow } from './queries.ts';

export type ApplyResult = { id: string; outcome: 'applied' | 'refused' | 'skipped'; message: string | null };

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
