import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input } from 'mediabunny';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CallDetail, CallList, SharedCall } from '../contract/index.ts';
import type { TestClient } from '../test-support/app.ts';
import { acmePerson, startEmptyAccountBed, type ZoomTestBed } from '../test-support/zoom.ts';

// Highlights, comments, sharing and the team view, as people use them: a member adds notes to their
// call, shares it with a colleague or by public link, revokes it; a manager sees their team's calls.

let bed: ZoomTestBed;
let emma: TestClient;
let hugo: TestClient;
let lea: TestClient;
let emmaCall: string;
let hugoCall: string;

const emmaEmail = 'emma.dubois@acme.example';
const hugoEmail = 'hugo.thomas@acme.example';

async function topics(client: TestClient): Promise<string[]> {
  const list: CallList = (await client.request('GET', '/api/calls?sort=oldest')).json();
  return list.calls.map((call) => call.topic);
}

beforeAll(async () => {
  // BACKFILL_DAYS at its default, on a Zoom account with no past recordings: each linked user's first
  // import runs and brings nothing, so the lists below hold exactly the calls recorded here.
  bed = await startEmptyAccountBed({
    zoomUsers: ['Emma Dubois', 'Hugo Thomas', 'Léa Robert'].map(acmePerson),
    addUsers: async (bed) => {
      emma = await bed.app.createUserClient(bed.organizationId, 'member', emmaEmail);
      hugo = await bed.app.createUserClient(bed.organizationId, 'member', hugoEmail);
      lea = await bed.app.createUserClient(bed.organizationId, 'manager', 'lea.robert@acme.example');
    },
  });
  await bed.recordMeeting({
    hostEmail: emmaEmail,
    topic: 'Appel Globex',
    transcript: [
      { speaker: 'Emma Dubois', text: 'Voici notre offre annuelle.', startMs: 0, endMs: 5000 },
      {
        speaker: 'Paul Girard',
        text: 'Le budget est validé par la direction.',
        startMs: 5000,
        endMs: 10_000,
      },
      { speaker: 'Emma Dubois', text: 'Parfait, je prépare le contrat.', startMs: 10_000, endMs: 15_000 },
    ],
  });
  await bed.recordMeeting({ hostEmail: hugoEmail, topic: 'Hugo call' });
  await vi.waitFor(async () => expect(await topics(bed.admin)).toHaveLength(2), {
    timeout: 60_000,
    interval: 200,
  });
  const list: CallList = (await bed.admin.request('GET', '/api/calls?sort=oldest')).json();
  emmaCall = list.calls.find((call) => call.topic === 'Appel Globex')!.id;
  hugoCall = list.calls.find((call) => call.topic === 'Hugo call')!.id;
});
afterAll(() => bed?.stop());

/** What a media file holds, read back with mediabunny: its duration and each track's first and last time. */
async function describeMedia(bytes: Buffer) {
  const input = new Input({ formats: ALL_FORMATS, source: new BufferSource(bytes) });
  const tracks: Array<{ type: string; from: number; to: number; packets: number }> = [];
  for (const track of await input.getTracks()) {
    let from = Number.POSITIVE_INFINITY;
    let to = 0;
    let packets = 0;
    for await (const packet of new EncodedPacketSink(track).packets()) {
      from = Math.min(from, packet.timestamp);
      to = Math.max(to, packet.timestamp + packet.duration);
      packets++;
    }
    tracks.push({ type: track.type, from, to, packets });
  }
  return { duration: await input.computeDuration(), tracks };
}

async function auditActions(): Promise<string[]> {
  const { rows } = await bed.app.database.executeSql(
    'SELECT action FROM audit_log WHERE organization_id = $1 ORDER BY created_at',
    [bed.organizationId],
  );
  return rows.map((row) => row.action as string);
}

describe('highlights and comments', () => {
  it('are added by whoever sees the call, listed on it, searchable, and audited', async () => {
    const highlight = await emma.request('POST', `/api/calls/${emmaCall}/highlights`, {
      title: 'Budget validé',
      startMs: 5000,
      endMs: 10_000,
    });
    expect(highlight.statusCode, highlight.body).toBe(201);
    const comment = await bed.admin.request('POST', `/api/calls/${emmaCall}/comments`, {
      atMs: 11_000,
      body: 'Relancer pour la signature du contrat',
    });
    expect(comment.statusCode, comment.body).toBe(201);
    // Hugo cannot see Emma's call: neither can he annotate it.
    expect(
      (await hugo.request('POST', `/api/calls/${emmaCall}/comments`, { atMs: 0, body: 'x' })).statusCode,
    ).toBe(404);

    const detail: CallDetail = (await emma.request('GET', `/api/calls/${emmaCall}`)).json();
    expect(detail.highlights).toMatchObject([{ title: 'Budget validé', startMs: 5000, endMs: 10_000 }]);
    expect(detail.comments).toMatchObject([
      { atMs: 11_000, body: 'Relancer pour la signature du contrat', author: 'Admin' },
    ]);

    const found: CallList = (await emma.request('GET', '/api/calls?q=relance')).json();
    expect(found.calls[0]?.search?.matches).toMatchObject([{ kind: 'comment', atMs: 11_000 }]);
    const byTitle: CallList = (await emma.request('GET', '/api/calls?q=valide')).json();
    expect(byTitle.calls[0]?.search?.matches.map((match) => match.kind)).toEqual(['transcript', 'highlight']);
    expect(await auditActions()).toEqual(
      expect.arrayContaining(['call.highlight_added', 'call.comment_added']),
    );
  });

  it('refuses an empty, reversed or hostile note with a 400', async () => {
    for (const body of [
      { title: '', startMs: 0, endMs: 1000 },
      { title: 'x', startMs: 5000, endMs: 1000 },
      { title: 'nul\u0000', startMs: 0, endMs: 1000 },
      { title: 'x', startMs: -1, endMs: 1000 },
    ]) {
      expect((await emma.request('POST', `/api/calls/${emmaCall}/highlights`, body)).statusCode).toBe(400);
    }
  });
});

describe('sharing', () => {
  it('shares a call with a colleague, who then sees it, until it is revoked', async () => {
    expect(await topics(hugo)).toEqual(['Hugo call']);
    const shared = await emma.request('POST', `/api/calls/${emmaCall}/shares`, {
      kind: 'user',
      userId: hugo.userId,
    });
    expect(shared.statusCode, shared.body).toBe(201);
    expect(await topics(hugo)).toEqual(['Appel Globex', 'Hugo call']);
    expect((await hugo.request('GET', `/api/calls/${emmaCall}`)).statusCode).toBe(200);
    expect(await auditActions()).toEqual(expect.arrayContaining(['call.shared', 'call.viewed']));

    const revoked = await emma.request('DELETE', `/api/calls/${emmaCall}/shares/${shared.json().id}`);
    expect(revoked.statusCode).toBe(204);
    expect(await topics(hugo)).toEqual(['Hugo call']);
    expect((await hugo.request('GET', `/api/calls/${emmaCall}`)).statusCode).toBe(404);
  });

  it('opens a public link without sign-in (that call only), and refuses it once revoked, expired or turned off', async () => {
    const created = await emma.request('POST', `/api/calls/${emmaCall}/shares`, {
      kind: 'public',
      expiresInDays: 7,
    });
    expect(created.statusCode, created.body).toBe(201);
    const token = (created.json().url as string).replace('/s/', '');
    const opened = await bed.app.anonymous.request('GET', `/api/shared/${token}`);
    expect(opened.statusCode, opened.body).toBe(200);
    const call: SharedCall = opened.json();
    expect(call.topic).toBe('Appel Globex');
    expect(call.transcript).toHaveLength(3);
    const video = call.media.find((media) => media.kind === 'video')!;
    const media = await bed.app.anonymous.request('GET', video.url, undefined, { range: 'bytes=0-9' });
    expect(media.statusCode).toBe(206);
    // The token opens this call's files only: another call's file id is not found.
    const other: CallDetail = (await bed.admin.request('GET', `/api/calls/${hugoCall}`)).json();
    const foreign = await bed.app.anonymous.request(
      'GET',
      `/api/shared/${token}/media/${other.media[0]!.fileId}`,
    );
    expect(foreign.statusCode).toBe(404);
    expect(await auditActions()).toEqual(expect.arrayContaining(['call.share_viewed']));

    // An admin turns public links off: the link stops; on again, it works again.
    expect(
      (await bed.admin.request('PUT', '/api/settings/sharing', { allowPublicLinks: false })).statusCode,
    ).toBe(200);
    expect((await bed.app.anonymous.request('GET', `/api/shared/${token}`)).statusCode).toBe(404);
    const refused = await emma.request('POST', `/api/calls/${emmaCall}/shares`, { kind: 'public' });
    expect(refused.statusCode).toBe(403);
    expect((await emma.request('GET', `/api/calls/${emmaCall}`)).json().canSharePublicly).toBe(false);
    await bed.admin.request('PUT', '/api/settings/sharing', { allowPublicLinks: true });
    expect((await bed.app.anonymous.request('GET', `/api/shared/${token}`)).statusCode).toBe(200);

    await emma.request('DELETE', `/api/calls/${emmaCall}/shares/${created.json().id}`);
    expect((await bed.app.anonymous.request('GET', `/api/shared/${token}`)).statusCode).toBe(404);
    expect((await bed.app.anonymous.request('GET', video.url)).statusCode).toBe(404);
    expect(await auditActions()).toEqual(
      expect.arrayContaining(['call.share_revoked', 'organization.public_links_changed']),
    );
  });

  it('shares a highlight: its own lines and its own clip, nothing of the call outside it; an expired link is refused', async () => {
    const detail: CallDetail = (await emma.request('GET', `/api/calls/${emmaCall}`)).json();
    const created = await emma.request('POST', `/api/calls/${emmaCall}/shares`, {
      kind: 'public',
      highlightId: detail.highlights[0]!.id,
      expiresInDays: 1,
    });
    const token = (created.json().url as string).replace('/s/', '');
    const call: SharedCall = (await bed.app.anonymous.request('GET', `/api/shared/${token}`)).json();
    expect(call.highlight).toEqual({ title: 'Budget validé', startMs: 5000, endMs: 10_000 });
    expect(call.transcript.map((line) => line.text)).toEqual(['Le budget est validé par la direction.']);
    // The sample video's key frames are at 0, 10 and 20 s: none inside 5–10 s, so both clips (of the
    // M4A and of the MP4) are audio only, and the VTT of the whole call is not offered.
    expect(call.media.map((media) => media.kind)).toEqual(['audio', 'audio']);
    const callSizes = detail.media
      .filter((media) => ['audio', 'video'].includes(media.kind))
      .map((m) => m.size);

    for (const media of call.media) {
      const whole = await bed.app.anonymous.request('GET', media.url);
      expect(whole.statusCode).toBe(200);
      const clip = whole.rawPayload;
      expect(Number(whole.headers['content-length'])).toBe(clip.length);
      expect(callSizes).not.toContain(clip.length);
      const described = await describeMedia(clip);
      // The highlight's 5 s (audio packets are 21 ms long), not the call's 20.8 s.
      expect(described.duration).toBeGreaterThan(4.9);
      expect(described.duration).toBeLessThanOrEqual(5.01);
      expect(described.tracks).toEqual([expect.objectContaining({ type: 'audio' })]);
      expect(described.tracks[0]!.packets).toBeLessThan(240);
      // A Range past the clip gets nothing: the call's bytes after the highlight are not behind it.
      const past = await bed.app.anonymous.request('GET', media.url, undefined, {
        range: `bytes=${clip.length}-${clip.length + 100_000}`,
      });
      expect(past.statusCode).toBe(416);
      expect(past.headers['content-range']).toBe(`bytes */${clip.length}`);
      const tail = await bed.app.anonymous.request('GET', media.url, undefined, { range: 'bytes=-100' });
      expect(tail.statusCode).toBe(206);
      expect(tail.rawPayload.equals(clip.subarray(clip.length - 100))).toBe(true);
    }
    // The call's own transcript file is not served through a highlight's link either.
    const vtt = detail.media.find((media) => media.kind === 'transcript')!;
    expect(
      (await bed.app.anonymous.request('GET', `/api/shared/${token}/media/${vtt.fileId}`)).statusCode,
    ).toBe(404);

    await bed.app.database.executeSql(
      "UPDATE call_shares SET expires_at = now() - interval '1 second' WHERE id = $1",
      [created.json().id],
    );
    const expired = await bed.app.anonymous.request('GET', `/api/shared/${token}`);
    expect(expired.statusCode).toBe(404);
    expect((await bed.app.anonymous.request('GET', call.media[0]!.url)).statusCode).toBe(404);
    expect((await bed.app.anonymous.request('GET', '/api/shared/not-a-token')).statusCode).toBe(400);
  });

  it('cuts a highlight with a key frame inside it: video from that key frame, audio over the whole range', async () => {
    const highlight = await emma.request('POST', `/api/calls/${emmaCall}/highlights`, {
      title: 'Le contrat',
      startMs: 8000,
      endMs: 13_000,
    });
    const created = await emma.request('POST', `/api/calls/${emmaCall}/shares`, {
      kind: 'public',
      highlightId: highlight.json().id,
    });
    const token = (created.json().url as string).replace('/s/', '');
    const call: SharedCall = (await bed.app.anonymous.request('GET', `/api/shared/${token}`)).json();
    expect(call.media.map((media) => media.kind)).toEqual(['audio', 'video']);
    const video = call.media.find((media) => media.kind === 'video')!;
    const opened = await bed.app.anonymous.request('GET', video.url);
    expect(opened.headers['content-type']).toBe('video/mp4');
    const described = await describeMedia(opened.rawPayload);
    expect(described.duration).toBeGreaterThan(4.9);
    expect(described.duration).toBeLessThanOrEqual(5.01);
    // The call's key frame at 10 s is the clip's first picture, 2 s in; audio starts at once.
    expect(described.tracks).toEqual([
      expect.objectContaining({ type: 'video', from: 2 }),
      expect.objectContaining({ type: 'audio', from: 0 }),
    ]);
    // Opened again (a second visitor), the stored clip is served, the same bytes.
    const again = await bed.app.anonymous.request('GET', video.url);
    expect(again.rawPayload.equals(opened.rawPayload)).toBe(true);
  });
});

describe('team view', () => {
  it('a manager sees the calls of their teams’ members; a member does not; admins manage teams', async () => {
    expect(await topics(lea)).toEqual([]);
    const team = (await bed.admin.request('POST', '/api/teams', { name: 'Ventes Paris' })).json();
    expect((await bed.admin.request('POST', '/api/teams', { name: 'ventes paris' })).statusCode).toBe(409);
    const members = await bed.admin.request('PUT', `/api/teams/${team.id}/members`, {
      userIds: [lea.userId, emma.userId],
    });
    expect(members.statusCode, members.body).toBe(200);
    expect(await topics(lea)).toEqual(['Appel Globex']);
    expect((await lea.request('GET', `/api/calls/${emmaCall}`)).statusCode).toBe(200);
    expect((await lea.request('GET', `/api/calls/${hugoCall}`)).statusCode).toBe(404);
    // Emma is in the same team but a member: she still sees only her own calls.
    expect(await topics(emma)).toEqual(['Appel Globex']);
    expect((await emma.request('GET', `/api/calls/${hugoCall}`)).statusCode).toBe(404);
    // A manager cannot manage teams.
    expect((await lea.request('GET', '/api/teams')).statusCode).toBe(403);

    await bed.admin.request('DELETE', `/api/teams/${team.id}`);
    expect(await topics(lea)).toEqual([]);
    expect(await auditActions()).toEqual(
      expect.arrayContaining(['team.created', 'team.members_changed', 'team.deleted']),
    );
  });
});
