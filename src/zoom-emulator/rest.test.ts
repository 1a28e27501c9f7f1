import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zoomSettingsUpdatedEventSchema } from '../zoom/wire.ts';
import type { ZoomEmulator } from './index.ts';
import { api, startTestEmulator, startWebhookReceiver, testApp } from './test-helpers.ts';

describe('REST gateway behaviour (checklist §8.4–8.5)', () => {
  let emulator: ZoomEmulator;
  let token: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    token = emulator.control.installApp(testApp.clientId).access_token;
  });
  afterAll(() => emulator.close());

  it('refuses a token in the query string with 401 code 124, even a valid one', async () => {
    const response = await fetch(`${emulator.apiUrl}/users/me?access_token=${token}`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 124, message: 'Invalid access token.' });
    const both = await api(emulator, token, `/users/me?access_token=${token}`);
    expect(both.status).toBe(401);
  });

  it('refuses a missing or unknown token with 124', async () => {
    expect((await fetch(`${emulator.apiUrl}/users/me`)).status).toBe(401);
    const unknown = await api(emulator, 'not-a-token', '/users/me');
    expect(unknown.body.code).toBe(124);
  });

  it('checks scopes: code 4700 listing the scopes the endpoint needs', async () => {
    const narrow = { ...testApp, clientId: 'narrow', scopes: ['user:read:admin'] };
    emulator.control.registerApp(narrow);
    const narrowToken = emulator.control.installApp('narrow').access_token;
    const response = await api(emulator, narrowToken, '/accounts/me/settings');
    expect(response.status).toBe(400);
    expect(response.body.code).toBe(4700);
    expect(response.body.message).toBe(
      'Invalid access token, does not contain scopes:[account:read:admin, account:read:settings:admin].',
    );
  });

  it('adds x-zm-trackingid to every response and rate-limit headers to REST responses', async () => {
    const ok = await api(emulator, token, '/users/me');
    expect(ok.headers.get('x-zm-trackingid')).toMatch(/^v=2\.0;/);
    expect(ok.headers.get('x-ratelimit-category')).toBe('Light');
    expect(ok.headers.get('x-ratelimit-limit')).toBe('80');
    expect(Number(ok.headers.get('x-ratelimit-remaining'))).toBeLessThan(80);
    const medium = await api(emulator, token, '/users');
    expect(medium.headers.get('x-ratelimit-category')).toBe('Medium');
    expect(medium.headers.get('x-ratelimit-limit')).toBe('60');
    const notFound = await api(emulator, token, '/nothing-here');
    expect(notFound.headers.get('x-zm-trackingid')).toBeTruthy();
    const oauth = await fetch(`${emulator.oauthUrl}/oauth/token`, { method: 'POST' });
    expect(oauth.headers.get('x-zm-trackingid')).toBeTruthy();
  });

  it('enforces per-account QPS limits by category with Zoom’s 429 (Free plan: Medium 2/s)', async () => {
    emulator.control.setRateLimits({ plan: 'free' });
    try {
      const results = await Promise.all([1, 2, 3, 4].map(() => api(emulator, token, '/users')));
      const limited = results.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(1);
      const first = limited[0];
      expect(first?.body).toEqual({
        code: 429,
        message: 'You have reached the maximum per-second rate limit for this API. Try again later.',
      });
      expect(first?.headers.get('x-ratelimit-type')).toBe('QPS');
      expect(first?.headers.get('x-ratelimit-category')).toBe('Medium');
      expect(first?.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(first?.headers.get('retry-after')).toBeTruthy();
    } finally {
      emulator.control.setRateLimits({ plan: 'business' });
    }
  });

  it('injects 429 bursts (daily limit with an ISO Retry-After at the next UTC midnight)', async () => {
    emulator.control.setFaults({ rateLimitBurst: { count: 2, type: 'Daily-limit' } });
    const a = await api(emulator, token, '/users/me');
    const b = await api(emulator, token, '/users');
    const c = await api(emulator, token, '/users/me');
    expect([a.status, b.status, c.status]).toEqual([429, 429, 200]);
    expect(a.headers.get('x-ratelimit-type')).toBe('Daily-limit');
    expect(a.headers.get('retry-after')).toBe('2026-03-11T00:00:00Z');
    // The daily limit, not the per-second one (Business Light: 80/s, no daily cap → Zoom's per-user 100).
    expect(a.headers.get('x-ratelimit-limit')).toBe('100');
    expect(a.body.message).toContain('(100)');
    expect(c.headers.get('x-ratelimit-limit')).toBe('80');
    const counts = emulator.control.requestCounts();
    expect(counts.byCategory.Light).toBeGreaterThan(0);
  });

  it('reports the daily cap in X-RateLimit-Limit when a Free account runs out for the day', async () => {
    emulator.control.setRateLimits({ plan: 'free' });
    try {
      emulator.control.setFaults({ rateLimitBurst: { count: 1, type: 'Daily-limit' } });
      const limited = await api(emulator, token, '/users');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('x-ratelimit-limit')).toBe('2000');
      expect(limited.body.message).toContain('(2000)');
    } finally {
      emulator.control.setRateLimits({ plan: 'business' });
    }
  });

  it('pages users with next_page_token (empty on the last page) and the deprecated page_number', async () => {
    const first = await api(emulator, token, '/users?page_size=4');
    expect(first.body.total_records).toBe(10);
    expect(first.body.users).toHaveLength(4);
    expect(first.body.next_page_token).toBeTruthy();
    const second = await api(
      emulator,
      token,
      `/users?page_size=4&next_page_token=${first.body.next_page_token}`,
    );
    const third = await api(
      emulator,
      token,
      `/users?page_size=4&next_page_token=${second.body.next_page_token}`,
    );
    expect(third.body.users).toHaveLength(2);
    expect(third.body.next_page_token).toBe('');
    const emails = [...first.body.users, ...second.body.users, ...third.body.users].map(
      (u: { email: string }) => u.email,
    );
    expect(new Set(emails).size).toBe(10);
    const byNumber = await api(emulator, token, '/users?page_size=4&page_number=2');
    expect(byNumber.body.users.map((u: { email: string }) => u.email)).toEqual(
      second.body.users.map((u: { email: string }) => u.email),
    );
  });

  it('expires next_page_token after 15 minutes', async () => {
    const first = await api(emulator, token, '/users?page_size=3');
    await emulator.control.advanceClock(15 * 60 + 1);
    const fresh = emulator.control.installApp(testApp.clientId).access_token;
    token = fresh;
    const expired = await api(
      emulator,
      fresh,
      `/users?page_size=3&next_page_token=${first.body.next_page_token}`,
    );
    expect(expired.status).toBe(400);
    expect(expired.body.code).toBe(300);
  });

  it('lists users by status; pending users have no id', async () => {
    const inactive = await api(emulator, token, '/users?status=inactive');
    expect(inactive.body.users.map((u: { email: string }) => u.email)).toEqual(['lucas.moreau@acme.example']);
    const pending = await api(emulator, token, '/users?status=pending');
    expect(pending.body.users).toHaveLength(1);
    expect(pending.body.users[0].email).toBe('ines.simon@acme.example');
    expect(pending.body.users[0]).not.toHaveProperty('id');
  });

  it('reads users by id, email (case-insensitive) and me; unknown users get 1001', async () => {
    const me = await api(emulator, token, '/users/me');
    expect(me.body).toMatchObject({
      email: 'camille.martin@acme.example',
      role_id: '0',
      role_name: 'Owner',
      type: 2,
      status: 'active',
    });
    expect(me.body.account_id).toBe('acme-sandbox-account');
    const jules = await api(emulator, token, '/users/jules.richard@acme.example');
    expect(jules.body.email).toBe('Jules.Richard@Acme.example');
    const byId = await api(emulator, token, `/users/${jules.body.id}`);
    expect(byId.body.email).toBe('Jules.Richard@Acme.example');
    const theo = await api(emulator, token, '/users/theo.laurent@acme.example');
    expect(theo.body.type).toBe(1);
    const missing = await api(emulator, token, '/users/nobody@acme.example');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe(1001);
    const exists = await api(emulator, token, '/users/email?email=JULES.richard@acme.example');
    expect(exists.body).toEqual({ existed_email: true });
    expect((await api(emulator, token, '/users/email?email=x@y.example')).body).toEqual({
      existed_email: false,
    });
  });

  it('returns role-based permissions', async () => {
    const owner = await api(emulator, token, '/users/me/permissions');
    expect(owner.body.permissions).toContain('AccountSetting:Edit');
    const member = await api(emulator, token, '/users/emma.dubois@acme.example/permissions');
    expect(member.body.permissions).toEqual([]);
    const admin = await api(emulator, token, '/users/louis.bernard@acme.example/permissions');
    expect(admin.body.permissions).toContain('Group:Edit');
  });

  it('lists roles', async () => {
    const roles = await api(emulator, token, '/roles');
    expect(roles.body.roles.map((r: { name: string }) => r.name)).toEqual(['Owner', 'Admin', 'Member']);
    expect(roles.body.roles[0].total_members).toBe(1);
  });

  it('creates groups (201, 409 code 4132 on a duplicate name), adds members in batches of at most 30', async () => {
    const created = await api(emulator, token, '/groups', {
      method: 'POST',
      body: JSON.stringify({ name: 'Sales recording' }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Sales recording', total_members: 0 });
    const duplicate = await api(emulator, token, '/groups', {
      method: 'POST',
      body: JSON.stringify({ name: 'Sales recording' }),
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe(4132);
    const groupId = created.body.id as string;
    const tooMany = Array.from({ length: 31 }, (_, i) => ({ email: `x${i}@acme.example` }));
    const refused = await api(emulator, token, `/groups/${groupId}/members`, {
      method: 'POST',
      body: JSON.stringify({ members: tooMany }),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe(300);
    const emma = emulator.control.getUser('emma.dubois@acme.example');
    const added = await api(emulator, token, `/groups/${groupId}/members`, {
      method: 'POST',
      body: JSON.stringify({
        members: [{ id: emma.id, email: 'ignored@acme.example' }, { email: 'hugo.thomas@acme.example' }],
      }),
    });
    expect(added.status).toBe(201);
    expect(added.body.ids.split(',')).toHaveLength(2);
    expect(added.body.added_at).toMatch(/Z$/);
    const members = await api(emulator, token, `/groups/${groupId}/members`);
    expect(members.body.members.map((m: { email: string }) => m.email).sort()).toEqual([
      'emma.dubois@acme.example',
      'hugo.thomas@acme.example',
    ]);
    const list = await api(emulator, token, '/groups');
    expect(list.body.groups.find((g: { id: string }) => g.id === groupId).total_members).toBe(2);
    expect((await api(emulator, token, '/users/emma.dubois@acme.example')).body.group_ids).toContain(groupId);
    expect((await api(emulator, token, '/groups/nope/members')).body.code).toBe(4130);
  });
});

describe('Settings (checklist §8.6, docs/zoom-platform.md §3)', () => {
  let emulator: ZoomEmulator;
  let token: string;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(testApp.webhookSecretToken);
    emulator = await startTestEmulator({ webhookUrl: receiver.url });
    token = emulator.control.installApp(testApp.clientId).access_token;
  });
  afterAll(async () => {
    await emulator.close();
    await receiver.close();
  });

  it('sandbox settings are off the guide’s policy, with no locks', async () => {
    const settings = await api(emulator, token, '/accounts/me/settings');
    expect(settings.body.recording).toMatchObject({
      auto_recording: 'none',
      display_participant_name: false,
      recording_thumbnails: false,
      recording_disclaimer: false,
      auto_delete_cmr: false,
    });
    expect(settings.body.email_notification.cloud_recording_available_reminder).toBe(true);
    const locks = await api(emulator, token, '/accounts/me/lock_settings');
    expect(locks.body.recording.auto_recording).toBe(false);
    for (const section of Object.values(locks.body) as Record<string, unknown>[]) {
      for (const value of Object.values(section)) expect(typeof value).toBe('boolean');
    }
  });

  it('GET honours custom_query_fields and option', async () => {
    const filtered = await api(
      emulator,
      token,
      '/accounts/me/settings?custom_query_fields=auto_recording,cloud_recording_available_reminder',
    );
    expect(filtered.body).toEqual({
      email_notification: { cloud_recording_available_reminder: true },
      recording: { auto_recording: 'none' },
    });
    const security = await api(emulator, token, '/accounts/me/settings?option=security');
    expect(Object.keys(security.body)).toEqual(['security']);
    const auth = await api(emulator, token, '/accounts/me/settings?option=meeting_authentication');
    expect(auth.body).toHaveProperty('authentication_options');
    expect((await api(emulator, token, '/accounts/me/settings?option=bogus')).body.code).toBe(300);
    expect((await api(emulator, token, '/accounts/other/settings')).body.code).toBe(2001);
  });

  it('PATCH deep-merges a partial body, answers 204, and emits account.settings_updated with operator and changes', async () => {
    const before = await api(emulator, token, '/accounts/me/settings');
    const patch = await api(emulator, token, '/accounts/me/settings', {
      method: 'PATCH',
      body: JSON.stringify({
        recording: { auto_recording: 'cloud', auto_delete_cmr: true, auto_delete_cmr_days: 90 },
        security: { sign_again_period_for_inactivity_on_web: 30 },
      }),
    });
    expect(patch.status).toBe(204);
    expect(patch.body).toBeNull();
    const after = await api(emulator, token, '/accounts/me/settings');
    expect(after.body.recording.auto_recording).toBe('cloud');
    expect(after.body.recording.auto_delete_cmr_days).toBe(90);
    // untouched siblings survive the merge
    expect(after.body.recording.cloud_recording).toBe(before.body.recording.cloud_recording);
    expect(after.body.recording.record_files_separately).toEqual(
      before.body.recording.record_files_separately,
    );
    expect(after.body.security.sign_again_period_for_inactivity_on_web).toBe(30);
    await emulator.control.flushWebhooks();
    const event = receiver.events('account.settings_updated').at(-1);
    expect(zoomSettingsUpdatedEventSchema.safeParse(event?.json).success).toBe(true);
    expect(event?.json.payload.operator).toBe('camille.martin@acme.example');
    expect(event?.json.payload.object.settings).toEqual({
      recording: { auto_recording: 'cloud', auto_delete_cmr: true, auto_delete_cmr_days: 90 },
      security: { sign_again_period_for_inactivity_on_web: 30 },
    });
    expect(event?.json.payload.old_object.settings.recording.auto_recording).toBe('none');
  });

  it('rejects invalid values and unknown fields with 400 code 300 and errors[] (30/60/90/120 rule)', async () => {
    const seven = await api(emulator, token, '/accounts/me/settings', {
      method: 'PATCH',
      body: JSON.stringify({
        recording: { auto_delete_cmr_days: 7, auto_recording: 'always' },
        made_up: { x: 1 },
      }),
    });
    expect(seven.status).toBe(400);
    expect(seven.body.code).toBe(300);
    expect(seven.body.message).toBe('Validation Failed.');
    expect(seven.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'made_up',
      'recording.auto_delete_cmr_days',
      'recording.auto_recording',
    ]);
    const wrongType = await api(emulator, token, '/accounts/me/settings', {
      method: 'PATCH',
      body: JSON.stringify({ recording: { cloud_recording: 'yes' } }),
    });
    expect(wrongType.body.errors[0].field).toBe('recording.cloud_recording');
    const notJson = await api(emulator, token, '/accounts/me/settings', { method: 'PATCH', body: '{nope' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.code).toBe(300);
    // nothing changed
    expect((await api(emulator, token, '/accounts/me/settings')).body.recording.auto_delete_cmr_days).toBe(
      90,
    );
    const badLock = await api(emulator, token, '/accounts/me/lock_settings', {
      method: 'PATCH',
      body: JSON.stringify({ recording: { auto_recording: 'cloud' } }),
    });
    expect(badLock.body.code).toBe(300);
  });

  it('resolves effective settings account ← group ← user, locks winning', async () => {
    const group = emulator.control.createGroup('Policy group', ['emma.dubois@acme.example']);
    emulator.control.updateAccountSettings({
      recording: { auto_recording: 'none', record_speaker_view: false },
    });
    // a group value beats the account's when the account does not lock it
    await api(emulator, token, `/groups/${group.id}/settings`, {
      method: 'PATCH',
      body: JSON.stringify({ recording: { auto_recording: 'cloud' } }),
    });
    const emma = await api(emulator, token, '/users/emma.dubois@acme.example/settings');
    expect(emma.body.recording.auto_recording).toBe('cloud');
    const hugo = await api(emulator, token, '/users/hugo.thomas@acme.example/settings');
    expect(hugo.body.recording.auto_recording).toBe('none');
    // a user value beats the group's unless the group locks it
    await api(emulator, token, '/users/emma.dubois@acme.example/settings', {
      method: 'PATCH',
      body: JSON.stringify({ recording: { auto_recording: 'local' } }),
    });
    expect(
      (await api(emulator, token, '/users/emma.dubois@acme.example/settings')).body.recording.auto_recording,
    ).toBe('local');
    const lock = await api(emulator, token, `/groups/${group.id}/lock_settings`, {
      method: 'PATCH',
      body: JSON.stringify({ recording: { auto_recording: true } }),
    });
    expect(lock.status).toBe(204);
    expect(
      (await api(emulator, token, '/users/emma.dubois@acme.example/settings')).body.recording.auto_recording,
    ).toBe('cloud');
    // a locked account value beats the group's
    await api(emulator, token, '/accounts/me/lock_settings', {
      method: 'PATCH',
      body: JSON.stringify({ recording: { auto_recording: true } }),
    });
    expect(
      (await api(emulator, token, '/users/emma.dubois@acme.example/settings')).body.recording.auto_recording,
    ).toBe('none');
    expect((await api(emulator, token, `/groups/${group.id}/settings`)).body.recording.auto_recording).toBe(
      'none',
    );
    const groupLocks = await api(emulator, token, `/groups/${group.id}/lock_settings`);
    expect(groupLocks.body.recording.auto_recording).toBe(true);
    await emulator.control.flushWebhooks();
    const lockEvent = receiver.events('account.lock_settings_updated').at(-1);
    expect(lockEvent?.json.payload.object.settings).toEqual({ recording: { auto_recording: true } });
    // the auto-delete lock also covers the days
    await api(emulator, token, '/accounts/me/lock_settings', {
      method: 'PATCH',
      body: JSON.stringify({ recording: { auto_delete_cmr: true } }),
    });
    await api(emulator, token, '/users/hugo.thomas@acme.example/settings', {
      method: 'PATCH',
      body: JSON.stringify({ recording: { auto_delete_cmr_days: 30 } }),
    });
    expect(
      (await api(emulator, token, '/users/hugo.thomas@acme.example/settings')).body.recording
        .auto_delete_cmr_days,
    ).toBe(90);
  });

  it('group and user settings have only their level’s fields', async () => {
    const group = emulator.control.createGroup('Level check');
    const groupPatch = await api(emulator, token, `/groups/${group.id}/settings`, {
      method: 'PATCH',
      body: JSON.stringify({ recording: { auto_delete_cmr_days: 60 } }),
    });
    expect(groupPatch.status).toBe(400);
    const userSettings = await api(emulator, token, '/users/me/settings');
    expect(userSettings.body).not.toHaveProperty('security');
    expect(userSettings.body.recording).toHaveProperty('host_pause_stop_recording');
  });
});
