import type { RecordingPolicy } from '../contract/index.ts';
import {
  decideZoomFailure,
  isZoomApiError,
  type SettingsScope,
  type ZoomApiError,
  type ZoomClient,
  type ZoomSettings,
} from '../zoom/index.ts';
import { scopeOf } from './audit-policy.ts';
import { bodyFor, policyItems } from './policy.ts';
import type { PolicyRow } from './queries.ts';

/** Why Zoom refused an item, as a message code the UI translates (Zoom's own answer stays in `zoom`). */
export type PolicyRefusal =
  | 'policy_refused_permission'
  | 'policy_refused_value'
  | 'policy_refused_not_found'
  | 'policy_refused';
export type ApplyResult = {
  id: string;
  outcome: 'applied' | 'refused' | 'skipped';
  reason?: PolicyRefusal | null;
  /** Zoom's answer as it came (code, text, field errors), shown only as a detail. */
  zoom?: { code: number | string | null; message: string } | null;
  /** Rows saved before refusals were codes: Zoom's text, or `manual` for a skipped item. */
  message?: string | null;
};

/** Zoom's code 200 is "no permission" or "paid accounts only", 300 a validation failure (docs/zoom-platform.md §6). */
function refusalOf(error: ZoomApiError): PolicyRefusal {
  if (error.kind === 'forbidden' || error.zoomCode === 200) return 'policy_refused_permission';
  if (error.kind === 'not_found') return 'policy_refused_not_found';
  if (error.zoomCode === 300) return 'policy_refused_value';
  return 'policy_refused';
}

/** An item's last Apply for the UI: Callport's reason as a code, Zoom's own answer only as a detail. */
export function describeApply(apply: ApplyResult): RecordingPolicy['items'][number]['lastApply'] {
  if (apply.outcome !== 'refused') return { outcome: apply.outcome, reason: null, zoomDetail: null };
  const zoomDetail = apply.zoom
    ? `${apply.zoom.code === null ? '' : `${apply.zoom.code} · `}${apply.zoom.message}`
    : (apply.message ?? null);
  return { outcome: 'refused', reason: { code: apply.reason ?? 'policy_refused' }, zoomDetail };
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
      results.push({ id: item.id, outcome: 'skipped' });
      continue;
    }
    const target: Exclude<SettingsScope, { kind: 'user' }> =
      scope.kind === 'group' && item.levels.includes('group') ? scope : { kind: 'account' };
    try {
      await client.updateSettings(target, bodyFor(item.field, item.target) as ZoomSettings);
      if (item.lockKey) await client.updateLockSettings(target, bodyFor(item.lockKey, true) as ZoomSettings);
      results.push({ id: item.id, outcome: 'applied' });
    } catch (error) {
      // Zoom refusing this item is its outcome; anything else (retry later, reconnect) stops the Apply.
      if (!isZoomApiError(error) || decideZoomFailure(error).action !== 'fail') throw error;
      const detail = error.fieldErrors.map((field) => `${field.field}: ${field.message}`).join('; ');
      results.push({
        id: item.id,
        outcome: 'refused',
        reason: refusalOf(error),
        zoom: {
          code: error.zoomCode ?? null,
          message: detail ? `${error.message} (${detail})` : error.message,
        },
      });
    }
  }
  return results;
}
