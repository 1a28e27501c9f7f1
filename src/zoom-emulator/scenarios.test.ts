import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type ZoomEmulator } from './index.ts';
import { sandboxServerToServerApp, sandboxTrickyUuids } from './scenarios.ts';
import { startTestEmulator, startWebhookReceiver, testApp } from './test-helpers.ts';

describe('sandbox scenario', () => {
  let emulator: ZoomEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(() => emulator.close());

  it('is Acme SAS on a Business plan with the twelve people of the brief', () => {
    expect(emulator.control.account()).toMatchObject({
      id: 'acme-sandbox-account',
      name: 'Acme SAS',
      plan: 'business',
      ownerEmail: 'camille.martin@acme.example',
    });
    const users = emulator.control.listUsers();
    const summary = Object.fromEntries(users.map((u) => [u.email, `${u.role_name}/${u.type}/${u.status}`]));
    expect(summary).toEqual({
      'camille.martin@acme.example': 'Owner/2/active',
      'louis.bernard@acme.example': 'Admin/2/active',
      'emma.dubois@acme.example': 'Member/2/active',
      'hugo.thomas@acme.example': 'Member/2/active',
      'lea.robert@acme.example': 'Member/2/active',
      'Jules.Richard@Acme.example': 'Member/2/active',
      'chloe.petit@acme.example': 'Member/2/active',
      'nathan.durand@acme.example': 'Member/2/active',
      'manon.leroy@acme.example': 'Member/2/active',
      'theo.laurent@acme.example': 'Member/1/active',
      'lucas.moreau@acme.example': 'Member/2/inactive',
      'ines.simon@acme.example': 'Member/2/pending',
    });
    expect(users.find((u) => u.email === 'camille.martin@acme.example')?.role_id).toBe('0');
  });

  it('has a documented Server-to-Server app: an owner token by account_credentials, api_url = the emulator', async () => {
    const { clientId, clientSecret } = sandboxServerToServerApp;
    const response = await fetch(
      `${emulator.oauthUrl}/oauth/token?grant_type=account_credentials&account_id=acme-sandbox-account`,
      {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
      },
    );
    expect(response.status).toBe(200);
    const token = (await response.json()) as {
      access_token: string;
      api_url: string;
      refresh_token?: string;
    };
    expect(token.refresh_token).toBeUndefined();
    expect(token.api_url).toBe(emulator.url);
    const me = await fetch(`${token.api_url}/v2/users/me`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    expect(((await me.json()) as { email: string }).email).toBe('camille.martin@acme.example');
    expect(emulator.control.listApps().map((app) => app.clientId)).toContain(clientId);
  });

  it('has weeks of recordings across Emma, Hugo, Camille and Nathan, one still processing', async () => {
    const meetings = emulator.control.listMeetings();
    const recorded = meetings.filter((m) => m.recorded);
    const hosts = new Set(recorded.map((m) => emulator.control.getUser(m.hostId).email));
    expect(hosts).toEqual(
      new Set([
        'emma.dubois@acme.example',
        'hugo.thomas@acme.example',
        'camille.martin@acme.example',
        'nathan.durand@acme.example',
      ]),
    );
    expect(meetings.some((m) => !m.recorded)).toBe(true);
    const statuses = await Promise.all(
      recorded.map(async (m) => (await emulator.control.getRecording(m.uuid))?.status),
    );
    expect(statuses.filter((s) => s === 'processing')).toHaveLength(1);
    const oldest = Math.min(...recorded.map((m) => Date.parse(m.startTime)));
    expect(emulator.control.now().getTime() - oldest).toBeGreaterThan(14 * 86_400_000);
    expect(meetings.map((m) => m.uuid)).toEqual(expect.arrayContaining(Object.values(sandboxTrickyUuids)));
  });

  it('names the host in the sample transcript, which matches the speech', async () => {
    const demo = await emulator.control.getRecording(sandboxTrickyUuids.slashAndPlus);
    const transcript = demo?.files.find((f) => f.fileType === 'TRANSCRIPT');
    expect(transcript?.visible).toBe(true);
    const redirect = await fetch(
      `${transcript?.downloadUrl}?access_token=${emulator.control.installApp(testApp.clientId).access_token}`,
      { redirect: 'manual' },
    );
    const vtt = await (await fetch(redirect.headers.get('location') as string)).text();
    expect(vtt).toContain('Emma Dubois: Hello Paul, thanks for joining.');
    expect(vtt).toContain('Paul Girard: Yes, happy to.');
  });

  it('has calls whose transcripts differ, in French and in English', async () => {
    const token = emulator.control.installApp(testApp.clientId).access_token;
    const transcripts = new Map<string, string>();
    for (const meeting of emulator.control.listMeetings()) {
      const file = (await emulator.control.getRecording(meeting.uuid))?.files.find(
        (f) => f.fileType === 'TRANSCRIPT' && f.visible,
      );
      if (!file) continue;
      const redirect = await fetch(`${file.downloadUrl}?access_token=${token}`, { redirect: 'manual' });
      transcripts.set(
        `${meeting.topic} ${meeting.uuid}`,
        await (await fetch(redirect.headers.get('location') as string)).text(),
      );
    }
    const text = [...transcripts.values()].join('\n');
    expect(text).toContain('Paul Girard: Oui. Nous avons une équipe commerciale');
    expect(text).toContain('Peter Gibbons: Yes, since the update');
    expect(new Set(transcripts.values()).size).toBe(transcripts.size);
    expect(transcripts.size).toBeGreaterThanOrEqual(5);
  });
});

describe('real-time clock (the sandbox’s default)', () => {
  it('completes recordings and delivers webhooks as real time passes', async () => {
    const receiver = await startWebhookReceiver(testApp.webhookSecretToken);
    const emulator = await startEmulator({
      port: 0,
      scenario: 'empty',
      apps: [{ ...testApp, webhookUrl: receiver.url }],
    });
    try {
      emulator.control.installApp(testApp.clientId);
      const result = emulator.control.simulateMeeting({
        hostEmail: 'owner@example.test',
        topic: 'Live',
        durationMinutes: 1,
        cloudRecordingManual: true,
        processingSeconds: 1,
        transcript: [],
      });
      const deadline = Date.now() + 5000;
      while (receiver.events('recording.completed').length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(receiver.events('recording.completed')[0]?.json.payload.object.uuid).toBe(result.uuid);
    } finally {
      await emulator.close();
      await receiver.close();
    }
  });
});
