import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEmulatorCli } from './cli.ts';
import type { ZoomEmulator } from './index.ts';
import { api, type Json, startTestEmulator, testApp } from './test-helpers.ts';

describe('Admin API (/_emulator) and CLI control commands', () => {
  let emulator: ZoomEmulator;
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${emulator.url}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };

  beforeAll(async () => {
    emulator = await startTestEmulator({ scenario: 'empty' });
  });
  afterAll(() => emulator.close());

  it('reports state, creates users and groups, changes settings', async () => {
    const state = await admin('GET', '/state');
    expect(state.body.account.id).toBe('emulator-account');
    expect(state.body.apps[0].clientId).toBe(testApp.clientId);
    const user = await admin('POST', '/users', {
      email: 'rep@example.test',
      firstName: 'Rep',
      lastName: 'One',
    });
    expect(user.status).toBe(200);
    expect(user.body.email).toBe('rep@example.test');
    expect(
      (await admin('POST', '/users', { email: 'rep@example.test', firstName: 'Rep', lastName: 'One' }))
        .status,
    ).toBe(409);
    const group = await admin('POST', '/groups', { name: 'Sales', memberEmails: ['rep@example.test'] });
    expect(group.body.memberIds).toEqual([user.body.id]);
    const patched = await admin('PATCH', '/account/settings', { recording: { auto_recording: 'cloud' } });
    expect(patched.body.recording.auto_recording).toBe('cloud');
    const invalid = await admin('PATCH', '/account/settings', { recording: { auto_recording: 'always' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].field).toBe('recording.auto_recording');
    // The web portal (the admin API) accepts retention periods the REST API refuses.
    expect(
      (await admin('PATCH', '/account/settings', { recording: { auto_delete_cmr_days: 7 } })).body.recording
        .auto_delete_cmr_days,
    ).toBe(7);
    expect(
      (await admin('PATCH', '/account/settings', { recording: { auto_delete_cmr_days: 0 } })).status,
    ).toBe(400);
    expect((await admin('POST', `/users/${user.body.id}/deactivate`)).body.status).toBe('inactive');
  });

  it('simulates meetings and reports recordings with sizes and sha256', async () => {
    const meeting = await admin('POST', '/meetings', {
      hostEmail: 'owner@example.test',
      topic: 'Admin',
      durationMinutes: 5,
      synthetic: true,
      fileSizes: { mp4: 5000 },
      processingSeconds: 30,
    });
    expect(meeting.body.recorded).toBe(true);
    const before = await admin('GET', `/recordings/by-uuid?uuid=${encodeURIComponent(meeting.body.uuid)}`);
    expect(before.body.status).toBe('processing');
    const mp4 = before.body.files.find((f: Json) => f.fileType === 'MP4');
    expect(mp4.size).toBe(5000);
    expect(mp4.sha256).toMatch(/^[0-9a-f]{64}$/);
    const advanced = await admin('POST', '/clock/advance', { seconds: 30 });
    expect(advanced.body.now).toBe('2026-03-10T12:00:30.000Z');
    expect(
      (await admin('GET', `/recordings/by-uuid?uuid=${encodeURIComponent(meeting.body.uuid)}`)).body.status,
    ).toBe('completed');
    expect(
      (await admin('POST', `/recordings/by-uuid/trash?uuid=${encodeURIComponent(meeting.body.uuid)}`)).body,
    ).toEqual({ ok: true });
  });

  it('sets faults and webhooks, and reports requests with the token each used', async () => {
    const tokens = (await admin('POST', `/apps/${testApp.clientId}/install`, {})).body;
    await admin('PUT', '/faults', { errorRates: [{ endpoint: 'GET /v2/users', rate: 1, status: 502 }] });
    expect((await api(emulator, tokens.access_token, '/users')).status).toBe(502);
    await admin('DELETE', '/faults');
    expect((await api(emulator, tokens.access_token, '/users')).status).toBe(200);
    expect((await admin('PUT', '/webhooks', { duplicate: true })).body.duplicate).toBe(true);
    const counts = await admin('GET', '/requests/counts');
    expect(counts.body.byEndpoint['GET /v2/users']).toBe(2);
    expect(counts.body.byCategory.Medium).toBe(2);
    const log = await admin('GET', '/requests');
    expect(log.body.every((e: Json) => e.accessToken === tokens.access_token)).toBe(true);
    expect(log.body[0].fault).toBe('injected 502');
    const revoked = await admin('POST', `/apps/${testApp.clientId}/revoke-tokens`);
    expect(revoked.body.revoked).toBe(1);
    const issued = await admin('GET', '/tokens');
    expect(issued.body.find((t: Json) => t.token === tokens.access_token).revoked).toBe(true);
  });

  it('drives a running emulator from the CLI', async () => {
    const before = emulator.control.now().getTime();
    expect(await runEmulatorCli(['advance', '120', '--url', emulator.url])).toBe(0);
    expect(emulator.control.now().getTime() - before).toBe(120_000);
    expect(
      await runEmulatorCli([
        'faults',
        '{"slowResponses":[{"endpoint":"*","delayMs":1}]}',
        '--url',
        emulator.url,
      ]),
    ).toBe(0);
    expect(emulator.control.getFaults().slowResponses).toHaveLength(1);
    expect(await runEmulatorCli(['faults', 'reset', '--url', emulator.url])).toBe(0);
    expect(emulator.control.getFaults().slowResponses).toHaveLength(0);
    expect(await runEmulatorCli(['--scenario', 'nope'])).toBe(2);
  });
});
