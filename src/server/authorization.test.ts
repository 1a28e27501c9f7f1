import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Access } from '../server/types.ts';
import type { TestClient } from '../test-support/app.ts';
import { startZoomTestBed, type ZoomTestBed } from '../test-support/zoom.ts';

/**
 * The authorisation matrix: every route the server registers, with who may call it. The test fails
 * when a route is added without a line here, so each new route gets a conscious decision.
 */
const matrix: Record<string, Access> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public',
  'GET /assets/*': 'public',
  'POST /api/session': 'public',
  'GET /api/session': 'user',
  'DELETE /api/session': 'user',
  'PATCH /api/me': 'user',
  'GET /api/organization': 'user',
  'PATCH /api/organization': 'admin',
  'GET /api/users': 'admin',
  'POST /api/users': 'admin',
  'PATCH /api/users/:id': 'admin',
  'POST /api/users/import': 'admin',
  'GET /api/integrations/zoom': 'user',
  'GET /api/integrations/zoom/connect': 'admin',
  'GET /api/integrations/zoom/callback': 'user',
  'POST /api/integrations/zoom/check': 'admin',
  'PATCH /api/integrations/zoom': 'admin',
  'POST /api/integrations/zoom/disconnect': 'admin',
  'POST /webhooks/zoom': 'webhook',
};

let bed: ZoomTestBed;
let member: TestClient;
let otherAdmin: TestClient;
let memberOfA: string;

beforeAll(async () => {
  bed = await startZoomTestBed();
  await bed.connect();
  member = await bed.app.createUserClient(bed.organizationId, 'member');
  memberOfA = member.userId;
  otherAdmin = (await bed.app.createOrganization('Other')).admin;
});
afterAll(() => bed?.stop());

/** A real resource of organisation A for each path parameter, so "not found" proves tenancy. */
function concreteUrl(url: string): string {
  return url.replace(':id', memberOfA).replace('*', 'index.js');
}

describe('authorisation matrix', () => {
  it('lists every registered route, with the access level the route declares', () => {
    const registered = Object.fromEntries(
      bed.app.server!.routeTable.map((route) => [`${route.method} ${route.url}`, route.access]),
    );
    expect(registered).toEqual(matrix);
  });

  it('answers each caller as the matrix says', async () => {
    const failures: string[] = [];
    const check = (label: string, ok: boolean, status: number) => {
      if (!ok) failures.push(`${label} → ${status}`);
    };
    // Sign-out and disconnect change the session or connection: they run last, after the checks.
    const entries = Object.entries(matrix).sort(
      ([a], [b]) =>
        Number(/DELETE \/api\/session|disconnect/.test(a)) -
        Number(/DELETE \/api\/session|disconnect/.test(b)),
    );
    for (const [key, access] of entries) {
      const [method, url] = key.split(' ') as [string, string];
      if (access === 'public' || key === 'DELETE /api/session' || key.endsWith('/disconnect')) continue;
      const path = concreteUrl(url);
      const body = method === 'GET' ? undefined : {};
      const anonymous = await bed.app.anonymous.request(method, path, body);
      check(`anonymous ${key}`, anonymous.statusCode === 401, anonymous.statusCode);
      if (access === 'webhook') continue;
      const asMember = await member.request(method, path, body);
      check(
        `member ${key}`,
        access === 'admin'
          ? asMember.statusCode === 403
          : asMember.statusCode < 500 && ![401, 403].includes(asMember.statusCode),
        asMember.statusCode,
      );
      const asOther = await otherAdmin.request(method, path, body);
      check(
        `other organisation's admin ${key}`,
        url.includes(':')
          ? asOther.statusCode === 404
          : asOther.statusCode < 500 && asOther.statusCode !== 401,
        asOther.statusCode,
      );
      const asAdmin = await bed.admin.request(method, path, body);
      check(
        `admin ${key}`,
        asAdmin.statusCode < 500 && ![401, 403].includes(asAdmin.statusCode),
        asAdmin.statusCode,
      );
    }
    const disconnectAsMember = await member.request('POST', '/api/integrations/zoom/disconnect', {});
    check(
      'member POST /api/integrations/zoom/disconnect',
      disconnectAsMember.statusCode === 403,
      disconnectAsMember.statusCode,
    );
    const signOut = await bed.app.anonymous.request('DELETE', '/api/session');
    check('anonymous DELETE /api/session', signOut.statusCode === 401, signOut.statusCode);
    expect(failures).toEqual([]);
  });
});
