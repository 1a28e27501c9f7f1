import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZoomTestBed, type ZoomTestBed } from '../test-support/zoom.ts';

let bed: ZoomTestBed;
type Item = {
  id: string;
  status: string;
  current: unknown;
  isLocked: boolean;
  lastApply: { outcome: string; reason: { code: string } | null; zoomDetail: string | null } | null;
  manualSteps: unknown;
};
const byId = (items: Item[]): Record<string, Item> =>
  Object.fromEntries(items.map((item) => [item.id, item]));

beforeAll(async () => {
  bed = await startZoomTestBed();
  await bed.followGuide(
    ['emma.dubois@acme.example', 'hugo.thomas@acme.example'].map((email) => ({
      email,
      name: email.split('@')[0] ?? email,
    })),
  );
});
afterAll(() => bed?.stop());

describe('recording policy', () => {
  it('audits the sandbox off policy, recommends a group, and lists manual items with steps', async () => {
    const policy = (await bed.admin.request('POST', '/api/integrations/zoom/policy/audit')).json();
    const items = byId(policy.items);
    expect(items.auto_recording!).toMatchObject({ status: 'off_policy', current: 'none' });
    expect(items.display_participant_name!.status).toBe('off_policy');
    expect(items.cloud_recording_available_email!).toMatchObject({ status: 'off_policy', current: true });
    expect(items.sign_out_after_time!.status).toBe('manual');
    expect((items.custom_disclaimer!.manualSteps as Array<{ code: string }>).length).toBeGreaterThan(1);
    expect(policy.recommendation).toMatchObject({ scope: 'group', licensedLinked: 2 });
    expect(policy.disclaimer.fr.title).toContain('Callport');
  });

  it('recommends from the Zoom users the last user sync stored, without listing them at Zoom again', async () => {
    const { control } = bed.emulator;
    const before = control.requestLog().length;
    const policy = (await bed.admin.request('GET', '/api/integrations/zoom/policy')).json();
    const active = control.listUsers().filter((user) => user.status === 'active').length;
    expect(policy.recommendation).toMatchObject({ zoomUsers: active, licensedLinked: 2 });
    const userListings = control
      .requestLog()
      .slice(before)
      .filter((entry) => entry.route === '/v2/users');
    expect(userListings).toEqual([]);
  });

  it('applies and locks what the API allows, reports refusals per item, and re-audits', async () => {
    const policy = (await bed.admin.request('POST', '/api/integrations/zoom/policy/apply')).json();
    const items = byId(policy.items);
    for (const id of [
      'cloud_recording',
      'auto_recording',
      'display_participant_name',
      'recording_thumbnails',
      'record_speaker_view',
      'recording_disclaimer',
      'cloud_recording_available_email',
    ]) {
      expect({ id, status: items[id]!.status }).toEqual({ id, status: 'ok' });
    }
    expect(items.auto_recording!.isLocked).toBe(true);
    expect(bed.emulator.control.getAccountLockSettings()).toMatchObject({
      recording: { auto_recording: true },
    });
    expect(bed.emulator.control.getAccountSettings()).toMatchObject({
      recording: { auto_delete_cmr_days: 30 },
    });
    expect(items.sign_out_after_time!.lastApply).toMatchObject({ outcome: 'skipped' });
  });

  it('shows a change made in Zoom afterwards as drift, with who made it', async () => {
    bed.emulator.control.updateAccountSettings(
      { recording: { display_participant_name: false } },
      'louis.bernard@acme.example',
    );
    await bed.emulator.control.flushWebhooks();
    await expect
      .poll(async () => (await bed.admin.request('GET', '/api/integrations/zoom/policy')).json().drift[0], {
        timeout: 20_000,
      })
      .toMatchObject({
        id: 'display_participant_name',
        from: true,
        to: false,
        operator: 'louis.bernard@acme.example',
      });
  });

  it('in group mode, recording depends on the emulator’s own group settings', async () => {
    const { control } = bed.emulator;
    control.updateAccountSettings({ recording: { auto_recording: 'none' } });
    control.updateAccountLockSettings({ recording: { auto_recording: false } });
    await bed.admin.request('PATCH', '/api/integrations/zoom/policy', { scope: 'group' });
    const policy = (await bed.admin.request('POST', '/api/integrations/zoom/policy/apply')).json();
    expect(policy.groupId).toEqual(expect.any(String));
    const group = control.listGroups().find((g) => g.id === policy.groupId)!;
    expect(group.memberIds.length).toBe(2);
    const inside = control.simulateMeeting({
      hostEmail: 'emma.dubois@acme.example',
      topic: 'In group',
      durationMinutes: 1,
    });
    const outside = control.simulateMeeting({
      hostEmail: 'nathan.durand@acme.example',
      topic: 'Outside',
      durationMinutes: 1,
    });
    expect(inside.recorded).toBe(true);
    expect(outside.recorded).toBe(false);
  });

  it('records an admin’s confirmation of a manual item', async () => {
    const policy = (
      await bed.admin.request('POST', '/api/integrations/zoom/policy/manual/sign_out_after_time', {
        done: true,
      })
    ).json();
    expect(byId(policy.items).sign_out_after_time).toMatchObject({ confirmedBy: { by: bed.admin.email } });
    expect(
      (
        await bed.admin.request('POST', '/api/integrations/zoom/policy/manual/cloud_recording', {
          done: true,
        })
      ).statusCode,
    ).toBe(404);
  });

  it('says why Zoom refused an item with a code, and keeps Zoom’s own answer as a detail', async () => {
    // A free Zoom account: Zoom answers every account settings change with code 200 (docs/zoom-platform.md §6).
    const { plan } = bed.emulator.control.setRateLimits({});
    bed.emulator.control.setRateLimits({ plan: 'free' });
    try {
      await bed.admin.request('PATCH', '/api/integrations/zoom/policy', { scope: 'account' });
      const policy = (await bed.admin.request('POST', '/api/integrations/zoom/policy/apply')).json();
      const refused = (policy.items as Item[]).filter((item) => item.lastApply?.outcome === 'refused');
      expect(refused.map((item) => item.id)).toContain('auto_recording');
      for (const item of refused) {
        expect(item.lastApply?.reason).toEqual({ code: 'policy_refused_permission' });
        expect(item.lastApply?.zoomDetail).toMatch(/^200 · .*Only available for paid accounts/);
      }
      expect(byId(policy.items).sign_out_after_time!.lastApply).toEqual({
        outcome: 'skipped',
        reason: null,
        zoomDetail: null,
      });
    } finally {
      bed.emulator.control.setRateLimits({ plan });
    }
  });
});
