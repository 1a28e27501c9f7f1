import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestClient, testPassword } from '../test-support/app.ts';

let app: TestApp;
let admin: TestClient;

beforeAll(async () => {
  app = await startTestApp();
  ({ admin } = await app.createOrganization());
});
afterAll(() => app?.stop());

describe('HTTP server', () => {
  it('answers health and readiness probes', async () => {
    expect((await app.anonymous.request('GET', '/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.anonymous.request('GET', '/readyz')).json()).toEqual({ status: 'ready' });
  });

  it('sends security headers', async () => {
    const response = await app.anonymous.request('GET', '/healthz');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('turns malformed JSON, wrong types and oversized bodies into 4xx JSON errors', async () => {
    const cases = [
      await admin.request('POST', '/api/users', '{"email":', { 'content-type': 'application/json' }),
      await admin.request('POST', '/api/users', { email: 42, name: ['x'] }),
      await admin.request('PATCH', '/api/me', { language: 'klingon' }),
      await admin.request('POST', '/api/users', `{"name":"${'x'.repeat(2 * 1024 * 1024)}"}`, {
        'content-type': 'application/json',
      }),
      await admin.request('POST', '/api/users', 'email=a', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      await admin.request('GET', '/api/users/not-a-uuid-at-all'),
    ];
    const statuses = cases.map((response) => response.statusCode);
    expect(statuses).toEqual([400, 400, 400, 413, 415, 404]);
    for (const response of cases) {
      expect(response.json()).toEqual({
        error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
      });
    }
  });

  it('refuses a cookie-authenticated write without the CSRF token', async () => {
    const withoutToken = await admin.request('PATCH', '/api/me', { language: 'en' }, { 'x-csrf-token': '' });
    expect(withoutToken.statusCode).toBe(403);
    expect(withoutToken.json().error.code).toBe('csrf_invalid');
    const forged = await admin.request('PATCH', '/api/me', { language: 'en' }, { 'x-csrf-token': 'forged' });
    expect(forged.statusCode).toBe(403);
  });

  it('declares an access level on every route', () => {
    for (const route of app.server!.routeTable) {
      expect(['public', 'user', 'admin', 'webhook']).toContain(route.access);
    }
  });

  it('never writes passwords or session secrets to the logs', async () => {
    const response = await app.anonymous.request('POST', '/api/session', {
      email: admin.email,
      password: testPassword,
    });
    const sessionCookie = response.cookies.find((cookie) => cookie.name === 'callport_session')!.value;
    await admin.request('POST', '/api/users', {
      email: 'logged@example.test',
      name: 'L',
      password: 'another secret password',
    });
    await app.anonymous.request('GET', '/api/session', undefined, {
      cookie: `callport_session=${sessionCookie}`,
    });
    const logs = app.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(testPassword);
    expect(logs).not.toContain('another secret password');
    expect(logs).not.toContain(sessionCookie);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const response = await app.anonymous.request('GET', '/api/nope');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('not_found');
  });
});
