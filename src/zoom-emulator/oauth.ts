/**
 * Zoom OAuth (docs/zoom-platform.md §1): registered apps, the consent page, authorization codes (single use, 5 minutes, PKCE),
 * the token endpoint (authorization_code, rotating refresh_token, account_credentials), revocation and
 * `app_deauthorized`.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requestInfo } from './request-info.ts';
import type {
  AccessTokenRecord,
  AppRecord,
  EmulatorAppRegistration,
  EmulatorContext,
  GrantRecord,
  UserRecord,
} from './state.ts';

export const accessTokenSeconds = 3600;
export const authCodeSeconds = 5 * 60;

function newToken(): string {
  return randomBytes(36).toString('base64url');
}

export type TokenSet = {
  access_token: string;
  token_type: 'bearer';
  refresh_token?: string;
  expires_in: number;
  scope: string;
  api_url?: string;
};

/** Registers (or replaces) an app; a webhook URL is validated right away and then every 72 hours. */
export function registerApp(ctx: EmulatorContext, registration: EmulatorAppRegistration): AppRecord {
  const app: AppRecord = {
    ...registration,
    redirectUris: [...registration.redirectUris],
    scopes: [...registration.scopes],
    accountId:
      registration.type === 'server_to_server' ? (registration.accountId ?? ctx.state.account.id) : undefined,
    registeredAt: ctx.clock.now(),
    webhookValidation: { status: 'pending', at: null, detail: null },
  };
  ctx.state.apps.set(app.clientId, app);
  if (app.webhookUrl) void ctx.webhooks.validateEndpoint(app);
  return app;
}

/** Whether an app receives the account's events: server-to-server apps always, others once authorized. */
export function isAppInstalled(ctx: EmulatorContext, app: AppRecord): boolean {
  if (app.type === 'server_to_server') return app.accountId === ctx.state.account.id;
  for (const grant of ctx.state.grants.values()) {
    if (grant.clientId === app.clientId && grant.revokedAt === null) return true;
  }
  return false;
}

function createGrant(
  ctx: EmulatorContext,
  app: AppRecord,
  user: UserRecord,
  kind: GrantRecord['kind'],
): GrantRecord {
  if (kind === 'authorization_code') {
    // "With multiple authorizations, the last token issued is considered valid, and the previous ones are
    // invalidated" (docs/zoom-platform.md §1.3, error 4741).
    for (const grant of ctx.state.grants.values()) {
      if (
        grant.clientId === app.clientId &&
        grant.accountId === ctx.state.account.id &&
        grant.revokedAt === null &&
        grant.kind === kind
      ) {
        grant.revokedAt = ctx.clock.now();
        grant.revokedReason = 'superseded by a newer authorization (4741)';
      }
    }
  }
  const grant: GrantRecord = {
    id: randomBytes(8).toString('hex'),
    clientId: app.clientId,
    accountId: ctx.state.account.id,
    userId: user.id,
    scopes: [...app.scopes],
    kind,
    createdAt: ctx.clock.now(),
    revokedAt: null,
    revokedReason: null,
  };
  ctx.state.grants.set(grant.id, grant);
  return grant;
}

function issueTokens(ctx: EmulatorContext, grant: GrantRecord, withRefresh: boolean): TokenSet {
  const now = ctx.clock.now();
  const access: AccessTokenRecord = {
    token: newToken(),
    grantId: grant.id,
    clientId: grant.clientId,
    accountId: grant.accountId,
    userId: grant.userId,
    scopes: grant.scopes,
    issuedAt: now,
    expiresAt: now + accessTokenSeconds * 1000,
  };
  ctx.state.accessTokens.set(access.token, access);
  // A real capture shows expires_in 3599 for a one-hour token (docs/zoom-platform.md §1.2).
  const set: TokenSet = {
    access_token: access.token,
    token_type: 'bearer',
    expires_in: accessTokenSeconds - 1,
    scope: grant.scopes.join(' '),
  };
  if (withRefresh) {
    const refresh = { token: newToken(), grantId: grant.id, issuedAt: now, usedAt: null };
    ctx.state.refreshTokens.set(refresh.token, refresh);
    set.refresh_token = refresh.token;
  } else {
    // Zoom's S2S tokens name the API host to call (https://api.zoom.us for Zoom's cloud, §1.2): here, the emulator.
    set.api_url = ctx.baseUrl();
  }
  return set;
}

/** As if `user` completed the consent flow for a General app: a new grant and a token set (tests, sandbox). */
export function installApp(ctx: EmulatorContext, clientId: string, user: UserRecord): TokenSet {
  const app = ctx.state.apps.get(clientId);
  if (!app) throw new Error(`unknown app ${clientId}`);
  return issueTokens(ctx, createGrant(ctx, app, user, 'authorization_code'), true);
}

/** Revokes a grant and sends `app_deauthorized` to its app (docs/zoom-platform.md §4.4). */
export function revokeGrant(ctx: EmulatorContext, grant: GrantRecord, reason: string): void {
  if (grant.revokedAt !== null) return;
  grant.revokedAt = ctx.clock.now();
  grant.revokedReason = reason;
  const app = ctx.state.apps.get(grant.clientId);
  if (!app) return;
  const stillInstalled = isAppInstalled(ctx, app);
  if (stillInstalled) return;
  const now = ctx.clock.now();
  ctx.webhooks.emit(
    'app_deauthorized',
    () => ({
      event: 'app_deauthorized',
      event_ts: now,
      payload: {
        account_id: grant.accountId,
        user_id: grant.userId,
        client_id: grant.clientId,
        signature: createHmac('sha256', app.clientSecret)
          .update(`${grant.accountId}:${grant.userId}:${now}`)
          .digest('hex'),
        deauthorization_time: new Date(now).toISOString(),
      },
    }),
    app,
  );
}

/** Revokes every grant of an app (all its tokens stop working). */
export function revokeAllTokens(ctx: EmulatorContext, clientId: string): number {
  let count = 0;
  for (const grant of ctx.state.grants.values()) {
    if (grant.clientId === clientId && grant.revokedAt === null) {
      revokeGrant(ctx, grant, 'revoked through the emulator');
      count += 1;
    }
  }
  return count;
}

export type TokenCheck = { ok: true; token: AccessTokenRecord } | { ok: false; message: string };

/** Checks a REST access token: unknown, expired and revoked tokens all get Zoom's 124 (docs/zoom-platform.md §6). */
export function checkAccessToken(ctx: EmulatorContext, token: string): TokenCheck {
  const record = ctx.state.accessTokens.get(token);
  if (!record) return { ok: false, message: 'Invalid access token.' };
  const grant = ctx.state.grants.get(record.grantId);
  if (!grant || grant.revokedAt !== null) return { ok: false, message: 'Invalid access token.' };
  if (record.expiresAt <= ctx.clock.now()) return { ok: false, message: 'Access token is expired.' };
  return { ok: true, token: record };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function errorPage(reply: FastifyReply, status: number, title: string, detail: string) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html><head><title>Zoom emulator</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></body></html>`,
    );
}

function oauthError(reply: FastifyReply, status: number, error: string, reason: string) {
  return reply.status(status).send({ reason, error });
}

type AuthorizeParams = {
  response_type?: string;
  client_id?: string;
  redirect_uri?: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
};

function checkAuthorizeParams(
  ctx: EmulatorContext,
  params: AuthorizeParams,
):
  | { ok: true; app: AppRecord; redirectUri: string }
  | { ok: false; status: number; title: string; detail: string } {
  const app = params.client_id ? ctx.state.apps.get(params.client_id) : undefined;
  if (!app)
    return {
      ok: false,
      status: 400,
      title: 'Invalid client_id',
      detail: 'No app with this client_id (4702).',
    };
  if (params.response_type !== 'code') {
    return {
      ok: false,
      status: 400,
      title: 'Unsupported response_type',
      detail: 'response_type must be "code".',
    };
  }
  const redirectUri = params.redirect_uri ?? app.redirectUris[0];
  if (!redirectUri || !app.redirectUris.includes(redirectUri)) {
    return {
      ok: false,
      status: 400,
      title: 'Invalid redirect',
      detail: `Redirect URI mismatch (4709): ${redirectUri ?? '(none)'}`,
    };
  }
  if (params.code_challenge_method && !['plain', 'S256'].includes(params.code_challenge_method)) {
    return { ok: false, status: 400, title: 'Invalid code_challenge_method', detail: 'Use S256 or plain.' };
  }
  return { ok: true, app, redirectUri };
}

function consentPage(
  ctx: EmulatorContext,
  app: AppRecord,
  params: AuthorizeParams,
  redirectUri: string,
): string {
  const owner = ctx.state.owner();
  const users = [...ctx.state.users.values()].filter((user) => user.status === 'active');
  const options = users
    .map((user) => {
      const role = ctx.state.role(user.roleId)?.name ?? user.roleId;
      const selected = user.id === owner.id ? ' selected' : '';
      return `<option value="${escapeHtml(user.id)}"${selected}>${escapeHtml(`${user.firstName} ${user.lastName} <${user.email}> · ${role}`)}</option>`;
    })
    .join('');
  const hidden = (name: string, value: string | undefined) =>
    value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const scopes = app.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize ${escapeHtml(app.clientId)} · Zoom emulator</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}button{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}</style></head>
<body>
<p><strong>Zoom emulator</strong> · ${escapeHtml(ctx.state.account.name)}</p>
<h1>Authorize app <span id="app-name">${escapeHtml(app.clientId)}</span></h1>
<p>This ${app.type === 'general' ? 'General' : 'Server-to-Server'} app requests these scopes:</p>
<ul id="scopes">${scopes}</ul>
<form method="post" action="/oauth/authorize">
${hidden('response_type', 'code')}${hidden('client_id', app.clientId)}${hidden('redirect_uri', redirectUri)}${hidden('state', params.state)}${hidden('code_challenge', params.code_challenge)}${hidden('code_challenge_method', params.code_challenge_method)}
<p><label for="user_id">Sign in as (no Zoom login here: choose the Zoom user who authorizes)</label><br>
<select id="user_id" name="user_id">${options}</select></p>
<p><button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button></p>
</form>
</body></html>`;
}

function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

/** Client authentication: `Authorization: Basic base64(client_id:client_secret)` (docs/zoom-platform.md §1.1). */
/** A token call's parameters: in the form body or in the query string (docs/zoom-platform.md §1.1). */
function paramsOf(request: FastifyRequest): Record<string, string> {
  return {
    ...(request.query as Record<string, string>),
    ...((request.body as Record<string, string> | undefined) ?? {}),
  };
}

function authenticateClient(ctx: EmulatorContext, request: FastifyRequest): AppRecord | null {
  const header = request.headers.authorization;
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  const app = ctx.state.apps.get(decoded.slice(0, colon));
  if (!app) return null;
  const given = Buffer.from(decoded.slice(colon + 1));
  const expected = Buffer.from(app.clientSecret);
  return given.length === expected.length && timingSafeEqual(given, expected) ? app : null;
}

function pkceMatches(challenge: string, method: 'plain' | 'S256', verifier: string | undefined): boolean {
  if (!verifier) return false;
  if (method === 'plain') return verifier === challenge;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

export function registerOAuthRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/oauth/authorize', async (request, reply) => {
    const params = request.query as AuthorizeParams;
    const check = checkAuthorizeParams(ctx, params);
    if (!check.ok) return errorPage(reply, check.status, check.title, check.detail);
    return reply
      .type('text/html; charset=utf-8')
      .send(consentPage(ctx, check.app, params, check.redirectUri));
  });

  app.post('/oauth/authorize', async (request, reply) => {
    const form = (request.body ?? {}) as AuthorizeParams & { decision?: string; user_id?: string };
    const check = checkAuthorizeParams(ctx, form);
    if (!check.ok) return errorPage(reply, check.status, check.title, check.detail);
    if (form.decision !== 'allow') {
      return reply.redirect(
        redirectWith(check.redirectUri, { error: 'access_denied', state: form.state ?? '' }),
        302,
      );
    }
    const user = form.user_id ? ctx.state.users.get(form.user_id) : ctx.state.owner();
    if (user?.status !== 'active')
      return errorPage(reply, 400, 'Unknown user', 'Choose an active Zoom user.');
    const code = randomBytes(24).toString('base64url');
    ctx.state.authCodes.set(code, {
      code,
      clientId: check.app.clientId,
      redirectUri: check.redirectUri,
      userId: user.id,
      accountId: ctx.state.account.id,
      scopes: [...check.app.scopes],
      expiresAt: ctx.clock.now() + authCodeSeconds * 1000,
      usedAt: null,
      codeChallenge: form.code_challenge ?? null,
      // "the default is plain" (docs/zoom-platform.md §1.1)
      codeChallengeMethod: form.code_challenge_method === 'S256' ? 'S256' : 'plain',
    });
    return reply.redirect(redirectWith(check.redirectUri, { code, state: form.state }), 302);
  });

  app.post('/oauth/token', async (request, reply) => {
    const client = authenticateClient(ctx, request);
    if (!client) return oauthError(reply, 401, 'invalid_client', 'Invalid client_id or client_secret');
    const params = paramsOf(request);
    const info = requestInfo(request);
    info.clientId = client.clientId;
    if (params.grant_type === 'refresh_token') {
      // Logged, so a test can assert that a revoked connection's refresh token is never tried again.
      info.accessToken = params.refresh_token ?? null;
      info.tokenKind = 'refresh';
    }
    switch (params.grant_type) {
      case 'authorization_code': {
        const code = params.code ? ctx.state.authCodes.get(params.code) : undefined;
        if (!code || code.clientId !== client.clientId)
          return oauthError(reply, 400, 'invalid_grant', 'Invalid authorization code');
        if (code.usedAt !== null)
          return oauthError(reply, 400, 'invalid_grant', 'Invalid authorization code');
        if (code.expiresAt <= ctx.clock.now())
          return oauthError(reply, 400, 'invalid_grant', 'Code is expired.');
        if (params.redirect_uri !== code.redirectUri)
          return oauthError(reply, 400, 'invalid_request', 'Redirect URI mismatch.');
        if (
          code.codeChallenge !== null &&
          !pkceMatches(code.codeChallenge, code.codeChallengeMethod, params.code_verifier)
        ) {
          return oauthError(reply, 400, 'invalid_grant', 'Invalid code_verifier');
        }
        code.usedAt = ctx.clock.now();
        const user = ctx.state.users.get(code.userId);
        if (!user) return oauthError(reply, 400, 'invalid_grant', 'Token owner no longer exists');
        return reply.send(issueTokens(ctx, createGrant(ctx, client, user, 'authorization_code'), true));
      }
      case 'refresh_token': {
        const refresh = params.refresh_token ? ctx.state.refreshTokens.get(params.refresh_token) : undefined;
        const grant = refresh ? ctx.state.grants.get(refresh.grantId) : undefined;
        // Rotation: a used refresh token, or one of a revoked grant, gets invalid_grant (docs/zoom-platform.md §1.3).
        if (
          !refresh ||
          !grant ||
          refresh.usedAt !== null ||
          grant.revokedAt !== null ||
          grant.clientId !== client.clientId
        ) {
          return oauthError(reply, 400, 'invalid_grant', 'Invalid Token!');
        }
        refresh.usedAt = ctx.clock.now();
        return reply.send(issueTokens(ctx, grant, true));
      }
      case 'account_credentials': {
        if (client.type !== 'server_to_server') {
          return oauthError(
            reply,
            400,
            'unauthorized_client',
            'The client is not authorized to use this grant type.',
          );
        }
        if (!params.account_id || params.account_id !== client.accountId) {
          return oauthError(reply, 400, 'invalid_request', 'Invalid account_id.');
        }
        // "You can generate and use multiple access tokens" (docs/zoom-platform.md §1.1): no invalidation of earlier ones.
        return reply.send(
          issueTokens(ctx, createGrant(ctx, client, ctx.state.owner(), 'account_credentials'), false),
        );
      }
      case undefined:
      case '':
        return oauthError(reply, 400, 'invalid_request', 'Missing grant_type.');
      default:
        return oauthError(reply, 400, 'unsupported_grant_type', 'Unsupported grant type');
    }
  });

  app.post('/oauth/revoke', async (request, reply) => {
    const client = authenticateClient(ctx, request);
    if (!client) return oauthError(reply, 401, 'invalid_client', 'Invalid client_id or client_secret');
    const params = paramsOf(request);
    const token = params.token ?? '';
    const grantId = ctx.state.accessTokens.get(token)?.grantId ?? ctx.state.refreshTokens.get(token)?.grantId;
    const grant = grantId ? ctx.state.grants.get(grantId) : undefined;
    if (!grant || grant.clientId !== client.clientId)
      return oauthError(reply, 400, 'invalid_request', 'Invalid Token!');
    // Revoking from the app's own "disconnect" also triggers app_deauthorized (docs/zoom-platform.md §4.4).
    revokeGrant(ctx, grant, 'revoked by the app (/oauth/revoke)');
    return reply.send({ status: 'success' });
  });

  // Legacy Data Compliance API: accepted and ignored (docs/zoom-platform.md §4.4).
  app.post('/oauth/data/compliance', async (request, reply) => {
    if (!authenticateClient(ctx, request))
      return oauthError(reply, 401, 'invalid_client', 'Invalid client_id or client_secret');
    return reply.send({ status: 'success' });
  });
}
