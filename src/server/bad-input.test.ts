import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editUser } from '../accounts/index.ts';
import { startTestApp, type TestApp, type TestClient } from '../test-support/app.ts';
import { seedCallWithMedia } from '../test-support/seed-call.ts';

// Bad input gets a 4xx, never a 5xx, never a partial write (issue 16's findings, one by one).

let app: TestApp;
let admin: TestClient;
let organizationId: string;
let media: Awaited<ReturnType<typeof seedCallWithMedia>>;

async function count(table: string, where = 'true', values: unknown[] = []) {
  const result = await app.database.executeSql(
    `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`,
    values,
  );
  return Number(result.rows[0]!.n);
}

beforeAll(async () => {
  app = await startTestApp();
  ({ admin, organizationId } = await app.createOrganization('Bad input'));
  media = await seedCallWithMedia(app, { organizationId, hostUserId: admin.userId, size: 1000 });
});
afterAll(() => app?.stop());

describe('bad input', () => {
  it('answers 416 to every Range it cannot serve, and serves the ones it can', async () => {
    const url = `/api/calls/${media.callId}/media/${media.fileId}`;
    for (const range of [
      'bytes=-0',
      `bytes=${media.size}-`,
      `bytes=${media.size + 5}-${media.size + 10}`,
      'bytes=5-1',
      'bytes=0-1,2-3',
      'bytes=0-1,500-600',
      'bytes=',
      'bytes=-',
      'bytes=--1',
      'bytes=1--2',
      'bytes=a-b',
      'items=0-1',
      'bytes 0-1',
      '',
      'bytes=99999999999999999999999-',
    ]) {
      const response = await admin.request('GET', url, undefined, { range });
      expect(response.statusCode, range).toBe(416);
      expect(response.headers['content-range'], range).toBe(`bytes */${media.size}`);
      expect(response.json().error.code, range).toBe('range_not_satisfiable');
    }
    const first = await admin.request('GET', url, undefined, { range: 'bytes=0-9' });
    expect(first.statusCode).toBe(206);
    expect(first.rawPayload).toEqual(media.bytes.subarray(0, 10));
    const last = await admin.request('GET', url, undefined, { range: 'bytes=-5' });
    expect(last.statusCode).toBe(206);
    expect(last.headers['content-range']).toBe(`bytes 995-999/${media.size}`);
    expect(last.rawPayload).toEqual(media.bytes.subarray(995));
    const beyond = await admin.request('GET', url, undefined, { range: 'bytes=990-5000' });
    expect(beyond.statusCode).toBe(206);
    expect(beyond.rawPayload.length).toBe(10);
    const whole = await admin.request('GET', url);
    expect(whole.statusCode).toBe(200);
    expect(whole.rawPayload).toEqual(media.bytes);
  });

  it('refuses NUL bytes and lone surrogates in names and searches with a 400', async () => {
    for (const name of ['Emma\u0000Dubois', 'Emma \uD800', '\uDC00Emma']) {
      const created = await admin.request('POST', '/api/users', { email: 'nul@example.test', name });
      expect(created.statusCode, JSON.stringify(name)).toBe(400);
      expect(created.json().error.code).toBe('validation_failed');
    }
    expect(await count('users', 'email = $1', ['nul@example.test'])).toBe(0);
    for (const q of ['%00', 'abc%00def']) {
      const search = await admin.request('GET', `/api/calls?q=${q}`);
      expect(search.statusCode, q).toBe(400);
    }
    const renamed = await admin.request('PATCH', '/api/organization', { name: 'Acme\u0000' });
    expect(renamed.statusCode).toBe(400);
    // A well-formed pair (an emoji) is a character like any other.
    const emoji = await admin.request('POST', '/api/users', { email: 'emoji@example.test', name: 'Emma 😀' });
    expect(emoji.statusCode).toBe(201);
  });

  it('refuses impossible dates with a 400', async () => {
    for (const day of ['2026-13-45', '2026-02-30', '2025-02-29', '0000-01-01', '2026-1-1']) {
      expect((await admin.request('GET', `/api/calls?from=${day}`)).statusCode, day).toBe(400);
      expect((await admin.request('GET', `/api/calls?to=${day}`)).statusCode, day).toBe(400);
    }
    const leap = await admin.request('GET', '/api/calls?from=2024-02-29&to=2099-12-31');
    expect(leap.statusCode).toBe(200);
    expect(leap.json().total).toBe(1);
  });

  it('commits nothing when PATCH /api/users/{id} has a bad name and a role change', async () => {
    const member = await app.createUserClient(organizationId, 'member');
    const auditBefore = await count('audit_log');
    const response = await admin.request('PATCH', `/api/users/${member.userId}`, {
      name: 'Mallory \uD800',
      role: 'admin',
    });
    expect(response.statusCode).toBe(400);
    expect(await count('users', "id = $1 AND role = 'member'", [member.userId])).toBe(1);
    expect(await count('audit_log')).toBe(auditBefore);
  });

  it('writes a change and its audit entry in one transaction', async () => {
    // The audit insert is made to fail in the database itself (a trigger): the change must not stay.
    const sql = app.database.executeSql;
    await sql(`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.details::text ILIKE '%audit_refused%' THEN RAISE EXCEPTION 'audit refused'; END IF;
      RETURN NEW; END $$`);
    await sql(
      'CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()',
    );
    try {
      const member = await app.createUserClient(organizationId, 'member');
      const auditBefore = await count('audit_log');
      await expect(
        editUser(app.database.db, organizationId, admin.userId, member.userId, {
          name: 'Audit refused',
          role: 'admin',
        }),
      ).rejects.toThrow();
      expect(
        await count('users', "id = $1 AND role = 'member' AND name <> 'Audit refused'", [member.userId]),
      ).toBe(1);
      const created = await admin.request('POST', '/api/users', {
        email: 'audit.refused@example.test',
        name: 'Audit refused',
      });
      expect(created.statusCode).toBe(500);
      expect(await count('users', 'email = $1', ['audit.refused@example.test'])).toBe(0);
      expect(await count('audit_log')).toBe(auditBefore);
    } finally {
      await sql('DROP TRIGGER refuse_audit ON audit_log');
      await sql('DROP FUNCTION refuse_audit()');
    }
  });
});
