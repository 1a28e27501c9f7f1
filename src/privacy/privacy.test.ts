import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acmePerson, startGuideBed, type ZoomTestBed } from '../test-support/zoom.ts';
import { signWebhookBody } from '../zoom-emulator/index.ts';

let bed: ZoomTestBed;
const emma = 'emma.dubois@acme.example';
const hugo = 'hugo.thomas@acme.example';

type CallSummary = { id: string; topic: string; hasTranscript: boolean };
const listCalls = async () =>
  ((await bed.admin.request('GET', '/api/calls')).json() as { calls: CallSummary[] }).calls;
const sql = async (query: string, values: unknown[] = []) =>
  (await bed.app.database.executeSql(query, values)).rows;

/** The Zoom transcript and chat files stored for a call, as text. */
async function storedTranscriptAndChat(callId: string) {
  const files = await sql(
    `SELECT f.storage_key FROM recording_files f JOIN calls c ON c.recording_id = f.recording_id
     WHERE c.id = $1 AND f.file_type IN ('TRANSCRIPT', 'CHAT')`,
    [callId],
  );
  return Promise.all(files.map(async (file) => text(await bed.app.store.get(String(file.storage_key)))));
}

async function importMeeting(options: Parameters<ZoomTestBed['recordMeeting']>[0]) {
  await bed.recordMeeting(options);
  await expect
    .poll(async () => (await listCalls()).find((call) => call.topic === options.topic)?.hasTranscript, {
      timeout: 30_000,
    })
    .toBe(true);
  return (await listCalls()).find((call) => call.topic === options.topic)!;
}

/**
 * Hugo's call in which Emma, written `emmaLines.speaker` in Zoom's transcript, says one line and writes one
 * chat message among Hugo's.
 */
function importHugoCallWithEmma(topic: string, emmaLines: { speaker: string; says: string; writes: string }) {
  return importMeeting({
    hostEmail: hugo,
    topic,
    transcript: [
      { speaker: 'Hugo Thomas', text: 'Bonjour à tous.' },
      { speaker: emmaLines.speaker, text: emmaLines.says },
      { speaker: 'Hugo Thomas', text: 'Merci.' },
    ],
    chat: [
      { sender: 'Emma Dubois', text: emmaLines.writes },
      { sender: 'Hugo Thomas', text: 'Parfait' },
    ],
  });
}

/**
 * Only Hugo's two lines are left in the call, and only Hugo in its stored Zoom transcript and chat:
 * `emmaAs` (lower case) is nowhere in them. Returns the call's page.
 */
async function expectOnlyHugoLeftIn(callId: string, emmaAs: string) {
  const detail = (await bed.admin.request('GET', `/api/calls/${callId}`)).json();
  expect(detail.transcript.map((line: { speaker: string }) => line.speaker)).toEqual([
    'Hugo Thomas',
    'Hugo Thomas',
  ]);
  expect(JSON.stringify(detail).toLowerCase()).not.toContain(emmaAs);
  const stored = await storedTranscriptAndChat(callId);
  expect(stored).toHaveLength(2);
  for (const content of stored) {
    expect(content).toContain('Hugo Thomas');
    expect(content.toLowerCase()).not.toContain(emmaAs);
  }
  return detail;
}

beforeAll(async () => {
  bed = await startGuideBed(['Emma Dubois', 'Hugo Thomas'].map(acmePerson), {
    env: { SWEEP_INTERVAL_MINUTES: '60' },
  });
  bed.recordEverythingToCloud();
});
afterAll(() => bed?.stop());

describe('erasing a person by e-mail', () => {
  it('erases the calls they hosted, their lines in other calls, their links and their account, with an audit entry', async () => {
    // Their sandbox recordings arrive with their backfill (BACKFILL_DAYS at its default) first.
    await expect.poll(async () => (await listCalls()).length, { timeout: 60_000 }).toBe(4);
    const hosted = await importMeeting({ hostEmail: emma, topic: 'Démo Emma' });
    const other = await importHugoCallWithEmma('Revue Hugo', {
      speaker: 'Emma Dubois',
      says: 'Mon numéro perso est le 06 12 34 56 78.',
      writes: 'Je vous envoie le devis',
    });
    const [hostedRecording] = await sql(
      `SELECT r.id, r.meeting_id FROM recordings r JOIN calls c ON c.recording_id = r.id WHERE c.id = $1`,
      [hosted.id],
    );
    const hostedKeys = (
      await sql(`SELECT storage_key FROM recording_files WHERE recording_id = $1`, [hostedRecording!.id])
    ).map((row) => String(row.storage_key));
    expect(hostedKeys.length).toBeGreaterThan(2);

    // Earlier audit entries name people under other keys too (who connected Zoom, who created the
    // organisation): as if Emma had connected Zoom.
    await sql(
      `INSERT INTO audit_log (organization_id, action, details) VALUES ($1, 'zoom.connected', $2::jsonb)`,
      [bed.organizationId, JSON.stringify({ zoomAccountId: 'acct', zoomUser: emma })],
    );
    // Her backfilled sandbox calls are hers too; the others' calls she speaks in are redacted.
    const [counts] = await sql(
      `SELECT (SELECT count(*)::int FROM calls c JOIN users u ON u.id = c.host_user_id WHERE u.email = $1) AS hosted,
              (SELECT count(DISTINCT c.id)::int FROM calls c JOIN users u ON u.id = c.host_user_id
                 JOIN transcript_lines l ON l.call_id = c.id
                WHERE u.email <> $1 AND l.speaker = 'Emma Dubois') AS spoken`,
      [emma],
    );
    const response = await bed.admin.request('POST', '/api/privacy/erasures', {
      email: ' Emma.Dubois@ACME.example ',
    });
    expect(response.statusCode).toBe(200);
    expect(counts).toEqual({ hosted: 3, spoken: 1 });
    expect(response.json()).toMatchObject({
      namesMatched: expect.arrayContaining(['Emma Dubois']),
      callsErased: counts!.hosted,
      callsRedacted: counts!.spoken,
      transcriptLinesRemoved: 1,
      chatMessagesRemoved: 1,
      linksRemoved: 1,
      accountDeleted: true,
    });

    // The hosted call is gone, with its files; the recording stays only as a tombstone.
    expect((await listCalls()).map((call) => call.topic)).not.toContain('Démo Emma');
    expect((await bed.admin.request('GET', `/api/calls/${hosted.id}`)).statusCode).toBe(404);
    const [tombstone] = await sql(`SELECT status, topic, host_email FROM recordings WHERE id = $1`, [
      hostedRecording!.id,
    ]);
    expect(tombstone).toEqual({ status: 'erased', topic: '', host_email: null });
    expect(await sql(`SELECT 1 FROM recording_files WHERE recording_id = $1`, [hostedRecording!.id])).toEqual(
      [],
    );
    for (const key of hostedKeys) expect(await bed.app.store.stat(key)).toBeUndefined();

    // In Hugo's call, only Emma's words went: from the call and from the stored Zoom files.
    const detail = await expectOnlyHugoLeftIn(other.id, 'emma dubois');
    expect(JSON.stringify(detail)).not.toContain('06 12 34 56 78');

    // Her account, links and Zoom directory entry are gone; the audit log names her by hash only.
    expect(await sql(`SELECT 1 FROM users WHERE lower(email) = $1`, [emma])).toEqual([]);
    expect(await sql(`SELECT 1 FROM user_links WHERE lower(zoom_email) = $1`, [emma])).toEqual([]);
    expect(await sql(`SELECT 1 FROM zoom_users WHERE lower(email) = $1`, [emma])).toEqual([]);
    const audit = await sql(`SELECT action, details::text AS details FROM audit_log ORDER BY created_at`);
    expect(audit.some((entry) => String(entry.details).toLowerCase().includes(emma))).toBe(false);
    expect(audit.at(-1)).toMatchObject({ action: 'privacy.person_erased' });
    expect(JSON.parse(String(audit.at(-1)!.details))).toMatchObject({
      callsErased: counts!.hosted,
      accountDeleted: true,
    });

    // Zoom still has the recording: neither a new webhook nor a sweep brings it back. Zoom announces
    // the meeting again (recording.transcript_completed, which comes after recording.completed, signed):
    // Callport processes it and keeps the tombstone.
    const original = bed.emulator.control
      .webhookLog()
      .find((delivery) => delivery.event === 'recording.completed' && delivery.body.includes('Démo Emma'));
    const again = JSON.stringify({
      ...JSON.parse(original!.body),
      event: 'recording.transcript_completed',
      event_ts: Date.now(),
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const redelivered = await fetch(`${bed.callportUrl}/webhooks/zoom`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-zm-request-timestamp': String(timestamp),
        'x-zm-signature': signWebhookBody(bed.zoomApp.webhookSecretToken!, timestamp, again),
      },
      body: again,
    });
    expect(redelivered.status).toBe(200);
    await expect
      .poll(
        async () =>
          (
            await sql(
              `SELECT count(*)::int AS n FROM webhook_events
               WHERE event = 'recording.transcript_completed' AND processed_at IS NOT NULL AND event_ts = $1`,
              [JSON.parse(again).event_ts],
            )
          )[0]?.n,
        { timeout: 30_000 },
      )
      .toBe(1);
    const diagnosis = await bed.admin.request('POST', '/api/import/diagnose', {
      meeting: String(hostedRecording!.meeting_id),
    });
    expect(diagnosis.json()).toMatchObject({ verdict: 'erased', callId: null });
    // A sweep lists the erased recording again (it is still in Zoom): once it is over, nothing came back.
    await bed.sweepNow();
    expect((await listCalls()).map((call) => call.topic)).not.toContain('Démo Emma');
    const [after] = await sql(`SELECT status, topic FROM recordings WHERE id = $1`, [hostedRecording!.id]);
    expect(after).toEqual({ status: 'erased', topic: '' });
  });

  it('leaves an erased person out of a transcript and chat Zoom finishes afterwards', async () => {
    // Emma was erased by the test above; a meeting she spoke in is only now finished by Zoom.
    const later = await importHugoCallWithEmma('Suivi Hugo', {
      speaker: 'emma dubois',
      says: 'Mon adresse est 3 rue des Lilas.',
      writes: 'Voici mon mobile',
    });
    const detail = await expectOnlyHugoLeftIn(later.id, 'emma');
    expect(detail.participants).toEqual(['Hugo Thomas']);
    // Only hashes are kept to recognise her.
    const remembered = await sql(`SELECT row_to_json(e)::text AS row FROM erased_names e`);
    expect(remembered.length).toBeGreaterThan(0);
    expect(JSON.stringify(remembered).toLowerCase()).not.toContain('emma');
  });

  it('refuses to erase the admin asking, and checks the e-mail', async () => {
    const self = await bed.admin.request('POST', '/api/privacy/erasures', { email: bed.admin.email });
    expect(self.statusCode).toBe(409);
    const invalid = await bed.admin.request('POST', '/api/privacy/erasures', { email: 'not an e-mail' });
    expect(invalid.statusCode).toBe(400);
  });
});

describe('retention', () => {
  it('erases calls older than the retention period, keeps the others, and audits it', async () => {
    const old = await importMeeting({
      hostEmail: hugo,
      topic: 'Ancien appel',
      startTime: new Date(Date.now() - 40 * 86_400_000),
    });
    const recent = await importMeeting({ hostEmail: hugo, topic: 'Appel récent' });

    expect((await bed.admin.request('PUT', '/api/settings/privacy', { retentionDays: 0 })).statusCode).toBe(
      400,
    );
    const saved = await bed.admin.request('PUT', '/api/settings/privacy', { retentionDays: 30 });
    expect(saved.json()).toEqual({ retentionDays: 30 });
    expect((await bed.admin.request('GET', '/api/settings/privacy')).json()).toEqual({ retentionDays: 30 });

    await expect
      .poll(async () => (await listCalls()).map((call) => call.id), { timeout: 30_000 })
      .not.toContain(old.id);
    expect((await listCalls()).map((call) => call.id)).toContain(recent.id);
    const [entry] = await sql(`SELECT details FROM audit_log WHERE action = 'privacy.retention_applied'`);
    expect(entry!.details).toMatchObject({ erased: 1, retentionDays: 30 });

    expect((await bed.admin.request('PUT', '/api/settings/privacy', { retentionDays: null })).json()).toEqual(
      {
        retentionDays: null,
      },
    );
  });
});
