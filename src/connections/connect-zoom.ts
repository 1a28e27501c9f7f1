import { createHash } from 'node:crypto';
import { insertAuditEntry, insertAuditEntryBy } from '../accounts/index.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../lib/errors.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import {
  buildAuthorizeUrl,
  createAuthorizationRequest,
  exchangeAuthorizationCode,
  isZoomApiError,
  requestAccountCredentialsToken,
  revokeToken,
  type ZoomTokenSet,
} from '../zoom/index.ts';
import { checkPrerequisites } from './check-prerequisites.ts';
import {
  findConnectionByOrganization,
  findConnectionsByZoomAccount,
  insertOAuthState,
  lockConnection,
  takeOAuthState,
  updateConnection,
  upsertConnection,
} from './queries.ts';
import type { ZoomAccess } from './zoom-access.ts';

type Deps = { db: Db; box: SecretBox; access: ZoomAccess };

const stateLifetimeMs = 10 * 60_000;

function hashState(state: string) {
  return createHash('sha256').update(state).digest('hex');
}

/** Starts the OAuth round trip (Réglages > Intégrations > Zoom > Connecter): returns Zoom's consent URL. */
export async function startZoomAuthorization(
  deps: Deps,
  principal: { organizationId: string; userId: string },
) {
  const request = createAuthorizationRequest();
  await insertOAuthState(deps.db, {
    stateHash: hashState(request.state),
    organizationId: principal.organizationId,
    userId: principal.userId,
    codeVerifierSealed: deps.box.seal(request.codeVerifier),
    expiresAt: new Date(Date.now() + stateLifetimeMs),
  });
  return buildAuthorizeUrl(deps.access.app, {
    redirectUri: deps.access.app.redirectUri,
    state: request.state,
    codeChallenge: request.codeChallenge,
  });
}

export type ConnectOutcome =
  | { outcome: 'connected'; connectionId: string }
  | { outcome: 'failed'; reason: string };

/** Zoom redirected back with `code` and `state`: exchange, identify the account, check, store. */
export async function completeZoomAuthorization(
  deps: Deps,
  principal: { organizationId: string; userId: string },
  query: { code?: string; state?: string; error?: string },
): Promise<ConnectOutcome> {
  if (query.error)
    return { outcome: 'failed', reason: query.error === 'access_denied' ? 'access_denied' : 'zoom_error' };
  if (!query.code || !query.state) return { outcome: 'failed', reason: 'missing_code' };
  const state = await takeOAuthState(deps.db, hashState(query.state));
  if (!state || state.userId !== principal.userId || state.organizationId !== principal.organizationId) {
    return { outcome: 'failed', reason: 'invalid_state' };
  }
  let tokens: ZoomTokenSet;
  try {
    tokens = await exchangeAuthorizationCode(deps.access.app, {
      code: query.code,
      redirectUri: deps.access.app.redirectUri,
      codeVerifier: deps.box.open(state.codeVerifierSealed),
    });
  } catch (error) {
    if (isZoomApiError(error)) return { outcome: 'failed', reason: 'code_exchange_failed' };
    throw error;
  }
  return storeConnection(deps, principal, tokens, 'general');
}

/** Server-to-Server OAuth app: no consent page, the app's own account credentials. */
export async function connectServerToServer(
  deps: Deps,
  principal: { organizationId: string; userId: string },
) {
  const { app } = deps.access;
  if (!app.accountId)
    throw new AppError('bad_request', 'ZOOM_ACCOUNT_ID is not configured for the Server-to-Server app.');
  let tokens: ZoomTokenSet;
  try {
    tokens = await requestAccountCredentialsToken(app, app.accountId);
  } catch (error) {
    if (isZoomApiError(error)) return { outcome: 'failed' as const, reason: 'code_exchange_failed' };
    throw error;
  }
  return storeConnection(deps, principal, tokens, 'server_to_server');
}

async function storeConnection(
  deps: Deps,
  principal: { organizationId: string; userId: string },
  tokens: ZoomTokenSet,
  appType: 'general' | 'server_to_server',
): Promise<ConnectOutcome> {
  const probe = deps.access.clientForTokens(tokens, `oauth:${principal.organizationId}`);
  const me = await probe.getMe();
  const accountId = String((me as { account_id?: unknown }).account_id ?? deps.access.app.accountId ?? '');
  if (!accountId) return { outcome: 'failed', reason: 'no_account' };
  // One Zoom account keeps one token set per app (docs/zoom-platform.md §1.3): it can serve one Callport organisation only.
  const others = await findConnectionsByZoomAccount(deps.db, accountId);
  const holder = others.find(
    (other) =>
      other.organizationId !== principal.organizationId &&
      (other.status === 'connected' || other.status === 'reconnect_needed'),
  );
  if (holder) {
    if (appType === 'general') await keepHolderConnected(deps, holder.id, tokens, me);
    return { outcome: 'failed', reason: 'account_in_use' };
  }
  const previous = await findConnectionByOrganization(deps.db, principal.organizationId);
  if (previous && previous.status === 'connected' && previous.zoomAccountId !== accountId) {
    return { outcome: 'failed', reason: 'other_account' };
  }
  const prerequisites = await checkPrerequisites({
    client: deps.access.clientForTokens(tokens, accountId),
    me,
    grantedScopes: tokens.scopes,
    isCallportAdmin: true,
  });
  return deps.db.transaction(async (tx) => {
    const connection = await upsertConnection(tx, {
      organizationId: principal.organizationId,
      appType,
      status: 'connected',
      zoomAccountId: accountId,
      zoomUserId: me.id,
      zoomUserEmail: me.email,
      zoomRoleName: me.role_name ?? null,
      scopes: tokens.scopes,
      connectedByUserId: principal.userId,
      connectedAt: new Date(),
      prerequisites,
      lastApiSuccessAt: new Date(),
      ...deps.access.sealTokens(tokens),
    });
    await insertAuditEntryBy(tx, principal, {
      action: previous ? 'zoom.reconnected' : 'zoom.connected',
      target: connection.id,
      details: { zoomAccountId: accountId, zoomUser: me.email, scopes: tokens.scopes },
    });
    return { outcome: 'connected' as const, connectionId: connection.id };
  });
}

/**
 * Another organisation has just authorised a Zoom account already connected here: Zoom keeps one token
 * set per account and app, so that exchange superseded the holder's tokens (docs/zoom-platform.md §1.3)
 * and the holder would stop importing. The holder goes on with the new set, which acts for the Zoom
 * user who just consented (recorded on its card and in its audit log); the refused organisation keeps
 * nothing. A holder waiting for a reconnect (its refresh may have failed on the superseded grant just
 * before) is connected again; a disconnected or uninstalled one gets nothing: the new grant is revoked.
 */
async function keepHolderConnected(
  deps: Deps,
  holderId: string,
  tokens: ZoomTokenSet,
  me: { id: string; email: string; role_name?: string | undefined },
): Promise<void> {
  const handedOver = await deps.db.transaction(async (tx) => {
    // Under the row lock a token refresh also takes: neither overwrites the other's tokens.
    const holder = await lockConnection(tx, holderId);
    // 'reconnect_needed' too: a refresh of the holder's superseded grant may have failed just before.
    if (holder?.status !== 'connected' && holder?.status !== 'reconnect_needed') return false;
    await updateConnection(tx, holderId, {
      status: 'connected',
      ...deps.access.sealTokens(tokens),
      scopes: tokens.scopes,
      zoomUserId: me.id,
      zoomUserEmail: me.email,
      zoomRoleName: me.role_name ?? null,
      lastError: null,
    });
    await insertAuditEntry(tx, {
      organizationId: holder.organizationId,
      actorUserId: null,
      action: 'zoom.tokens_replaced',
      target: holderId,
      details: {
        reason: 'another_organization_authorized_this_zoom_account',
        zoomUser: me.email,
        previousZoomUser: holder.zoomUserEmail,
      },
    });
    return true;
  });
  // Best effort: the refused organisation stores nothing of this grant, so if Zoom does not take the
  // revocation the access token is known to no one and expires within the hour on its own.
  if (!handedOver) await revokeToken(deps.access.app, tokens.accessToken).catch(() => {});
}
