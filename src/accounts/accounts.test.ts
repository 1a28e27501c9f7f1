import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestClient, testPassword } from '../test-support/app.ts';

let app: TestApp;
let orgA: { organizationId: string; admin: TestClient };
let orgB: { organizationId: string; admin: TestClient };
let memberA: TestClient;

beforeAll(async () => {
  app = await startTestApp();
  orgA = await app.createOrganization('Org A');
  orgB = await app.createOrganization('Org B');
  memberA = await app.createUserClient(orgA.organizationId, 'member');
});
afterAll(() => app?.stop());

describe('sign-in', () => {
  it('signs in, returns the session with a CSRF token, and signs out', async () => {
    const session = await orgA.admin.request('GET', '/api/session');
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({
      user: { email: orgA.admin.email, role: 'admin' },
      organization: { name: 'Org A' },
    });
    expect(session.json().csrfToken).toEqual(expect.any(String));

    const client = await app.createUserClient(orgA.organizationId, 'member');
    expect((await client.request('DELETE', '/api/session')).statusCode).toBe(204);
    expect((await client.request('GET', '/api/session')).statusCode).toBe(401);
  });

  it('gives the same answer for an unknown e-mail and a wrong password', async () => {
    const wrongPassword = await app.anonymous.request('POST', '/api/session', {
      email: orgA.admin.email,
      password: 'nope',
    });
    const unknown = await app.anonymous.request('POST', '/api/session', {
      email: 'ghost@example.test',
      password: 'nope',
    });
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrongPassword.json());
  });

  it('sets an httpOnly SameSite cookie and a new session at every sign-in', async () => {
    const first = await app.anonymous.request('POST', '/api/session', {
      email: orgB.admin.email,
      password: testPassword,
    });
    const second = await app.anonymous.request('POST', '/api/session', {
      email: orgB.admin.email,
      password: testPassword,
    });
    const cookieOf = (response: typeof first) => response.cookies.find((c) => c.name === 'callport_session')!;
    expect(cookieOf(first).httpOnly).toBe(true);
    expect(cookieOf(first).sameSite).toBe('Lax');
    expect(cookieOf(first).value).not.toBe(cookieOf(second).value);
  });

  it('rate-limits repeated sign-in attempts for one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await app.anonymous.request('POST', '/api/session', {
        email: 'target@example.test',
        password: `guess${i}`,
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('keeps the address limit when X-Forwarded-For rotates (no proxy is trusted by default)', async () => {
    const answers: Array<{ status: number; message: string }> = [];
    for (let i = 0; i < 12; i++) {
      const response = await app.anonymous.request(
        'POST',
        '/api/session',
        { email: 'rotating@example.test', password: `guess${i}` },
        { 'x-forwarded-for': `203.0.113.${i + 1}` },
      );
      answers.push({ status: response.statusCode, message: response.json().error.message });
    }
    expect(answers.slice(0, 10).every((answer) => answer.status === 401)).toBe(true);
    // The 11th is refused by the address limit itself, not only by the per-account backoff.
    expect(answers[10]).toEqual({ status: 429, message: expect.stringMatching(/for this address/) });
  });

  it('counts padded and upper-case forms of one e-mail as that e-mail', async () => {
    const forms = (i: number) => `${' '.repeat(i % 4)}Padded@Example.test${' '.repeat(i % 3)}`;
    const answers: Array<{ status: number; message: string }> = [];
    for (let i = 0; i < 12; i++) {
      const response = await app.anonymous.request('POST', '/api/session', {
        email: i % 2 ? forms(i).toUpperCase() : forms(i),
        password: `guess${i}`,
      });
      answers.push({ status: response.statusCode, message: response.json().error.message });
    }
    expect(answers.slice(0, 10).every((answer) => answer.status === 401)).toBe(true);
    expect(answers[10]).toEqual({ status: 429, message: expect.stringMatching(/for this address/) });
  });

  it('backs off an account guessed at from many addresses, the same way whether it exists or not', async () => {
    const known = await app.createUserClient(orgB.organizationId, 'member');
    const attempt = (email: string, password: string, address: string) =>
      app.server!.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email, password },
        remoteAddress: address,
      });
    const knownAnswers: number[] = [];
    const unknownAnswers: number[] = [];
    for (let i = 0; i < 10; i++) {
      knownAnswers.push((await attempt(known.email, `guess${i}`, `198.51.100.${i + 1}`)).statusCode);
      unknownAnswers.push(
        (await attempt('nobody.here@example.test', `guess${i}`, `198.51.100.${i + 1}`)).statusCode,
      );
    }
    expect(knownAnswers).toEqual(Array(10).fill(401));
    expect(unknownAnswers).toEqual(knownAnswers);
    // From an address never seen, even the right password waits: the account is backed off.
    const lockedKnown = await attempt(known.email, testPassword, '192.0.2.77');
    const lockedUnknown = await attempt('nobody.here@example.test', testPassword, '192.0.2.78');
    expect(lockedKnown.statusCode).toBe(429);
    expect(lockedUnknown.statusCode).toBe(429);
    // Same answer (the seconds left may differ by one: each e-mail's window started at its first failure).
    const answer = (response: typeof lockedKnown) => {
      const { code, message } = response.json().error;
      return { code, message };
    };
    expect(answer(lockedKnown)).toEqual(answer(lockedUnknown));
    expect(Number(lockedKnown.headers['retry-after'])).toBeGreaterThan(60);
    expect(lockedKnown.json().error.message).toMatch(/wait a few minutes/);
    // Other accounts are not affected.
    expect((await attempt(orgB.admin.email, testPassword, '192.0.2.79')).statusCode).toBe(200);
  });

  it('refuses a deactivated user and closes their sessions', async () => {
    const client = await app.createUserClient(orgA.organizationId, 'member');
    const patched = await orgA.admin.request('PATCH', `/api/users/${client.userId}`, { isActive: false });
    expect(patched.statusCode).toBe(200);
    expect((await client.request('GET', '/api/session')).statusCode).toBe(401);
    const again = await app.anonymous.request('POST', '/api/session', {
      email: client.email,
      password: testPassword,
    });
    expect(again.statusCode).toBe(401);
  });
});

describe('session secrets', () => {
  it('gives a new CSRF secret at sign-in and removes it at sign-out', async () => {
    const user = await app.createUserClient(orgB.organizationId, 'member');
    const signInWith = (cookie?: string) =>
      app.server!.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email: user.email, password: testPassword },
        ...(cookie ? { headers: { cookie } } : {}),
      });
    const cookieOf = (response: Awaited<ReturnType<typeof signInWith>>, name: string) =>
      response.cookies.find((cookie) => cookie.name === name);
    const first = await signInWith();
    const firstSecret = cookieOf(first, 'callport_csrf')!.value;
    const firstToken = first.json().csrfToken as string;
    // Signing in again from the same browser (its old CSRF cookie sent along) rotates the secret.
    const second = await signInWith(`callport_csrf=${firstSecret}`);
    const secondSecret = cookieOf(second, 'callport_csrf')?.value;
    expect(secondSecret).toBeDefined();
    expect(secondSecret).not.toBe(firstSecret);
    const session = cookieOf(second, 'callport_session')!.value;
    const write = (token: string, secret: string) =>
      app.server!.inject({
        method: 'PATCH',
        url: '/api/me',
        payload: { language: 'en' },
        headers: { cookie: `callport_session=${session}; callport_csrf=${secret}`, 'x-csrf-token': token },
      });
    // A token made from the old secret no longer passes, with the old or the new cookie.
    expect((await write(firstToken, secondSecret!)).statusCode).toBe(403);
    expect((await write(second.json().csrfToken, secondSecret!)).statusCode).toBe(200);

    const signOut = await app.server!.inject({
      method: 'DELETE',
      url: '/api/session',
      headers: {
        cookie: `callport_session=${session}; callport_csrf=${secondSecret}`,
        'x-csrf-token': second.json().csrfToken,
      },
    });
    expect(signOut.statusCode).toBe(204);
    const cleared = cookieOf(signOut, 'callport_csrf');
    expect(cleared?.value).toBe('');
    expect(cleared?.expires?.getTime()).toBeLessThanOrEqual(Date.now());
  });
});

describe("changing one's own password", () => {
  it('needs the current password, ends the other sessions and keeps this one', async () => {
    const email = `changer.${Date.now()}@example.test`;
    const here = await app.createUserClient(orgA.organizationId, 'member', email);
    const elsewhere = await app.anonymous.request('POST', '/api/session', { email, password: testPassword });
    const elsewhereCookie = `callport_session=${elsewhere.cookies.find((c) => c.name === 'callport_session')!.value}`;
    const newPassword = 'a brand new passphrase';

    const wrong = await here.request('POST', '/api/me/password', {
      currentPassword: 'not my password',
      newPassword,
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('current_password_incorrect');
    const short = await here.request('POST', '/api/me/password', {
      currentPassword: testPassword,
      newPassword: 'short',
    });
    expect(short.statusCode).toBe(400);
    expect(
      (await app.anonymous.request('GET', '/api/session', undefined, { cookie: elsewhereCookie })).statusCode,
    ).toBe(200);

    const changed = await here.request('POST', '/api/me/password', {
      currentPassword: testPassword,
      newPassword,
    });
    expect(changed.statusCode).toBe(204);
    expect((await here.request('GET', '/api/session')).statusCode).toBe(200);
    expect(
      (await app.anonymous.request('GET', '/api/session', undefined, { cookie: elsewhereCookie })).statusCode,
    ).toBe(401);
    const signIn = (password: string) => app.anonymous.request('POST', '/api/session', { email, password });
    expect((await signIn(testPassword)).statusCode).toBe(401);
    expect((await signIn(newPassword)).statusCode).toBe(200);
    const audit = await app.database.executeSql(
      "SELECT details FROM audit_log WHERE action = 'user.password_changed' AND target = $1",
      [here.userId],
    );
    expect(audit.rows).toEqual([{ details: { sessionsEnded: 1 } }]);
    expect(app.logs.join('')).not.toContain(newPassword);
  });

  it('limits attempts at the current password', async () => {
    const user = await app.createUserClient(orgA.organizationId, 'member');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (
          await user.request('POST', '/api/me/password', {
            currentPassword: `guess ${i}`,
            newPassword: 'whatever it is now',
          })
        ).statusCode,
      );
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });
});

describe('user management', () => {
  it('lets an admin add, edit and list users; a member gets 403', async () => {
    const created = await orgA.admin.request('POST', '/api/users', {
      email: 'New.Person@Example.test',
      name: 'New Person',
      isLicensed: false,
      language: 'en',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ role: 'member', isLicensed: false, language: 'en' });

    const duplicate = await orgA.admin.request('POST', '/api/users', {
      email: 'new.person@example.test',
      name: 'Dup',
    });
    expect(duplicate.statusCode).toBe(409);

    const edited = await orgA.admin.request('PATCH', `/api/users/${created.json().id}`, {
      isLicensed: true,
      role: 'admin',
    });
    expect(edited.json()).toMatchObject({ isLicensed: true, role: 'admin' });

    const list = await orgA.admin.request('GET', '/api/users');
    expect(list.json().users.map((u: { email: string }) => u.email)).toContain('New.Person@Example.test');
    expect(list.json().users.every((u: { email: string }) => u.email !== orgB.admin.email)).toBe(true);

    expect((await memberA.request('GET', '/api/users')).statusCode).toBe(403);
    expect(
      (await memberA.request('POST', '/api/users', { email: 'x@example.test', name: 'X' })).statusCode,
    ).toBe(403);
  });

  it('records who renamed the organisation, and a member cannot', async () => {
    expect((await memberA.request('PATCH', '/api/organization', { name: 'Pirate' })).statusCode).toBe(403);
    const renamed = await orgA.admin.request('PATCH', '/api/organization', { productName: 'Callport Org A' });
    expect(renamed.statusCode).toBe(200);
    const audit = await app.database.executeSql(
      "SELECT actor_user_id, details FROM audit_log WHERE action = 'organization.updated' AND organization_id = $1",
      [orgA.organizationId],
    );
    const session = (await orgA.admin.request('GET', '/api/session')).json();
    expect(audit.rows).toEqual([
      { actor_user_id: session.user.id, details: { productName: 'Callport Org A' } },
    ]);
  });

  it('keeps at least one active admin', async () => {
    const { organizationId, admin } = await app.createOrganization('Solo');
    const response = await admin.request('PATCH', `/api/users/${admin.userId}`, { role: 'member' });
    expect(response.statusCode).toBe(409);
    expect(organizationId).toBeTruthy();
  });

  it('imports users from CSV, reporting bad lines', async () => {
    const csv = [
      'email,name,role,licensed,language',
      'alice@csv.test,Alice,member,yes,en',
      'bob@csv.test,Bob,admin,non,fr',
      'not-an-email,Broken,member,yes,fr',
      'carol@csv.test,Carol,member,maybe,fr',
      `${orgB.admin.email},Stolen,member,yes,fr`,
    ].join('\n');
    const response = await orgA.admin.request('POST', '/api/users/import', { csv });
    expect(response.statusCode).toBe(200);
    const result = response.json();
    expect(result.created).toBe(2);
    expect(result.errors.map((e: { line: number }) => e.line)).toEqual([4, 5, 6]);
    const again = await orgA.admin.request('POST', '/api/users/import', {
      csv: 'email,name,licensed\nalice@csv.test,Alice B,no',
    });
    expect(again.json()).toMatchObject({ created: 0, updated: 1 });
  });

  it('saves the language preference of the signed-in user', async () => {
    const response = await memberA.request('PATCH', '/api/me', { language: 'en' });
    expect(response.statusCode).toBe(200);
    expect((await memberA.request('GET', '/api/session')).json().user.language).toBe('en');
    const audit = await app.database.executeSql(
      "SELECT actor_user_id, details FROM audit_log WHERE action = 'user.preferences_updated' AND target = $1",
      [memberA.userId],
    );
    expect(audit.rows).toEqual([{ actor_user_id: memberA.userId, details: { language: 'en' } }]);
  });
});

describe('tenancy', () => {
  it("answers 404 for another organisation's resource on every route that takes an id", async () => {
    const victim = await app.createUserClient(orgB.organizationId, 'member');
    const routesWithId = app.server!.routeTable.filter((route) => route.url.includes(':id'));
    expect(routesWithId.length).toBeGreaterThan(0);
    for (const route of routesWithId) {
      const url = route.url.replace(/:\w+/g, victim.userId);
      const response = await orgA.admin.request(
        route.method,
        url,
        route.method === 'GET' ? undefined : { name: 'Hijack' },
      );
      expect({ route: `${route.method} ${route.url}`, status: response.statusCode }).toEqual({
        route: `${route.method} ${route.url}`,
        status: 404,
      });
    }
    const victimSession = await victim.request('GET', '/api/session');
    expect(victimSession.json().user.name).not.toBe('Hijack');
  });
});
