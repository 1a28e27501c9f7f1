import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestClient } from '../test-support/app.ts';
import { seedCallWithMedia } from '../test-support/seed-call.ts';

// Every route of the server, found in its own route table, gets thousands of generated requests:
// bodies malformed, oversized, deeply nested, wrongly typed; query strings and path parameters with
// NUL bytes, lone surrogates, impossible dates, repeated keys; headers, Range included. None may answer
// 5xx, crash, or write on refusal. The seed is fixed (FUZZ_SEED overrides it); fast-check prints it,
// with the failing path, when a property fails.
const seed = Number(process.env.FUZZ_SEED ?? 20_261_216);

let app: TestApp;
let admin: TestClient;
let member: TestClient;
let userId: string;
let media: Awaited<ReturnType<typeof seedCallWithMedia>>;

const tables = ['users', 'organizations', 'zoom_connections', 'webhook_events', 'audit_log', 'calls'];

/** Row counts of the tables a write touches, in one statement (it runs before and after every request). */
async function rowCounts(): Promise<string> {
  const result = await app.database.executeSql(
    `SELECT ${tables.map((table) => `(SELECT count(*) FROM ${table})::int AS ${table}`).join(', ')}`,
  );
  return JSON.stringify(result.rows[0]);
}

const nastyText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  // Twice as likely: the inputs that once answered 5xx.
  fc.constantFrom('Emma\u0000', '\uD800 Emma', '2026-13-45', '2026-02-30'),
  fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '\uD800',
    'x\uDFFF',
    '2026-13-45',
    '2026-02-30',
    '0000-00-00',
    '-1',
    '1e309',
    'NaN',
    '9'.repeat(40),
    'null',
    '[]',
    '..%2f..%2f',
    'x'.repeat(600),
  ),
  fc.integer().map(String),
  fc.uuid(),
);

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
    email: fc.oneof(fc.emailAddress(), fc.string(), nastyText, fc.integer(), fc.constant(null)),
    name: fc.oneof(fc.string({ maxLength: 300 }), nastyText, fc.array(fc.string()), fc.boolean()),
    role: fc.oneof(fc.constantFrom('admin', 'member', 'owner', ''), fc.integer()),
    isLicensed: fc.oneof(fc.boolean(), fc.string()),
    language: fc.oneof(fc.constantFrom('fr', 'en', 'de'), fc.integer()),
    password: fc.oneof(fc.string({ maxLength: 40 }), fc.constant(null)),
    csv: fc.string({ maxLength: 500 }),
  }),
);

/**
 * A valid body for each write route (others get the generic ones): the fuzzer replaces one of its
 * fields with a hostile value, so the value gets past the other checks to where a 5xx or a partial
 * write would happen.
 */
const validBodies: Record<string, Record<string, unknown>> = {
  'POST /api/session': { email: 'someone@example.test', password: 'a password' },
  'PATCH /api/me': { language: 'en' },
  'POST /api/me/password': {
    currentPassword: 'correct horse battery staple',
    newPassword: 'another long password',
  },
  'PATCH /api/organization': { name: 'Fuzz', productName: 'Callport', productUrl: null },
  'POST /api/users': { email: 'new.person@example.test', name: 'New Person', role: 'member' },
  'PATCH /api/users/:id': { name: 'Member', role: 'member', isLicensed: true },
  'POST /api/users/import': { csv: 'email,name\nimported@example.test,Imported' },
  'PATCH /api/integrations/zoom': { uninstallDataPolicy: 'keep', uninstallDeleteAfterDays: 7 },
  'PUT /api/integrations/zoom/users/links': { links: [] },
  'PATCH /api/integrations/zoom/policy': { scope: 'account', autoDeleteDays: 30 },
  'POST /api/integrations/zoom/policy/manual/:itemId': { done: true },
  'POST /api/import/diagnose': { meeting: '123456789' },
  'PUT /api/settings/privacy': { retentionDays: 365 },
  'POST /api/privacy/erasures': { email: 'nobody@example.test', otherNames: ['Nobody'] },
  'PUT /api/settings/coverage': { excludeInternal: true, internalDomains: ['acme.example'] },
};

function bodyFor(route: { method: string; url: string }): fc.Arbitrary<unknown> {
  const valid = validBodies[`${route.method} ${route.url}`];
  if (!valid) return nasty;
  const mutated = fc
    .tuple(fc.constantFrom(...Object.keys(valid)), fc.oneof(nastyText, fc.anything({ maxDepth: 2 })))
    .map(([key, value]) => ({ ...valid, [key]: value }));
  return fc.oneof({ weight: 1, arbitrary: nasty }, { weight: 2, arbitrary: mutated });
}

function deepNest(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

beforeAll(async () => {
  app = await startTestApp();
  const org = await app.createOrganization('Fuzz');
  admin = org.admin;
  member = await app.createUserClient(org.organizationId, 'member');
  userId = member.userId;
  media = await seedCallWithMedia(app, { organizationId: org.organizationId, hostUserId: admin.userId });
});
afterAll(() => app?.stop());

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 80,
});

const rangeHeader = fc.oneof(
  fc.constantFrom(
    'bytes=-0',
    'bytes=1000-',
    'bytes=5-1',
    'bytes=0-1,2-3',
    'bytes=0-',
    'bytes=-1',
    'bytes=',
    'bytes=-',
    'items=0-1',
    'bytes=0-99999999999999999999',
    'bytes=-99999999999999999999',
    'bytes=1e3-',
    'bytes=0x10-',
    'bytes= 1 - 2',
  ),
  fc
    .tuple(fc.option(fc.integer({ min: -5, max: 1200 })), fc.option(fc.integer({ min: -5, max: 1200 })))
    .map(([start, end]) => `bytes=${start ?? ''}-${end ?? ''}`),
  fc
    .array(fc.tuple(fc.nat(1200), fc.nat(1200)), { minLength: 1, maxLength: 4 })
    .map((ranges) => `bytes=${ranges.map(([start, end]) => `${start}-${end}`).join(',')}`),
  printable,
);

const headers = fc.record(
  {
    range: rangeHeader,
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=latin1',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '',
    ),
    'accept-language': printable,
    'x-forwarded-for': printable,
    'if-range': printable,
    accept: fc.constantFrom('*/*', 'text/html', 'application/json', 'video/mp4', ''),
  },
  { requiredKeys: [] },
);

/** Percent-encodes a string; a lone surrogate (which UTF-8 cannot carry) goes as the raw bytes ED A0 80. */
function encode(value: string): string {
  return Array.from(value, (char) => {
    try {
      return encodeURIComponent(char);
    } catch {
      return '%ED%A0%80';
    }
  }).join('');
}

const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(
        {
          weight: 4,
          arbitrary: fc.constantFrom(
            'q',
            'from',
            'to',
            'limit',
            'offset',
            'userId',
            'code',
            'state',
            'error',
          ),
        },
        { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
      ),
      fc.oneof(nastyText.map(encode), fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%ED%A0%80')),
    ),
    { maxLength: 5 },
  )
  .map((pairs) =>
    pairs.length === 0 ? '' : `?${pairs.map(([key, value]) => `${encode(key)}=${value}`).join('&')}`,
  );

/** Valid query strings of the routes that take one; the fuzzer replaces one value, as for bodies. */
const validQueries: Record<string, Record<string, string>> = {
  'GET /api/calls': { q: 'demo', from: '2026-01-01', to: '2026-12-31', limit: '10', offset: '0' },
  'GET /api/integrations/zoom/callback': { code: 'abc', state: 'def' },
};

function queryFor(route: { method: string; url: string }): fc.Arbitrary<string> {
  const valid = validQueries[`${route.method} ${route.url}`];
  if (!valid) return queryString;
  const mutated = fc
    .tuple(fc.constantFrom(...Object.keys(valid)), nastyText)
    .map(([key, value]) =>
      Object.entries({ ...valid, [key]: value })
        .map(([name, text]) => `${name}=${encode(text)}`)
        .join('&'),
    )
    .map((query) => `?${query}`);
  return fc.oneof({ weight: 1, arbitrary: queryString }, { weight: 2, arbitrary: mutated });
}

function pathFor(url: string, validIds: Record<string, string>) {
  const names = [...url.matchAll(/:(\w+)|\*/g)].map((match) => match[1] ?? '*');
  return fc
    .tuple(
      ...names.map((name) =>
        fc.oneof(
          { weight: 3, arbitrary: fc.constant(validIds[name] ?? 'x') },
          { weight: 1, arbitrary: fc.uuid() },
          { weight: 1, arbitrary: nastyText.map(encode) },
        ),
      ),
    )
    .map((values) => {
      let index = 0;
      return url.replace(/:(\w+)|\*/g, () => values[index++] || 'x');
    });
}

describe(`input fuzzing (seed ${seed})`, () => {
  it('never answers 5xx on any route of the route table: path, query, headers (Range) and body', async () => {
    const routes = app.server!.routeTable;
    expect(routes.length).toBeGreaterThan(30);
    const clients = { admin, member, anonymous: app.anonymous };
    for (const route of routes) {
      const validIds: Record<string, string> = {
        id: route.url.startsWith('/api/calls') ? media.callId : userId,
        fileId: media.fileId,
      };
      const isWrite = route.method !== 'GET';
      await fc.assert(
        fc.asyncProperty(
          pathFor(route.url, validIds),
          queryFor(route),
          headers,
          isWrite ? bodyFor(route) : fc.constant(undefined),
          // Signing out would end the fuzzing sessions: only the anonymous client tries it.
          route.method === 'DELETE' && route.url === '/api/session'
            ? fc.constant('anonymous' as const)
            : fc.constantFrom('admin' as const, 'member' as const, 'anonymous' as const),
          async (path, query, extraHeaders, body, who) => {
            const before = await rowCounts();
            const payload =
              body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
            const response = await clients[who].request(
              route.method,
              `${path}${query}`,
              payload,
              extraHeaders,
            );
            expect(
              response.statusCode,
              `${who} ${route.method} ${path}${query} ${JSON.stringify(extraHeaders)} ${String(payload).slice(0, 200)}`,
            ).toBeLessThan(500);
            if (response.statusCode >= 400 && route.access !== 'webhook')
              expect(await rowCounts()).toBe(before);
          },
        ),
        { seed, numRuns: 100 },
      );
    }
  }, 600_000);

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
        fc.asyncProperty(bodyFor(route), fc.boolean(), async (body, asText) => {
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
        { seed, numRuns: route.url.includes('webhooks') ? 300 : 120 },
      );
      for (const raw of [deepNest(5000), `{"a":"${'x'.repeat(2_000_000)}"}`, '\u00ff\u00fe', 'true']) {
        const response = await admin.request(route.method, url, raw, { 'content-type': 'application/json' });
        expect(response.statusCode, `${route.method} ${route.url} raw`).toBeLessThan(500);
      }
    }
  }, 600_000);
});
