import { createHash, randomBytes } from 'node:crypto';
import { type ZoomApiError, zoomApiErrorFrom, zoomUnreachableError } from './errors.ts';
import { type OAuthTokenResponse, oauthErrorBodySchema, oauthTokenResponseSchema } from './wire.ts';

/** The Zoom app Callport acts as. `oauthUrl` is https://zoom.us, or the emulator's address. */
export type ZoomAppCredentials = {
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
};

export type ZoomTokenSet = {
  accessToken: string;
  /** Absent for Server-to-Server OAuth tokens. */
  refreshToken: string | undefined;
  expiresAt: Date;
  scopes: string[];
};

/** A PKCE verifier and its S256 challenge (RFC 7636), plus an unguessable `state`. */
export function createAuthorizationRequest(): { state: string; codeVerifier: string; codeChallenge: string } {
  const codeVerifier = randomBytes(48).toString('base64url');
  return {
    state: randomBytes(24).toString('base64url'),
    codeVerifier,
    codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
  };
}

/** The URL the admin's browser goes to: Zoom's consent page (docs/zoom-platform.md §1.1). */
export function buildAuthorizeUrl(
  app: ZoomAppCredentials,
  options: { redirectUri: string; state: string; codeChallenge: string },
): string {
  const url = new URL('/oauth/authorize', app.oauthUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', app.clientId);
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('state', options.state);
  url.searchParams.set('code_challenge', options.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

export function exchangeAuthorizationCode(
  app: ZoomAppCredentials,
  options: { code: string; redirectUri: string; codeVerifier: string },
): Promise<ZoomTokenSet> {
  return requestToken(app, {
    grant_type: 'authorization_code',
    code: options.code,
    redirect_uri: options.redirectUri,
    code_verifier: options.codeVerifier,
  });
}

/**
 * Zoom rotates refresh tokens: the answer carries a new one and the old one is dead (docs/zoom-platform.md §1.3).
 * The caller must store the new token before anything else can fail.
 */
export function refreshAccessToken(app: ZoomAppCredentials, refreshToken: string): Promise<ZoomTokenSet> {
  return requestToken(app, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

/** Server-to-Server OAuth: an account owner's token for one hour, no refresh token (docs/zoom-platform.md §1.1). */
export function requestAccountCredentialsToken(
  app: ZoomAppCredentials,
  accountId: string,
): Promise<ZoomTokenSet> {
  return requestToken(app, { grant_type: 'account_credentials', account_id: accountId });
}

/** Revokes a token; Zoom then sends `app_deauthorized` (docs/zoom-platform.md §1.1, §4.4). */
export async function revokeToken(app: ZoomAppCredentials, token: string): Promise<void> {
  const response = await fetch(new URL('/oauth/revoke', app.oauthUrl), {
    method: 'POST',
    headers: { authorization: basicAuth(app), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) throw await toOAuthError(response, 'POST /oauth/revoke');
}

async function requestToken(app: ZoomAppCredentials, params: Record<string, string>): Promise<ZoomTokenSet> {
  const endpoint = `POST /oauth/token (${params.grant_type})`;
  let response: Response;
  try {
    response = await fetch(new URL('/oauth/token', app.oauthUrl), {
      method: 'POST',
      headers: { authorization: basicAuth(app), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (cause) {
    throw zoomUnreachableError(endpoint, cause);
  }
  if (!response.ok) throw await toOAuthError(response, endpoint);
  const body = oauthTokenResponseSchema.parse(await response.json());
  return toTokenSet(body);
}

function toTokenSet(body: OAuthTokenResponse): ZoomTokenSet {
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: new Date(Date.now() + body.expires_in * 1000),
    scopes: body.scope.split(/\s+/).filter(Boolean),
  };
}

function basicAuth(app: ZoomAppCredentials): string {
  return `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
}

function toOAuthError(response: Response, endpoint: string): Promise<ZoomApiError> {
  return zoomApiErrorFrom(response, endpoint, (json) => {
    const oauth = oauthErrorBodySchema.safeParse(json);
    if (oauth.success)
      return { zoomCode: oauth.data.error, message: `${oauth.data.error}: ${oauth.data.reason}` };
    if (json && typeof json === 'object' && 'code' in json) {
      const { code, message } = json as { code: number; message?: unknown };
      return { zoomCode: code, message: message === undefined ? `HTTP ${response.status}` : String(message) };
    }
    return undefined;
  });
}
