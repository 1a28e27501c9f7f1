import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestClient, testPassword } from '../test-support/app.ts';

// Web security as a browser sees it, on an HTTPS deployment (PUBLIC_URL https → Secure cookies, HSTS).

let app: TestApp;
let admin: TestClient;

beforeAll(async () => {
  app = await startTestApp({ env: { PUBLIC_URL: 'https://calls.example.com' } });
  ({ admin } = await app.createOrganization('Secure org'));
});
afterAll(() => app?.stop());

describe('web security', () => {
  it('sets session and CSRF cookies httpOnly, Secure and SameSite=Lax', async () => {
    const response = await app.anonymous.request('POST', '/api/session', {
      email: admin.email,
      password: testPassword,
    });
    expect(response.statusCode).toBe(200);
    const names = response.cookies.map((cookie) => cookie.name).sort();
    expect(names).toEqual(['callport_csrf', 'callport_session']);
    for (const cookie of response.cookies) {
      expect({
        name: cookie.name,
        httpOnly: cookie.httpOnly,
        secure: cookie.secure,
        sameSite: cookie.sameSite,
      }).toEqual({
        name: cookie.name,
        httpOnly: true,
        secure: true,
        sameSite: 'Lax',
      });
    }
  });

  it('sends CSP, HSTS, frame, referrer and sniffing protections on pages and API answers', async () => {
    for (const url of ['/sign-in', '/api/session', '/healthz']) {
      const response = await app.anonymous.request('GET', url);
      expect(response.headers['content-security-policy'], url).toMatch(
        /default-src 'self'.*frame-ancestors 'none'/,
      );
      expect(response.headers['content-security-policy'], url).not.toContain('unsafe-eval');
      expect(response.headers['strict-transport-security'], url).toContain('max-age=');
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(response.headers['referrer-policy'], url).toBe('no-referrer');
    }
  });

  it('requires the CSRF token on every cookie-authenticated write route', async () => {
    const writes = app.server!.routeTable.filter(
      (route) =>
        ['POST', 'PATCH', 'PUT', 'DELETE'].includes(route.method) &&
        (route.access === 'user' || route.access === 'admin'),
    );
    expect(writes.length).toBeGreaterThan(3);
    for (const route of writes) {
      const url = route.url.replace(/:(\w+)/g, admin.userId);
      const response = await admin.request(route.method, url, {}, { 'x-csrf-token': '' });
      expect({ route: `${route.method} ${route.url}`, status: response.statusCode }).toEqual({
        route: `${route.method} ${route.url}`,
        status: 403,
      });
    }
  });

  it('rotates the session at sign-in: the old cookie stops working', async () => {
    const first = await app.anonymous.request('POST', '/api/session', {
      email: admin.email,
      password: testPassword,
    });
    const oldCookie = first.cookies.find((cookie) => cookie.name === 'callport_session')!.value;
    const second = await app.anonymous.request(
      'POST',
      '/api/session',
      { email: admin.email, password: testPassword },
      {
        cookie: `callport_session=${oldCookie}`,
      },
    );
    const newCookie = second.cookies.find((cookie) => cookie.name === 'callport_session')!.value;
    expect(newCookie).not.toBe(oldCookie);
    const withOld = await app.anonymous.request('GET', '/api/session', undefined, {
      cookie: `callport_session=${oldCookie}`,
    });
    expect(withOld.statusCode).toBe(401);
    const withNew = await app.anonymous.request('GET', '/api/session', undefined, {
      cookie: `callport_session=${newCookie}`,
    });
    expect(withNew.statusCode).toBe(200);
  });

  it('locks out repeated guesses with a message that says what to do, for known and unknown e-mails alike', async () => {
    const target = 'lockout.target@example.test';
    await admin.request('POST', '/api/users', { email: target, name: 'Target', password: testPassword });
    const attempt = (email: string) =>
      app.anonymous.request('POST', '/api/session', { email, password: 'wrong password' });
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 11; i++) {
      known.push((await attempt(target)).statusCode);
      unknown.push((await attempt('nobody@example.test')).statusCode);
    }
    expect(known).toEqual(unknown);
    expect(known.slice(0, 10).every((status) => status === 401)).toBe(true);
    const locked = await attempt(target);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.message).toMatch(/wait a minute/);
  });
});
