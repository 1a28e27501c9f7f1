import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZoomTestBed, type ZoomTestBed } from '../test-support/zoom.ts';

// "If Zoom uninstalls Callport": the organisation's rule (delete after N days, Zoom's 10-day rule, or
// keep) is what happens, and the API says when, so the page can tell the admin before it happens.

type Integration = {
  connection: {
    status: string;
    uninstallDataPolicy: string;
    uninstallDeleteAfterDays: number;
    endedAt: string | null;
    dataDeletionAt: string | null;
  } | null;
};

let bed: ZoomTestBed;
const integration = async () =>
  (await bed.admin.request('GET', '/api/integrations/zoom')).json() as Integration;
const callCount = async () =>
  ((await bed.admin.request('GET', '/api/calls?limit=200')).json() as { calls: unknown[] }).calls.length;

beforeAll(async () => {
  bed = await startZoomTestBed();
  bed.recordEverythingToCloud();
  await bed.followGuide([{ email: 'emma.dubois@acme.example', name: 'Emma Dubois' }]);
  await bed.waitForFirstImports();
});
afterAll(() => bed?.stop());

describe('after Zoom uninstalls Callport', () => {
  it('deletes the calls imported from Zoom on the day the rule says, and says when beforehand', async () => {
    const before = (await integration()).connection!;
    // Deletion within Zoom's 10 days is the default; nothing is scheduled while connected.
    expect(before).toMatchObject({ uninstallDataPolicy: 'delete', dataDeletionAt: null });
    await bed.recordMeeting({ hostEmail: 'emma.dubois@acme.example', topic: 'Avant la désinstallation' });
    await expect.poll(callCount, { timeout: 30_000 }).toBeGreaterThan(0);

    expect(
      (await bed.admin.request('PATCH', '/api/integrations/zoom', { uninstallDeleteAfterDays: 0 }))
        .statusCode,
    ).toBe(200);
    const row = (await bed.app.database.executeSql('SELECT zoom_account_id FROM zoom_connections')).rows[0];
    bed.emulator.control.uninstallApp(bed.zoomApp.clientId, String(row?.zoom_account_id));
    await bed.emulator.control.flushWebhooks();
    await expect
      .poll(async () => (await integration()).connection?.status, { timeout: 15_000 })
      .toBe('uninstalled');
    const ended = (await integration()).connection!;
    expect(ended.dataDeletionAt).toBe(ended.endedAt);

    await expect.poll(callCount, { timeout: 30_000 }).toBe(0);
    // The purge is one job: wait for it to end, then every recording is erased (the calls can be gone
    // while it still erases a recording that never became a call: seen on PostgreSQL, one left
    // 'waiting') and it has said what it erased.
    const purgeState = async () =>
      (
        await bed.app.database.executeSql(
          "SELECT state FROM pgboss.job WHERE name = 'connections.purge-data' ORDER BY created_on DESC LIMIT 1",
        )
      ).rows[0]?.state;
    await expect.poll(purgeState, { timeout: 60_000 }).toMatch(/^(completed|failed)$/);
    expect(await purgeState()).toBe('completed');
    const recordings = await bed.app.database.executeSql('SELECT DISTINCT status FROM recordings');
    expect(recordings.rows.map((r) => r.status)).toEqual(['erased']);
    await expect
      .poll(
        async () =>
          (
            await bed.app.database.executeSql(
              "SELECT details FROM audit_log WHERE action = 'zoom.data_deleted'",
            )
          ).rows.map((r) => r.details as { erased: number }),
        { timeout: 15_000 },
      )
      .toEqual([{ erased: expect.any(Number) }]);

    // The day is set once uninstalled: moving it is refused with a code; keeping the data is not.
    const moved = await bed.admin.request('PATCH', '/api/integrations/zoom', { uninstallDeleteAfterDays: 5 });
    expect(moved.statusCode).toBe(409);
    expect(moved.json().error).toMatchObject({ reason: 'uninstall_deletion_scheduled' });
    const kept = await bed.admin.request('PATCH', '/api/integrations/zoom', { uninstallDataPolicy: 'keep' });
    expect(kept.statusCode).toBe(200);
    expect(kept.json()).toMatchObject({ status: 'uninstalled', dataDeletionAt: null });
  });
});
