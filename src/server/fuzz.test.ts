import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestClient } from '../test-support/app.ts';

// Every JSON route of the server, found in its own route table, gets thousands of generated bodies:
// malformed, oversized, deeply nested, wrongly typed. None may answer 5xx, crash, or write on refusal.

let app: TestApp;
let admin: TestClient;
let userId: string;

const tables = ['users', 'organizations', 'zoom_connections', 'webhook_events'];

async function rowCounts(): Promise<string> {
  const parts: string[] = [];
  for (const table of tables) {
    const result = await app.database
      .executeSql(`SELECT count(*)::int AS n FROM ${table}`)
      .catch(() => ({ rows: [{ n: -1 }] }));
    parts.push(`${table}=${result.rows[0]!.n}`);
  }
  return parts.join(' ');
}

const nasty = fc.oneof(
  fc.anything({ maxDepth: 4 }),
  fc.json({ depthSize: 'small' }),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '',
    '{',
    '[]',
    'null',
    '{"__proto__":{"isAdmin":true}}',
    '{"email":{"$gt":""}}',
    '\u0000',
    '%',
    '{"a":'.repeat(50),
  ),
  fc.record({
    email: fc.oneof(fc.emailAddress(), fc.string(), fc.integer(), fc.constant(null)),
    name: fc.oneof(fc.string({ maxLength: 300 }), fc.array(fc.string()), fc.boolean()),
    role: fc.oneof(fc.constantFrom('admin', 'member', 'owner', ''), fc.integer()),
    isLicensed: fc.oneof(fc.boolean(), fc.string()),
    language: fc.oneof(fc.constantFrom('fr', 'en', 'de'), fc.integer()),
    password: fc.oneof(fc.string({ maxLength: 40 }), fc.constant(null)),
    csv: fc.string({ maxLength: 500 }),
  }),
);

function deepNest(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

beforeAll(async () => {
  app = await startTestApp();
  const org = await app.createOrganization('Fuzz');
  admin = org.admin;
  const member = await app.createUserClient(org.organizationId, 'member');
  userId = member.userId;
});
afterAll(() => app?.stop());

describe('input fuzzing', () => {
  it('never answers 5xx nor writes on a refused request, on any JSON route', async () => {
    // Signing out would end the fuzzing session itself; its body is ignored anyway.
    const routes = app.server!.routeTable.filter(
      (route) =>
        ['POST', 'PATCH', 'PUT', 'DELETE'].includes(route.method) &&
        !(route.method === 'DELETE' && route.url === '/api/session'),
    );
    expect(routes.length).toBeGreaterThan(3);
    for (const route of routes) {
      const url = route.url.replace(/:(\w+)/g, (_, name: string) => (name === 'id' ? userId : 'x'));
      await fc.assert(
        fc.asyncProperty(nasty, fc.boolean(), async (body, asText) => {
          const before = await rowCounts();
          const payload =
            asText || typeof body === 'string'
              ? String(typeof body === 'string' ? body : JSON.stringify(body))
              : body;
          const response = await admin.request(route.method, url, payload ?? null, {
            'content-type': 'application/json',
          });
          expect(
            response.statusCode,
            `${route.method} ${route.url} with ${JSON.stringify(payload)?.slice(0, 200)}`,
          ).toBeLessThan(500);
          if (response.body.length > 0) expect(() => response.json()).not.toThrow();
          if (response.statusCode >= 400 && route.access !== 'webhook')
            expect(await rowCounts()).toBe(before);
        }),
        { numRuns: route.url.includes('webhooks') ? 300 : 150 },
      );
      for (const raw of [deepNest(5000), `{"a":"${'x'.repeat(2_000_000)}"}`, '\u00ff\u00fe', 'true']) {
        const response = await admin.request(route.method, url, raw, { 'content-type': 'application/json' });
        expect(response.statusCode, `${route.method} ${route.url} raw`).toBeLessThan(500);
      }
    }
  }, 240_000);
});
