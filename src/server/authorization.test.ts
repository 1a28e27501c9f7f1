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
  'POST /api/me/password': 'user',
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
  'GET /api/integrations/zoom/users': 'admin',
  'POST /api/integrations/zoom/users/auto-associate': 'admin',
  'PUT /api/integrations/zoom/users/links': 'admin',
  'POST /api/integrations/zoom/users/sync': 'admin',
  'POST /api/integrations/zoom/users/seen-hosts/:zoomUserId/ignore': 'admin',
  'GET /api/integrations/zoom/imports': 'admin',
  'POST /api/integrations/zoom/imports/sweep': 'admin',
  'POST /api/import/diagnose': 'user',
  'GET /api/calls': 'user',
  'GET /api/calls/:id': 'user',
  'GET /api/calls/:id/transcript/search': 'user',
  'GET /api/calls/:id/media/:fileId': 'user',
  'POST /api/calls/:id/highlights': 'user',
  'POST /api/calls/:id/comments': 'user',
  'GET /api/calls/:id/shares': 'user',
  'POST /api/calls/:id/shares': 'user',
  'DELETE /api/calls/:id/shares/:shareId': 'user',
  'GET /api/colleagues': 'user',
  'GET /api/settings/sharing': 'admin',
  'PUT /api/settings/sharing': 'admin',
  'GET /api/shared/:token': 'public',
  'GET /api/shared/:token/media/:fileId': 'public',
  'GET /api/teams': 'admin',
  'POST /api/teams': 'admin',
  'PUT /api/teams/:id/members': 'admin',
  'DELETE /api/teams/:id': 'admin',
  'GET /api/integrations/zoom/policy': 'admin',
  'PATCH /api/integrations/zoom/policy': 'admin',
  'POST /api/integrations/zoom/policy/audit': 'admin',
  'POST /api/integrations/zoom/policy/apply': 'admin',
  'POST /api/integrations/zoom/policy/group': 'admin',
  'POST /api/integrations/zoom/policy/manual/:itemId': 'admin',
  'GET /api/settings/privacy': 'admin',
  'PUT /api/settings/privacy': 'admin',
  'POST /api/privacy/erasures': 'admin',
  'GET /api/coverage': 'user',
  'POST /api/integrations/zoom/coverage/reconcile': 'admin',
  'GET /api/settings/coverage': 'admin',
  'PUT /api/settings/coverage': 'admin',
};

let bed: ZoomTestBed;
let member: TestClient;
let otherAdmin: TestClient;
let memberOfA: string;
let callOfA: string;
let fileOfA: string;
let teamOfA: string;
let shareOfA: string;

beforeAll(async () => {
  bed = await startZoomTestBed();
  await bed.connect();
  member = await bed.app.createUserClient(bed.organizationId, 'member');
  memberOfA = member.userId;
  otherAdmin = (await bed.app.createOrganization('Other')).admin;
  // A real imported call of organisation A, so that another organisation's "not found" proves tenancy.
  await bed.admin.request('POST', '/api/users', { email: 'emma.dubois@acme.example', name: 'Emma Dubois' });
  await bed.linkZoomUsers();
  bed.recordEverythingToCloud();
  await bed.recordMeeting({ hostEmail: 'emma.dubois@acme.example', topic: 'Matrix' });
  const matrixCall = async () =>
    (await bed.admin.request('GET', '/api/calls?q=Matrix')).json().calls[0] as { id: string } | undefined;
  for (let tries = 0; !(await matrixCall()); tries++) {
    if (tries > 150) throw new Error('the call of organisation A was not imported');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  callOfA = (await matrixCall())!.id;
  fileOfA = (await bed.admin.request('GET', `/api/calls/${callOfA}`)).json().media[0].fileId;
  teamOfA = (await bed.admin.request('POST', '/api/teams', { name: 'Sales A' })).json().id;
  shareOfA = (await bed.admin.request('POST', `/api/calls/${callOfA}/shares`, { kind: 'public' })).json().id;
});
afterAll(() => bed?.stop());

/** A real resource of organisation A for each path parameter, so "not found" proves tenancy. */
function concreteUrl(url: string): string {
  return url
    .replace('/api/users/:id', `/api/users/${memberOfA}`)
    .replace('/api/calls/:id', `/api/calls/${callOfA}`)
    .replace(':fileId', fileOfA)
    .replace('/api/teams/:id', `/api/teams/${teamOfA}`)
    .replace(':shareId', shareOfA)
    .replace(':zoomUserId', 'zoom-user-of-a')
    .replace(':itemId', 'sign_out_after_time')
    .replace('*', 'index.js');
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
