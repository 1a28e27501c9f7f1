import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { setTimeout } from 'node:timers/promises';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../db/index.ts';
import { SecretBox } from '../lib/secret-box.ts';
import { startZoomTestBed, type ZoomTestBed } from '../test-support/zoom.ts';
import { signWebhook } from '../zoom/index.ts';
import { pruneWebhookEventsJob } from './jobs.ts';
import { findConnectionByOrganization } from './queries.ts';
import { createDatabaseRateBudget } from './rate-budget.ts';
import { resealSecrets } from './reseal-secrets.ts';
import { ZoomAccess } from './zoom-access.ts';

let bed: ZoomTestBed;

beforeAll(async () => {
  bed = await startZoomTestBed();
});
afterAll(() => bed?.stop());

async function connection() {
  const row = await findConnectionByOrganization(bed.app.database.db, bed.organizationId);
  if (!row) throw new Error('not connected');
  return row;
}

/** The stored access token has run out: the next use of the connection refreshes it. */
async function expireAccessToken(connectionId: string) {
  await bed.app.database.db.execute(
    sql`UPDATE zoom_connections SET token_expires_at = now() - interval '1 minute' WHERE id = ${connectionId}`,
  );
}

/** A token vault of its own on the bed's database (another process), on another Zoom token endpoint if given. */
function vaultWith(app: { oauthUrl?: string } = {}) {
  const { db } = bed.app.database;
  const box = (bed.app.connections.access as unknown as { deps: { box: SecretBox } }).deps.box;
  return new ZoomAccess({
    db,
    box,
    app: { ...bed.zoomApp, ...app },
    rateBudget: createDatabaseRateBudget(db),
    logger: bed.app.logger,
  });
}

/** Zoom's token endpoint behind a gate: a refresh waits at "Zoom" until the test opens it. */
async function startGatedTokenEndpoint() {
  let hasArrived = () => {};
  const arrived = new Promise<void>((resolve) => {
    hasArrived = resolve;
  });
  let open = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const zoom = http.createServer(async (request, response) => {
    hasArrived();
    await gate;
    const answer = await fetch(new URL(request.url ?? '/', bed.zoomApp.oauthUrl), {
      method: request.method ?? 'POST',
      headers: {
        authorization: request.headers.authorization ?? '',
        'content-type': request.headers['content-type'] ?? '',
      },
      body: await text(request),
    });
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' });
    response.end(await answer.text());
  });
  await new Promise<void>((resolve) => zoom.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(zoom.address() as AddressInfo).port}`,
    arrived,
    open,
    close: async () => {
      open();
      await new Promise((resolve) => zoom.close(resolve));
    },
  };
}

function signed(body: string, options: { timestamp?: number; secret?: string } = {}) {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  return {
    'content-type': 'application/json',
    'x-zm-request-timestamp': timestamp,
    'x-zm-signature': signWebhook(options.secret ?? bed.zoomApp.webhookSecretToken!, timestamp, body),
  };
}

describe('connecting Zoom', () => {
  it('refuses a denied consent and a forged state', async () => {
    expect(await bed.connect({ decision: 'deny' })).toContain('zoom=error&reason=access_denied');
    const forged = await bed.admin.request('GET', '/api/integrations/zoom/callback?code=abc&state=forged');
    expect(String(forged.headers.location)).toContain('reason=invalid_state');
  });

  it('connects through OAuth and shows the account, scopes and passing prerequisites', async () => {
    expect(await bed.connect()).toContain('/settings/integrations?zoom=connected');
    const response = await bed.admin.request('GET', '/api/integrations/zoom');
    const { connection } = response.json();
    expect(connection).toMatchObject({ status: 'connected', zoomUserEmail: 'camille.martin@acme.example' });
    expect(connection.connectedBy.email).toBe(bed.admin.email);
    expect(connection.health.tokenState).toBe('valid');
    expect(
      Object.fromEntries(
        connection.prerequisites.map((p: { id: string; status: string }) => [p.id, p.status]),
      ),
    ).toEqual({
      callport_admin: 'pass',
      zoom_role: 'pass',
      scopes: 'pass',
      settings_access: 'pass',
      plan: 'pass',
    });
  });

  it('lets only admins connect or disconnect', async () => {
    const member = await bed.app.createUserClient(bed.organizationId, 'member');
    expect((await member.request('GET', '/api/integrations/zoom/connect')).statusCode).toBe(403);
    expect((await member.request('POST', '/api/integrations/zoom/disconnect')).statusCode).toBe(403);
    expect((await member.request('GET', '/api/integrations/zoom')).statusCode).toBe(200);
  });

  it('keeps no token or client secret in plain text in the database or the logs', async () => {
    const issued = bed.emulator.control.listAccessTokensIssued().map((token) => token.token);
    expect(issued.length).toBeGreaterThan(0);
    const tables = ['zoom_connections', 'oauth_states', 'webhook_events', 'audit_log', 'users', 'sessions'];
    let dump = '';
    for (const table of tables) {
      const rows = await bed.app.database.executeSql(`SELECT row_to_json(t)::text AS row FROM ${table} t`);
      dump += rows.rows.map((row) => row.row).join('\n');
    }
    const logs = bed.app.logs.join('\n');
    for (const secret of [...issued, bed.zoomApp.clientSecret, bed.zoomApp.webhookSecretToken!]) {
      expect(dump).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    // The tokens are there, sealed.
    expect(dump).toMatch(/"access_token_sealed":"v1\./);
  });
});

describe('token vault', () => {
  it('makes exactly one refresh for 50 concurrent requests from two processes', async () => {
    const row = await connection();
    await expireAccessToken(row.id);
    const tokensBefore = bed.emulator.control.listAccessTokensIssued().length;
    // Two vaults on the same database stand for two worker processes: only the row lock coordinates them.
    const vaults = [vaultWith(), vaultWith()];
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => vaults[i % 2]!.clientFor(row).getMe()),
    );
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(bed.emulator.control.listAccessTokensIssued().length - tokensBefore).toBe(1);
    const after = await connection();
    expect(after.tokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
  });

  it('never answers a renewal with the token that was just refused', async () => {
    const row = await connection();
    const vault = vaultWith();
    const current = await vault.getAccessToken(row.id);
    // A download still on an older token renews first: the stored token answers it, no refresh needed.
    const forOlderToken = vault.renewAccessToken(row.id, 'an-older-token');
    // Meanwhile Zoom refuses the stored token itself (revoked): this caller needs a new one.
    const forCurrentToken = vault.renewAccessToken(row.id, current);
    expect(await forOlderToken).toBe(current);
    const renewed = await forCurrentToken;
    expect(renewed).not.toBe(current);
    expect(bed.emulator.control.listAccessTokensIssued().at(-1)?.token).toBe(renewed);
  });

  it('asks Zoom for a new token without holding a lock or a transaction meanwhile', async () => {
    const row = await connection();
    const { db } = bed.app.database;
    await expireAccessToken(row.id);
    const gate = await startGatedTokenEndpoint();
    const vault = vaultWith({ oauthUrl: gate.url });
    try {
      const renewing = vault.getAccessToken(row.id);
      await gate.arrived;
      // Another writer of the connection row (a webhook, another process) is not kept waiting on Zoom.
      const write = db
        .execute(sql`UPDATE zoom_connections SET last_error = last_error WHERE id = ${row.id}`)
        .then(() => 'written');
      const outcome = await Promise.race([write, setTimeout(10_000, 'still waiting on the refresh')]);
      gate.open();
      expect(outcome).toBe('written');
      const token = await renewing;
      expect(bed.emulator.control.listAccessTokensIssued().at(-1)?.token).toBe(token);
      expect((await connection()).tokenRefreshLeaseUntil).toBeNull();
    } finally {
      await gate.close();
    }
  });

  it('honours Zoom 429s and still succeeds', async () => {
    const row = await connection();
    bed.emulator.control.setFaults({ rateLimitBurst: { count: 2, type: 'QPS' } });
    const before = bed.emulator.control.requestLog().length;
    const me = await bed.app.connections.access.clientFor(row).getMe();
    expect(me.email).toBe('camille.martin@acme.example');
    const statuses = bed.emulator.control
      .requestLog()
      .slice(before)
      .map((entry) => entry.status);
    expect(statuses).toEqual([429, 429, 200]);
    bed.emulator.control.resetFaults();
  });

  it('leaves an uninstalled connection uninstalled when Zoom refuses its refresh for that reason', async () => {
    const row = await connection();
    const { db } = bed.app.database;
    await expireAccessToken(row.id);
    const gate = await startGatedTokenEndpoint();
    try {
      const renewing = vaultWith({ oauthUrl: gate.url }).getAccessToken(row.id);
      await gate.arrived;
      // While the refresh is on its way, Zoom uninstalls the app (its grant dies, app_deauthorized
      // lands): the refresh comes back refused, which must not turn "uninstalled" into "reconnect".
      // (The uninstall's own webhook is held back: the status is written here, at this moment.)
      bed.emulator.control.setWebhooks({ enabled: false });
      bed.emulator.control.revokeAllTokens(bed.zoomApp.clientId);
      await db.execute(sql`UPDATE zoom_connections SET status = 'uninstalled' WHERE id = ${row.id}`);
      gate.open();
      await expect(renewing).rejects.toMatchObject({ kind: 'unauthorized' });
      expect((await connection()).status).toBe('uninstalled');
    } finally {
      await gate.close();
      bed.emulator.control.setWebhooks({ enabled: true });
    }
    expect(await bed.connect()).toContain('zoom=connected');
    expect((await connection()).status).toBe('connected');
  });
});

describe('webhook receiver', () => {
  const event = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      event: 'user.updated',
      event_ts: Date.now(),
      payload: { account_id: 'x', object: { id: 'u1', first_name: 'Eve' }, ...extra },
    });

  it('answers URL validation only when signed', async () => {
    const body = JSON.stringify({
      event: 'endpoint.url_validation',
      event_ts: Date.now(),
      payload: { plainToken: 'abc123' },
    });
    const ok = await bed.app.anonymous.request('POST', '/webhooks/zoom', body, signed(body));
    expect(ok.statusCode).toBe(200);
    expect(ok.json().plainToken).toBe('abc123');
    expect(ok.json().encryptedToken).toMatch(/^[0-9a-f]{64}$/);
    const unsigned = await bed.app.anonymous.request('POST', '/webhooks/zoom', body, {
      'content-type': 'application/json',
    });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.body).not.toContain('encryptedToken');
  });

  it('rejects forged, stale, oversized and malformed deliveries without storing them', async () => {
    const { db } = bed.app.database;
    const count = async () =>
      Number((await bed.app.database.executeSql('SELECT count(*)::int AS n FROM webhook_events')).rows[0]!.n);
    const before = await count();
    const body = event();
    const forged = await bed.app.anonymous.request(
      'POST',
      '/webhooks/zoom',
      body,
      signed(body, { secret: 'wrong' }),
    );
    const stale = await bed.app.anonymous.request(
      'POST',
      '/webhooks/zoom',
      body,
      signed(body, { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
    );
    const tampered = await bed.app.anonymous.request(
      'POST',
      '/webhooks/zoom',
      body.replace('Eve', 'Mallory'),
      signed(body),
    );
    const big = JSON.stringify({ event: 'user.updated', payload: { pad: 'x'.repeat(300_000) } });
    const oversized = await bed.app.anonymous.request('POST', '/webhooks/zoom', big, signed(big));
    const notJson = '{"event": nope';
    const malformed = await bed.app.anonymous.request('POST', '/webhooks/zoom', notJson, signed(notJson));
    expect([forged, stale, tampered, oversized, malformed].map((r) => r.statusCode)).toEqual([
      401, 401, 401, 413, 400,
    ]);
    expect(await count()).toBe(before);
    expect(db).toBeDefined();
  });

  it('stores a replayed or duplicated event once', async () => {
    const row = await connection();
    const body = JSON.stringify({
      event: 'user.updated',
      event_ts: Date.now(),
      payload: { account_id: row.zoomAccountId, object: { id: 'zz', first_name: 'Replay' } },
    });
    const headers = signed(body);
    const first = await bed.app.anonymous.request('POST', '/webhooks/zoom', body, headers);
    const second = await bed.app.anonymous.request('POST', '/webhooks/zoom', body, headers);
    expect(first.json()).toEqual({ status: 'accepted' });
    expect(second.json()).toEqual({ status: 'duplicate' });
  });

  it('keeps a body sealed until processed, then forgets it, and prunes deliveries after a week', async () => {
    const row = await connection();
    const secret = `dl-${randomBytes(8).toString('hex')}`;
    const email = `pii-${randomBytes(4).toString('hex')}@acme.example`;
    const delivery = (accountId: string) =>
      JSON.stringify({
        event: 'user.updated',
        event_ts: Date.now(),
        download_token: secret,
        payload: { account_id: accountId, object: { id: 'u9', email } },
      });
    const rowsText = async () =>
      (
        await bed.app.database.executeSql(
          `SELECT row_to_json(t)::text AS row FROM webhook_events t WHERE received_at > now() - interval '1 minute'`,
        )
      ).rows
        .map((r) => r.row)
        .join('\n');
    // For no connected account: stored, never processed, so its body stays (sealed).
    const unrouted = delivery('unknown-account');
    await bed.app.anonymous.request('POST', '/webhooks/zoom', unrouted, signed(unrouted));
    const [kept] = (
      await bed.app.database.executeSql(
        `SELECT id, payload_sealed, payload FROM webhook_events WHERE connection_id IS NULL AND received_at > now() - interval '1 minute'`,
      )
    ).rows as Array<{ id: string; payload_sealed: string; payload: unknown }>;
    expect(kept!.payload).toBeNull();
    expect(JSON.parse(bed.app.connections.deps.box.open(kept!.payload_sealed))).toEqual(JSON.parse(unrouted));
    // For this account: processed, after which only the outcome is left.
    const routed = delivery(row.zoomAccountId);
    expect(
      (await bed.app.anonymous.request('POST', '/webhooks/zoom', routed, signed(routed))).json(),
    ).toEqual({
      status: 'accepted',
    });
    await expect
      .poll(
        async () =>
          (
            await bed.app.database.executeSql(
              `SELECT outcome, payload_sealed, payload FROM webhook_events WHERE connection_id = $1 AND received_at > now() - interval '1 minute' AND event_ts = $2 AND processed_at IS NOT NULL`,
              [row.id, JSON.parse(routed).event_ts],
            )
          ).rows,
        { timeout: 15_000 },
      )
      .toEqual([{ outcome: expect.any(String), payload_sealed: null, payload: null }]);
    const text = await rowsText();
    expect(text).not.toContain(secret);
    expect(text).not.toContain(email);

    await bed.app.database.executeSql(
      `UPDATE webhook_events SET received_at = now() - interval '8 days' WHERE id = $1`,
      [kept!.id],
    );
    await bed.app.queue.send(pruneWebhookEventsJob, {});
    await expect
      .poll(
        async () =>
          (await bed.app.database.executeSql(`SELECT id FROM webhook_events WHERE id = $1`, [kept!.id])).rows
            .length,
        { timeout: 15_000 },
      )
      .toBe(0);
    expect(
      Number((await bed.app.database.executeSql('SELECT count(*)::int AS n FROM webhook_events')).rows[0]!.n),
    ).toBeGreaterThan(0);
  });
});

describe('metrics', () => {
  it('exposes Zoom request, refresh and webhook counters on /metrics to this machine only', async () => {
    const row = await connection();
    await expireAccessToken(row.id);
    await bed.app.connections.access.clientFor(row).getMe();
    const before = await (await fetch(`${bed.callportUrl}/metrics`)).text();
    const body = JSON.stringify({
      event: 'user.updated',
      event_ts: Date.now(),
      payload: { account_id: 'nobody' },
    });
    await bed.app.anonymous.request('POST', '/webhooks/zoom', body, signed(body, { secret: 'forged' }));
    const response = await fetch(`${bed.callportUrl}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const value = (source: string, series: string) =>
      Number(
        source
          .split('\n')
          .find((line) => line.startsWith(series))
          ?.split(' ')
          .at(-1) ?? 0,
      );
    expect(value(text, 'callport_webhook_rejected_total{reason="bad_signature"}')).toBe(
      value(before, 'callport_webhook_rejected_total{reason="bad_signature"}') + 1,
    );
    expect(text).toMatch(/callport_zoom_requests_total\{category="Light",status="200"\} \d+/);
    expect(text).toMatch(/callport_token_refreshes_total\{outcome="refreshed"\} [1-9]/);
    expect(text).toContain('callport_queue_depth{queue="connections.handle-webhook"}');
    const remote = await bed.app.server!.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '10.1.2.3',
    });
    expect(remote.statusCode).toBe(403);
  });
});

describe('key rotation', () => {
  it('re-seals stored tokens, download tokens and pending webhook bodies with a new key, which alone then opens them', async () => {
    const oldBox = (bed.app.connections.access as unknown as { deps: { box: SecretBox } }).deps.box;
    const newKey = randomBytes(32);
    const oldKeys = [Buffer.from(bed.app.config.CALLPORT_ENCRYPTION_KEY!, 'base64')];
    const { db } = bed.app.database;
    const before = await connection();
    // A recording's webhook download token and a webhook body not processed yet are sealed too.
    const [recording] = await db
      .insert(schema.recordings)
      .values({
        connectionId: before.id,
        organizationId: bed.organizationId,
        meetingUuid: `rotation-${randomBytes(4).toString('hex')}`,
        meetingId: 1,
        topic: 'Key rotation',
        hostZoomId: 'host',
        startTime: new Date(),
        status: 'discovered',
        discoveredVia: 'webhook',
        downloadTokenSealed: oldBox.seal('download-token'),
      })
      .returning();
    const [pending] = await db
      .insert(schema.webhookEvents)
      .values({
        dedupeKey: `rotation-${recording!.id}`,
        event: 'user.updated',
        payloadSealed: oldBox.seal('{}'),
      })
      .returning();
    const rotated = new SecretBox([newKey, ...oldKeys]);
    expect(await resealSecrets(db, rotated)).toBeGreaterThanOrEqual(3);
    const row = await connection();
    const newOnly = new SecretBox([newKey]);
    expect(newOnly.open(row.accessTokenSealed!)).toEqual(expect.any(String));
    expect(() => oldBox.open(row.accessTokenSealed!)).toThrow(/unknown key/);
    const [token] = await db
      .select({ sealed: schema.recordings.downloadTokenSealed })
      .from(schema.recordings)
      .where(eq(schema.recordings.id, recording!.id));
    expect(newOnly.open(token!.sealed!)).toBe('download-token');
    const [body] = await db
      .select({ sealed: schema.webhookEvents.payloadSealed })
      .from(schema.webhookEvents)
      .where(eq(schema.webhookEvents.id, pending!.id));
    expect(newOnly.open(body!.sealed!)).toBe('{}');
    await db.delete(schema.recordings).where(eq(schema.recordings.id, recording!.id));
    await db.delete(schema.webhookEvents).where(eq(schema.webhookEvents.id, pending!.id));
    // Put the original key back for the tests that follow (they use the app's own box).
    await resealSecrets(bed.app.database.db, new SecretBox([...oldKeys, newKey]));
  });
});

describe('disconnect and uninstall', () => {
  it('stops every Zoom call after app_deauthorized and can reconnect', async () => {
    const row = await connection();
    bed.emulator.control.uninstallApp(bed.zoomApp.clientId, row.zoomAccountId);
    await bed.emulator.control.flushWebhooks();
    await expect.poll(async () => (await connection()).status, { timeout: 15_000 }).toBe('uninstalled');
    const ended = await connection();
    expect(ended.accessTokenSealed).toBeNull();
    expect(ended.refreshTokenSealed).toBeNull();
    const before = bed.emulator.control.requestLog().length;
    await expect(bed.app.connections.access.clientFor(row).getMe()).rejects.toThrow(/uninstalled/);
    expect(bed.emulator.control.requestLog().length).toBe(before);

    expect(await bed.connect()).toContain('zoom=connected');
    expect((await connection()).status).toBe('connected');
  });

  it('disconnects: revokes at Zoom and forgets the tokens', async () => {
    const response = await bed.admin.request('POST', '/api/integrations/zoom/disconnect');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ revokedAtZoom: true });
    const row = await connection();
    expect(row.status).toBe('disconnected');
    expect(row.accessTokenSealed).toBeNull();
    const audit = await bed.app.database.executeSql(
      `SELECT action FROM audit_log WHERE organization_id = '${bed.organizationId}' ORDER BY created_at`,
    );
    expect(audit.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['zoom.connected', 'zoom.uninstalled', 'zoom.reconnected', 'zoom.disconnected']),
    );
  });
});

describe('prerequisites', () => {
  let second: ZoomTestBed;
  beforeAll(async () => {
    second = await startZoomTestBed();
  });
  afterAll(() => second?.stop());

  it('flags a connecting Zoom user who is neither owner nor admin', async () => {
    const other = { admin: second.admin };
    const member = second.emulator.control
      .listUsers()
      .find((user) => user.email === 'emma.dubois@acme.example')!;
    const start = await other.admin.request('GET', '/api/integrations/zoom/connect');
    const authorize = new URL(String(start.headers.location));
    const form = new URLSearchParams(authorize.searchParams);
    form.set('decision', 'allow');
    form.set('user_id', String(member.id));
    const consent = await fetch(new URL('/oauth/authorize', second.emulator.oauthUrl), {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    const back = new URL(String(consent.headers.get('location')));
    await other.admin.request('GET', `${back.pathname}${back.search}`);
    const { connection } = (await other.admin.request('GET', '/api/integrations/zoom')).json();
    const role = connection.prerequisites.find((p: { id: string }) => p.id === 'zoom_role');
    expect(role.status).toBe('fail');
    expect(role.values.missingPermissions.length).toBeGreaterThan(0);
  });

  it('refuses a Zoom account already connected to another organisation', async () => {
    expect(await second.connect()).toContain('zoom=connected');
    const other = await second.app.createOrganization('Other org');
    const start = await other.admin.request('GET', '/api/integrations/zoom/connect');
    const form = new URLSearchParams(new URL(String(start.headers.location)).searchParams);
    form.set('decision', 'allow');
    const consent = await fetch(new URL('/oauth/authorize', second.emulator.oauthUrl), {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    const back = new URL(String(consent.headers.get('location')));
    const done = await other.admin.request('GET', `${back.pathname}${back.search}`);
    expect(String(done.headers.location)).toContain('reason=account_in_use');
  });
});
