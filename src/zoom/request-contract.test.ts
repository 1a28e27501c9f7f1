/**
 * Request-side contract: the requests Callport's Zoom client makes validate against Zoom's published
 * specs (`docs/zoom/openapi/`): method and path of an existing operation, declared query parameters with
 * allowed values. Every Zoom test bed checks all of Callport's requests when it stops
 * (`src/test-support/zoom.ts`); this file proves the check is not vacuous and walks the guide once so the
 * calls of every feature are checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZoomTestBed, type ZoomTestBed } from '../test-support/zoom.ts';
import { requestContractErrors, specPathOf } from '../test-support/zoom-openapi.ts';

describe('the request check against Zoom’s specs', () => {
  const request = (method: string, route: string, query: Record<string, string> = {}) => ({
    method,
    route,
    query,
  });

  it('accepts requests the specs allow', () => {
    expect(
      requestContractErrors([
        request('GET', '/v2/users/:userId/recordings', {
          from: '2026-02-01',
          to: '2026-02-28',
          page_size: '300',
        }),
        request('GET', '/v2/users', { status: 'active', page_size: '300' }),
        request('DELETE', '/v2/meetings/:meetingId/recordings/:recordingId', { action: 'trash' }),
        request('POST', '/oauth/token', { grant_type: 'refresh_token' }),
      ]),
    ).toEqual([]);
  });

  it('refuses an unknown operation, an undeclared parameter and a value outside the schema', () => {
    const errors = requestContractErrors([
      request('GET', '/v2/users/:userId/cloud_things'),
      request('GET', '/v2/users/:userId/recordings', { since: '2026-02-01' }),
      request('DELETE', '/v2/meetings/:meetingId/recordings', { action: 'shred' }),
      request('GET', '/v2/users/:userId/recordings', { page_size: 'lots' }),
      request('GET', '/v2/users/:userId/recordings', { from: '01/02/2026' }),
    ]);
    expect(errors).toHaveLength(5);
    expect(errors[0]).toContain('no such operation');
    expect(specPathOf('/v2/groups/:groupId/members')).toBe('/groups/{groupId}/members');
  });
});

describe('Callport’s requests while following the guide', () => {
  let bed: ZoomTestBed;
  const emma = 'emma.dubois@acme.example';

  beforeAll(async () => {
    bed = await startZoomTestBed({ env: { SWEEP_INTERVAL_MINUTES: '60', BACKFILL_DAYS: '30' } });
  });
  afterAll(() => bed?.stop());

  it('are all operations of Zoom’s specs with declared parameters', async () => {
    await bed.followGuide([{ email: emma, name: 'Emma Dubois' }]);
    await bed.admin.request('POST', '/api/integrations/zoom/policy/audit');
    await bed.admin.request('POST', '/api/integrations/zoom/policy/apply');
    await bed.admin.request('PATCH', '/api/integrations/zoom/policy', { scope: 'group' });
    await bed.admin.request('POST', '/api/integrations/zoom/policy/apply');
    await bed.recordMeeting({ hostEmail: emma, topic: 'Contrat de requêtes' });
    await bed.admin.request('POST', '/api/integrations/zoom/imports/sweep');
    // This meeting's own call (the sandbox's older calls come first, from the first import's listing).
    await expect
      .poll(
        async () =>
          ((await bed.admin.request('GET', '/api/calls')).json() as { calls: { topic: string }[] }).calls.map(
            (call) => call.topic,
          ),
        { timeout: 30_000 },
      )
      .toContain('Contrat de requêtes');
    // A meeting Callport has never seen (not recorded): the diagnosis asks Zoom.
    const unrecorded = bed.emulator.control
      .listMeetings()
      .find((meeting) => meeting.topic === 'Intro call: Umbrella')!;
    await bed.admin.request('POST', '/api/import/diagnose', { meeting: String(unrecorded.meetingId) });
    const requests = bed.callportRequests();
    const operations = new Set(requests.map((entry) => `${entry.method} ${specPathOf(entry.route)}`));
    // Users, settings and locks at account and group level, groups, recordings, past instances.
    for (const operation of [
      'GET /users/{userId}',
      'GET /users',
      'GET /accounts/{accountId}/settings',
      'PATCH /accounts/{accountId}/settings',
      'POST /groups',
      'POST /groups/{groupId}/members',
      'GET /users/{userId}/recordings',
      'GET /meetings/{meetingId}/recordings',
    ])
      expect(operations, operation).toContain(operation);
    expect(requestContractErrors(requests)).toEqual([]);
  });
});
