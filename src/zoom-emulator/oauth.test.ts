import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauthTokenResponseSchema, zoomAppDeauthorizedEventSchema } from '../zoom/wire.ts';
import type { ZoomEmulator } from './index.ts';
import {
  api,
  authorize,
  basicAuth,
  exchangeCode,
  refresh,
  startTestEmulator,
  startWebhookReceiver,
  testApp,
} from './test-helpers.ts';
import { signWebhookBody } from './webhooks.ts';

const redirectUri = testApp.redirectUris[0] as string;

describe('OAuth (docs/zoom-platform.md §1, checklist §8.1–8.3)', () => {
  let emulator: ZoomEmulator;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(testApp.webhookSecretToken);
    emulator = await startTestEmulator({ webhookUrl: receiver.url });
  });
  afterAll(async () => {
    await emulator.close();
    await receiver.close();
  });

  it('shows a consent page with the app, its scopes, Allow/Deny and a choice of active users (owner first)', async () => {
    const url = `${emulator.oauthUrl}/oauth/authorize?response_type=code&client_id=${testApp.clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&state=xyz`;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain(testApp.clientId);
    for (const scope of testApp.scopes) expect(html).toContain(scope);
    expect(html).toContain('value="allow"');
    expect(html).toContain('value="deny"');
    expect(html).toMatch(
      /<option value="[^"]+" selected>Camille Martin &#60;camille.martin@acme.example&#62; · Owner/,
    );
    expect(html).toContain('Louis Bernard');
    // inactive and pending users cannot sign in
    expect(html).not.toContain('lucas.moreau@acme.example');
    expect(html).not.toContain('ines.simon@acme.example');
    expect(html).toContain('name="state" value="xyz"');
  });

  it('refuses an unregistered redirect URI without redirecting', async () => {
    const response = await fetch(
      `${emulator.oauthUrl}/oauth/authorize?response_type=code&client_id=${testApp.clientId}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`,
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('4709');
  });

  it('Deny redirects with error=access_denied and the state', async () => {
    const location = await authorize(emulator, {
      client_id: testApp.clientId,
      redirect_uri: redirectUri,
      state: 's-1',
      decision: 'deny',
    });
    expect(location.origin + location.pathname).toBe(redirectUri);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('s-1');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('Allow redirects with a code and the state; the code works once and gives a Zoom-shaped token set', async () => {
    const location = await authorize(emulator, {
      client_id: testApp.clientId,
      redirect_uri: redirectUri,
      state: 's-2',
    });
    expect(location.searchParams.get('state')).toBe('s-2');
    const code = location.searchParams.get('code') as string;
    const first = await exchangeCode(emulator, code);
    expect(first.status).toBe(200);
    expect(oauthTokenResponseSchema.parse(first.body)).toBeTruthy();
    expect(first.body.token_type).toBe('bearer');
    expect(first.body.expires_in).toBe(3599);
    expect(first.body.scope).toBe(testApp.scopes.join(' '));
    const second = await exchangeCode(emulator, code);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
  });

  it('signs in as the user chosen on the consent page', async () => {
    const hugo = emulator.control.getUser('hugo.thomas@acme.example');
    const location = await authorize(emulator, {
      client_id: testApp.clientId,
      redirect_uri: redirectUri,
      user_id: hugo.id,
    });
    const tokens = await exchangeCode(emulator, location.searchParams.get('code') as string);
    const me = await api(emulator, tokens.body.access_token, '/users/me');
    expect(me.body.email).toBe('hugo.thomas@acme.example');
  });

  it('codes expire after 5 minutes', async () => {
    const location = await authorize(emulator, { client_id: testApp.clientId, redirect_uri: redirectUri });
    await emulator.control.advanceClock(301);
    const result = await exchangeCode(emulator, location.searchParams.get('code') as string);
    expect(result.status).toBe(400);
    expect(result.body.error).toBe('invalid_grant');
  });

  it('supports PKCE S256 and plain, and rejects a wrong verifier with invalid_grant', async () => {
    const verifier = 'a-verifier-that-is-long-enough-0123456789-abcdefghij';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const s256 = await authorize(emulator, {
      client_id: testApp.clientId,
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    expect(
      (await exchangeCode(emulator, s256.searchParams.get('code') as string, { code_verifier: 'wrong' })).body
        .error,
    ).toBe('invalid_grant');
    const s256b = await authorize(emulator, {
      client_id: testApp.clientId,
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    expect(
      (await exchangeCode(emulator, s256b.searchParams.get('code') as string, { code_verifier: verifier }))
        .status,
    ).toBe(200);
    // plain is the default method
    const plain = await authorize(emulator, {
      client_id: testApp.clientId,
      redirect_uri: redirectUri,
      code_challenge: verifier,
    });
    expect(
      (await exchangeCode(emulator, plain.searchParams.get('code') as string, { code_verifier: verifier }))
        .status,
    ).toBe(200);
  });

  it('requires Basic client authentication on the token endpoint', async () => {
    const location = await authorize(emulator, { client_id: testApp.clientId, redirect_uri: redirectUri });
    const response = await fetch(`${emulator.oauthUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: location.searchParams.get('code') as string,
        redirect_uri: redirectUri,
        client_id: testApp.clientId,
        client_secret: testApp.clientSecret,
      }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      reason: 'Invalid client_id or client_secret',
      error: 'invalid_client',
    });
    const wrongSecret = await fetch(
      `${emulator.oauthUrl}/oauth/token?grant_type=refresh_token&refresh_token=x`,
      {
        method: 'POST',
        headers: { authorization: basicAuth(testApp.clientId, 'nope') },
      },
    );
    expect(wrongSecret.status).toBe(401);
  });

  it('accepts token parameters in the query string too', async () => {
    const location = await authorize(emulator, { client_id: testApp.clientId, redirect_uri: redirectUri });
    const query = new URLSearchParams({
      grant_type: 'authorization_code',
      code: location.searchParams.get('code') as string,
      redirect_uri: redirectUri,
    });
    const response = await fetch(`${emulator.oauthUrl}/oauth/token?${query}`, {
      method: 'POST',
      headers: { authorization: basicAuth(testApp.clientId, testApp.clientSecret) },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { access_token: string }).access_token).toBeTruthy();
  });

  it('rotates refresh tokens and rejects a used one with Zoom’s invalid_grant body', async () => {
    const location = await authorize(emulator, { client_id: testApp.clientId, redirect_uri: redirectUri });
    const tokens = (await exchangeCode(emulator, location.searchParams.get('code') as string)).body;
    const rotated = await refresh(emulator, tokens.refresh_token);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(tokens.refresh_token);
    const reused = await refresh(emulator, tokens.refresh_token);
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({ reason: 'Invalid Token!', error: 'invalid_grant' });
    expect((await refresh(emulator, rotated.body.refresh_token)).status).toBe(200);
    const attempts = emulator.control
      .requestLog()
      .filter((e) => e.tokenKind === 'refresh' && e.accessToken === tokens.refresh_token);
    expect(attempts.map((e) => e.status)).toEqual([200, 400]);
    expect(attempts[0]?.clientId).toBe(testApp.clientId);
  });

  it('a new authorization invalidates the older token set (refresh and access)', async () => {
    const firstCode = await authorize(emulator, { client_id: testApp.clientId, redirect_uri: redirectUri });
    const first = (await exchangeCode(emulator, firstCode.searchParams.get('code') as string)).body;
    expect((await api(emulator, first.access_token, '/users/me')).status).toBe(200);
    const secondCode = await authorize(emulator, { client_id: testApp.clientId, redirect_uri: redirectUri });
    const second = (await exchangeCode(emulator, secondCode.searchParams.get('code') as string)).body;
    expect((await refresh(emulator, first.refresh_token)).body.error).toBe('invalid_grant');
    const old = await api(emulator, first.access_token, '/users/me');
    expect(old.status).toBe(401);
    expect(old.body.code).toBe(124);
    expect((await api(emulator, second.access_token, '/users/me')).status).toBe(200);
  });

  it('access tokens expire after an hour (401, code 124)', async () => {
    const tokens = emulator.control.installApp(testApp.clientId);
    await emulator.control.advanceClock(3599);
    expect((await api(emulator, tokens.access_token, '/users/me')).status).toBe(200);
    await emulator.control.advanceClock(2);
    const expired = await api(emulator, tokens.access_token, '/users/me');
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe(124);
  });

  it('/oauth/revoke answers {"status":"success"}, kills the tokens and sends a signed app_deauthorized', async () => {
    const tokens = emulator.control.installApp(testApp.clientId);
    await emulator.control.flushWebhooks();
    const before = receiver.events('app_deauthorized').length;
    const response = await fetch(`${emulator.oauthUrl}/oauth/revoke`, {
      method: 'POST',
      headers: {
        authorization: basicAuth(testApp.clientId, testApp.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: tokens.access_token }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'success' });
    await emulator.control.flushWebhooks();
    const events = receiver.events('app_deauthorized');
    expect(events.length).toBe(before + 1);
    const event = events[events.length - 1];
    if (!event) throw new Error('no event');
    const parsed = zoomAppDeauthorizedEventSchema.parse(event.json);
    expect(parsed.payload.client_id).toBe(testApp.clientId);
    expect(parsed.payload.account_id).toBe(emulator.control.account().id);
    const timestamp = Number(event.headers['x-zm-request-timestamp']);
    expect(event.headers['x-zm-signature']).toBe(
      signWebhookBody(testApp.webhookSecretToken, timestamp, event.body),
    );
    expect((await api(emulator, tokens.access_token, '/users/me')).status).toBe(401);
    expect((await refresh(emulator, tokens.refresh_token as string)).body.error).toBe('invalid_grant');
    const issued = emulator.control.listAccessTokensIssued().find((t) => t.token === tokens.access_token);
    expect(issued?.revoked).toBe(true);
  });

  it('uninstalling from the Marketplace revokes tokens and sends app_deauthorized', async () => {
    const tokens = emulator.control.installApp(testApp.clientId);
    const before = receiver.events('app_deauthorized').length;
    expect(emulator.control.uninstallApp(testApp.clientId)).toBe(1);
    await emulator.control.flushWebhooks();
    expect(receiver.events('app_deauthorized').length).toBe(before + 1);
    expect((await api(emulator, tokens.access_token, '/users/me')).status).toBe(401);
  });

  it('rejects unsupported grant types', async () => {
    const response = await fetch(`${emulator.oauthUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: basicAuth(testApp.clientId, testApp.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'password' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('unsupported_grant_type');
  });
});

describe('Server-to-Server OAuth (account_credentials)', () => {
  it('issues owner tokens without refresh token, with api_url; several stay valid', async () => {
    const s2s = {
      ...testApp,
      clientId: 's2s-client',
      clientSecret: 's2s-secret',
      type: 'server_to_server' as const,
    };
    const emulator = await startTestEmulator({ scenario: 'empty', apps: [s2s] });
    try {
      const accountId = emulator.control.account().id;
      const get = async (account: string) => {
        const response = await fetch(
          `${emulator.oauthUrl}/oauth/token?grant_type=account_credentials&account_id=${account}`,
          {
            method: 'POST',
            headers: { authorization: basicAuth(s2s.clientId, s2s.clientSecret) },
          },
        );
        return { status: response.status, body: (await response.json()) as Record<string, string> };
      };
      const first = await get(accountId);
      expect(first.status).toBe(200);
      expect(first.body.refresh_token).toBeUndefined();
      // api_url names the API host to call (Zoom: https://api.zoom.us): the emulator's public URL here.
      expect(first.body.api_url).toBe(emulator.url);
      const viaApiUrl = await fetch(`${first.body.api_url}/v2/users/me`, {
        headers: { authorization: `Bearer ${first.body.access_token}` },
      });
      expect(viaApiUrl.status).toBe(200);
      const second = await get(accountId);
      expect((await api(emulator, first.body.access_token as string, '/users/me')).body.role_id).toBe('0');
      expect((await api(emulator, second.body.access_token as string, '/users/me')).status).toBe(200);
      expect((await get('another-account')).status).toBe(400);
    } finally {
      await emulator.close();
    }
  });
});
