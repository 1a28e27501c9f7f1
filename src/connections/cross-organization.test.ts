import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZoomTestBed, type ZoomTestBed } from '../test-support/zoom.ts';

// Organisation A has Zoom connected; organisation B runs Connect for the same Zoom account. Zoom keeps
// one token set per account and app, so B's code exchange supersedes A's tokens at Zoom: B must be
// refused and A must go on working.

let bed: ZoomTestBed;
const emma = 'emma.dubois@acme.example';

beforeAll(async () => {
  bed = await startZoomTestBed({ env: { SWEEP_INTERVAL_MINUTES: '60' } });
  await bed.admin.request('POST', '/api/users', { email: emma, name: 'Emma Dubois' });
  expect(await bed.connect()).toContain('zoom=connected');
  await bed.linkZoomUsers();
  await bed.waitForFirstImports();
  bed.recordEverythingToCloud();
});
afterAll(() => bed?.stop());

async function connectionOf(client: ZoomTestBed['admin']) {
  return (await client.request('GET', '/api/integrations/zoom')).json().connection;
}

describe('another organisation connecting the same Zoom account', () => {
  it('is refused with account_in_use, and the first organisation keeps calling Zoom and importing', async () => {
    const other = await bed.app.createOrganization('Other org');
    const refused = await bed.connect({ admin: other.admin });
    expect(refused).toContain('zoom=error&reason=account_in_use');
    expect(await connectionOf(other.admin)).toBeNull();

    // A's old tokens were superseded at Zoom by B's exchange: A works on the new ones.
    const connection = await connectionOf(bed.admin);
    expect(connection.status).toBe('connected');
    const check = await bed.admin.request('POST', '/api/integrations/zoom/check');
    expect(check.statusCode).toBe(200);
    expect(check.json().status).toBe('connected');
    const audit = await bed.app.database.executeSql(
      "SELECT organization_id FROM audit_log WHERE action = 'zoom.tokens_replaced'",
    );
    expect(audit.rows.map((row) => row.organization_id)).toEqual([bed.organizationId]);

    await bed.recordMeeting({ hostEmail: emma, topic: 'Après le refus' });
    await expect
      .poll(
        async () =>
          ((await bed.admin.request('GET', '/api/calls')).json().calls as Array<{ topic: string }>).some(
            (call) => call.topic === 'Après le refus',
          ),
        { timeout: 30_000 },
      )
      .toBe(true);
    expect((await connectionOf(bed.admin)).status).toBe('connected');
    // B got nothing: no connection, no call.
    expect((await other.admin.request('GET', '/api/calls')).json().calls).toEqual([]);
  });

  it('connects the first organisation again when its refresh failed on the superseded grant', async () => {
    // B's exchange kills A's tokens at once; A's worker may refresh (and fail) before the callback hands
    // A the new set. The row then says reconnect_needed, as the token vault writes it.
    await bed.app.database.executeSql(
      "UPDATE zoom_connections SET status = 'reconnect_needed' WHERE organization_id = $1",
      [bed.organizationId],
    );
    const other = await bed.app.createOrganization('Third org');
    expect(await bed.connect({ admin: other.admin })).toContain('zoom=error&reason=account_in_use');
    expect((await connectionOf(bed.admin)).status).toBe('connected');
    const check = await bed.admin.request('POST', '/api/integrations/zoom/check');
    expect(check.json().status).toBe('connected');
    expect(await connectionOf(other.admin)).toBeNull();
  });

  it('never writes the OAuth code or state of a real callback to the logs', async () => {
    expect(bed.callbackUrls.length).toBeGreaterThanOrEqual(2);
    const logs = bed.app.logs.join('');
    expect(logs).toContain('/api/integrations/zoom/callback');
    for (const callback of bed.callbackUrls) {
      const url = new URL(callback);
      for (const name of ['code', 'state']) {
        const value = url.searchParams.get(name);
        expect(value, name).toBeTruthy();
        expect(logs, name).not.toContain(value!);
        expect(logs, name).not.toContain(encodeURIComponent(value!));
      }
    }
  });

  it('answers a request that Zoom refuses with what to do, not an internal error', async () => {
    // Zoom forgets the tokens without telling Callport (no app_deauthorized delivered).
    bed.emulator.control.setWebhooks({ enabled: false });
    bed.emulator.control.revokeAllTokens(bed.zoomApp.clientId);
    const check = await bed.admin.request('POST', '/api/integrations/zoom/check');
    expect(check.statusCode).toBe(409);
    expect(check.json().error).toMatchObject({
      code: 'zoom_not_connected',
      message: expect.stringMatching(/reconnect/),
    });
    expect((await connectionOf(bed.admin)).status).toBe('reconnect_needed');
    bed.emulator.control.setWebhooks({ enabled: true });
  });
});
