import type { Prerequisite } from '../contract/index.ts';
import { isZoomApiError, type ZoomClient, type ZoomUser } from '../zoom/index.ts';

/**
 * Classic scopes Callport needs (docs/zoom-platform.md §1.5). Granular equivalents are listed in the README; Zoom grants
 * an app the scopes configured on it in the Marketplace.
 */
export const requiredScopes = [
  'user:read:admin',
  'account:read:admin',
  'account:write:admin',
  'group:read:admin',
  'group:write:admin',
  'recording:read:admin',
  'meeting:read:admin',
];

/**
 * Scopes Callport uses when the app has them, and does without otherwise: AI Companion's meeting
 * summaries (granular `meeting:read:summary:admin`, docs/zoom-platform.md §2.6), and Zoom's reports
 * (Pro plan or higher), which let coverage find meetings no webhook announced (docs/zoom-platform.md
 * §2.2; without them coverage relies on `meeting.ended` and says so).
 */
export const optionalScopes = ['meeting_summary:read:admin', 'report:read:admin'];

// Privileges behind the endpoints Callport calls (the specs' `x-permissions`, docs/zoom-platform.md §2.2).
const neededPermissions = ['AccountSetting:Edit', 'Group:Edit', 'User:Read'];

/**
 * The guide's prerequisites, checked against Zoom right after connecting: Zoom role or permissions,
 * granted scopes, a Business-like plan (Zoom has no plan endpoint for ordinary accounts: signals only,
 * so the best answer is "likely", docs/zoom-platform.md §2.2) and read access to the account's settings.
 */
export async function checkPrerequisites(options: {
  client: ZoomClient;
  me: ZoomUser;
  grantedScopes: string[];
  isCallportAdmin: boolean;
}): Promise<Prerequisite[]> {
  const { client, me, grantedScopes } = options;
  const results: Prerequisite[] = [
    { id: 'callport_admin', status: options.isCallportAdmin ? 'pass' : 'fail', values: {} },
  ];

  const roleName = me.role_name ?? '';
  const isOwnerOrAdmin = /^(owner|admin)/i.test(roleName) || me.role_id === '0';
  let missingPermissions: string[] = [];
  if (!isOwnerOrAdmin) {
    const permissions = await client.getUserPermissions('me').catch(() => [] as string[]);
    missingPermissions = neededPermissions.filter((permission) => !permissions.includes(permission));
  }
  results.push({
    id: 'zoom_role',
    status: isOwnerOrAdmin || missingPermissions.length === 0 ? 'pass' : 'fail',
    values: { roleName, missingPermissions },
  });

  const missingScopes = requiredScopes.filter((scope) => !hasScope(grantedScopes, scope));
  results.push({
    id: 'scopes',
    status: missingScopes.length === 0 ? 'pass' : 'fail',
    values: { missingScopes },
  });

  let settingsReadable = false;
  let settingsError = '';
  try {
    await client.getSettings({ kind: 'account' }, { customQueryFields: ['recording'] });
    settingsReadable = true;
  } catch (error) {
    settingsError = isZoomApiError(error) ? error.message : String(error);
  }
  results.push({
    id: 'settings_access',
    status: settingsReadable ? 'pass' : 'fail',
    values: { error: settingsError },
  });

  // Licensed (type 2) users exist only on paid plans; a bundle type names the plan outright.
  const isLicensed = me.type === 2;
  const bundle = String((me as { plan_united_type?: unknown }).plan_united_type ?? '');
  results.push({
    id: 'plan',
    status: isLicensed && settingsReadable ? 'pass' : 'warn',
    values: { likely: isLicensed && settingsReadable, userType: me.type, bundle },
  });
  return results;
}

/**
 * Scopes any of which lets Callport read a meeting's AI Companion summary (docs/zoom-platform.md §2.6):
 * classic and granular, admin-level and the user's own.
 */
const meetingSummaryScopes = [
  'meeting_summary:read:admin',
  'meeting_summary:read',
  'meeting:read:summary:admin',
  'meeting:read:summary',
];

/**
 * Whether Zoom granted the connection a scope that reads meeting summaries. Without one Zoom refuses
 * every such request, so the import does not spend one of the account's Light requests on it. An empty
 * list (a connection stored before scopes were kept) says nothing: then the request is made.
 */
export function canReadMeetingSummaries(granted: readonly string[]): boolean {
  return granted.length === 0 || granted.some((scope) => meetingSummaryScopes.includes(scope));
}

/** A granted granular scope (`recording:read:list_user_recordings:admin`) covers its classic family too. */
function hasScope(granted: string[], scope: string): boolean {
  if (granted.includes(scope)) return true;
  const [resource, action] = scope.split(':');
  const family = resource === 'recording' ? 'cloud_recording' : resource;
  return granted.some(
    (candidate) => candidate.startsWith(`${family}:${action}:`) && candidate.endsWith(':admin'),
  );
}
