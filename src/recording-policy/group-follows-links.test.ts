import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGuideBed, type ZoomTestBed } from '../test-support/zoom.ts';

// The guide's case 2: the recording group holds every licensed user whose meetings must be imported.
// Callport keeps it so as links and users change after Apply, not only when Apply is pressed.

const emma = { email: 'emma.dubois@acme.example', name: 'Emma Dubois' };
const hugo = { email: 'hugo.thomas@acme.example', name: 'Hugo Thomas' };
let bed: ZoomTestBed;

function groupMembers(): string[] {
  const group = bed.emulator.control
    .listGroups()
    .find((candidate) => candidate.name === 'Callport recording');
  return (group?.memberIds ?? []).map((id) => bed.emulator.control.getUser(id).email).sort();
}

async function callTopics(): Promise<string[]> {
  const body = (await bed.admin.request('GET', '/api/calls?limit=200')).json() as {
    calls: Array<{ topic: string }>;
  };
  return body.calls.map((call) => call.topic);
}

beforeAll(async () => {
  bed = await startGuideBed([emma]);
});
afterAll(() => bed?.stop());

describe('the recording group follows the links', () => {
  it('adds a user linked after Apply, whose next meeting Zoom records and Callport imports', async () => {
    const scoped = await bed.admin.request('PATCH', '/api/integrations/zoom/policy', { scope: 'group' });
    expect(scoped.statusCode).toBe(200);
    expect((await bed.admin.request('POST', '/api/integrations/zoom/policy/apply')).statusCode).toBe(200);
    expect(groupMembers()).toEqual([emma.email]);

    // Before he is linked, Hugo is outside the group: Zoom's account settings do not record him.
    const before = await bed.recordMeeting({ hostEmail: hugo.email, topic: 'Avant association' });
    expect(before.recorded).toBe(false);

    const created = await bed.admin.request('POST', '/api/users', hugo);
    expect(created.statusCode).toBe(201);
    await bed.linkZoomUsers();
    expect(groupMembers()).toEqual([emma.email, hugo.email]);

    // Nobody presses Record: the emulator's effective settings (the group's) decide.
    const after = await bed.recordMeeting({ hostEmail: hugo.email, topic: 'Après association' });
    expect(after.recorded).toBe(true);
    expect(bed.emulator.control.getMeeting(after.uuid).settingsInForce.auto_recording).toBe('cloud');
    await expect.poll(callTopics, { timeout: 30_000 }).toContain('Après association');
  }, 180_000);

  it('takes out a user whose link is removed or who is deactivated in Callport', async () => {
    const mapping = (await bed.admin.request('GET', '/api/integrations/zoom/users')).json() as {
      users: Array<{ id: string; email: string; link: { zoomUserId: string } | null }>;
    };
    const emmaRow = mapping.users.find((user) => user.email === emma.email)!;
    const hugoRow = mapping.users.find((user) => user.email === hugo.email)!;
    const onlyEmma = [{ userId: emmaRow.id, zoomUserId: emmaRow.link!.zoomUserId, method: 'automatic' }];
    const saved = await bed.admin.request('PUT', '/api/integrations/zoom/users/links', { links: onlyEmma });
    expect(saved.statusCode).toBe(204);
    expect(groupMembers()).toEqual([emma.email]);
    expect(hugoRow.link).not.toBeNull();

    const deactivated = await bed.admin.request('PATCH', `/api/users/${emmaRow.id}`, { isActive: false });
    expect(deactivated.statusCode).toBe(200);
    expect(groupMembers()).toEqual([]);
  }, 180_000);
});
