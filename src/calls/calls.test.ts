import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CallDetail, CallList } from '../contract/index.ts';
import type { TestClient } from '../test-support/app.ts';
import {
  acmePerson,
  recordSummarisedMeeting,
  startEmptyAccountBed,
  type ZoomTestBed,
} from '../test-support/zoom.ts';

let bed: ZoomTestBed;
let emma: TestClient;
const emmaEmail = 'emma.dubois@acme.example';
const hugoEmail = 'hugo.thomas@acme.example';

const frenchCall = [
  { speaker: 'Emma Dubois', text: 'Bonjour Paul, merci de prendre le temps.', startMs: 0, endMs: 4000 },
  {
    speaker: 'Paul Girard',
    text: 'Avec plaisir. Parlons de la négociation du contrat.',
    startMs: 4000,
    endMs: 9000,
  },
  {
    speaker: 'Emma Dubois',
    text: 'Les tarifs baissent si vous signez avant mars.',
    startMs: 9000,
    endMs: 15_000,
  },
  {
    speaker: 'Emma Dubois',
    text: 'Et le déploiement commence dès la signature.',
    startMs: 15_000,
    endMs: 40_000,
  },
  { speaker: 'Paul Girard', text: 'Très bien, envoyez-moi la proposition.', startMs: 40_000, endMs: 45_000 },
];
const englishCall = [
  {
    speaker: 'Hugo Thomas',
    text: 'Thanks for joining, let us talk about the renewal.',
    startMs: 0,
    endMs: 5000,
  },
  {
    speaker: 'Sam Carter',
    text: 'We are negotiating budgets with finance this quarter.',
    startMs: 5000,
    endMs: 12_000,
  },
  {
    speaker: 'Hugo Thomas',
    text: 'Understood. The pricing stays the same until June.',
    startMs: 12_000,
    endMs: 18_000,
  },
];

async function search(client: TestClient, query: string): Promise<CallList> {
  const response = await client.request('GET', `/api/calls?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}
const marked = (text: CallList['calls'][number]['search'] & object) =>
  text.matches.map((match) =>
    match.text.map((part) => (part.isMatch ? `[${part.text}]` : part.text)).join(''),
  );

beforeAll(async () => {
  // BACKFILL_DAYS at its default: each linked user's first import runs, on a Zoom account with no past
  // recordings, so the searches below count exactly the calls this file records.
  bed = await startEmptyAccountBed({
    // Jules Richard: a member of the Zoom account with no Callport user (Zoom gives his e-mail in
    // participant lists).
    zoomUsers: ['Emma Dubois', 'Hugo Thomas', 'Jules Richard'].map(acmePerson),
    addUsers: async (bed) => {
      emma = await bed.app.createUserClient(bed.organizationId, 'member', emmaEmail);
      await bed.admin.request('POST', '/api/users', { email: hugoEmail, name: 'Hugo Thomas' });
    },
  });
  await bed.recordMeeting({
    hostEmail: emmaEmail,
    topic: 'Négociation Globex',
    participants: [{ name: 'Paul Girard', email: 'paul.girard@globex.example' }],
    transcript: frenchCall,
    chat: [{ sender: 'Paul Girard', text: 'Voici le bon de commande signé', atSecond: 42 }],
  });
  // Hugo has AI Companion's summaries on: Zoom wrote one, a while after this meeting ended.
  await recordSummarisedMeeting(
    bed,
    hugoEmail,
    'Renewal: Initech',
    {
      title: 'Meeting summary for Renewal: Initech',
      overview: 'Hugo and Sam discussed the renewal.',
      details: [{ label: 'Pricing', summary: 'The pricing stays the same until June.' }],
      nextSteps: ['Sam confirms the budget with finance.'],
    },
    { transcript: englishCall },
  );
  await bed.recordMeeting({
    hostEmail: hugoEmail,
    topic: 'Point interne',
    transcript: [
      {
        speaker: 'Hugo Thomas',
        text: 'On fait le point sur le pipeline commercial.',
        startMs: 0,
        endMs: 6000,
      },
      {
        speaker: 'Emma Dubois',
        text: 'Deux contrats seront signés cette semaine.',
        startMs: 6000,
        endMs: 9000,
      },
    ],
  });
  await vi.waitFor(async () => expect((await search(bed.admin, 'hasTranscript=true')).total).toBe(3), {
    timeout: 60_000,
    interval: 200,
  });
});
afterAll(() => bed?.stop());

describe('search inside calls', () => {
  it('finds a word said in a French call typed without its accent, stemmed, and marks it', async () => {
    const result = await search(bed.admin, 'q=negociations');
    expect(result.calls.map((call) => call.topic)).toEqual(['Négociation Globex']);
    const found = result.calls[0]!;
    expect(found.language).toBe('fr');
    expect(found.search?.topic).toEqual([
      { text: 'Négociation', isMatch: true },
      { text: ' Globex', isMatch: false },
    ]);
    expect(found.search?.matches[0]).toMatchObject({
      kind: 'transcript',
      atMs: 4000,
      speaker: 'Paul Girard',
    });
    expect(marked(found.search!)).toEqual(['Avec plaisir. Parlons de la [négociation] du contrat.']);
  });

  it('stems per the call’s language: English words in the English call, French in the French ones', async () => {
    expect((await search(bed.admin, 'q=negotiate')).calls.map((call) => call.topic)).toEqual([
      'Renewal: Initech',
    ]);
    expect((await search(bed.admin, 'q=PRICING')).calls.map((call) => call.topic)).toEqual([
      'Renewal: Initech',
    ]);
    // "signer", "signez", "signés": one French stem.
    const signed = await search(bed.admin, 'q=signer&sort=oldest');
    expect(signed.calls.map((call) => call.topic)).toEqual(['Négociation Globex', 'Point interne']);
  });

  it('searches the chat (opening at the message), topics and participant names', async () => {
    const order = await search(bed.admin, 'q=commande');
    expect(order.calls).toHaveLength(1);
    expect(order.calls[0]!.search?.matches).toMatchObject([
      { kind: 'chat', atMs: 42_000, speaker: 'Paul Girard' },
    ]);
    expect((await search(bed.admin, 'q=initech')).calls.map((call) => call.topic)).toEqual([
      'Renewal: Initech',
    ]);
    expect((await search(bed.admin, 'q=Carter')).calls.map((call) => call.topic)).toEqual([
      'Renewal: Initech',
    ]);
  });

  it('keeps to the calls the asker may see: a member finds only their own', async () => {
    expect((await search(emma, 'q=contrat')).calls.map((call) => call.topic)).toEqual(['Négociation Globex']);
    expect((await search(bed.admin, 'q=contrat')).total).toBe(2);
  });

  it('filters by participants from outside the organisation, duration and transcript; sorts and pages', async () => {
    const external = await search(bed.admin, 'participants=external&sort=oldest');
    // The Initech renewal took place two hours before the others.
    expect(external.calls.map((call) => call.topic)).toEqual(['Renewal: Initech', 'Négociation Globex']);
    expect((await search(bed.admin, 'participants=internal')).calls.map((call) => call.topic)).toEqual([
      'Point interne',
    ]);
    expect((await search(bed.admin, 'hasTranscript=false')).total).toBe(0);
    expect((await search(bed.admin, 'minMinutes=100000')).total).toBe(0);

    const firstPage = await search(bed.admin, 'limit=2&sort=newest');
    expect(firstPage.calls).toHaveLength(2);
    expect(firstPage.total).toBe(3);
    const secondPage = await search(bed.admin, `limit=2&sort=newest&cursor=${firstPage.nextCursor}`);
    expect(secondPage.nextCursor).toBeNull();
    const all = await search(bed.admin, 'limit=50&sort=newest');
    expect([...firstPage.calls, ...secondPage.calls].map((call) => call.id)).toEqual(
      all.calls.map((c) => c.id),
    );
    const longest = await search(bed.admin, 'limit=1&sort=longest');
    const next = await search(bed.admin, `limit=5&sort=longest&cursor=${longest.nextCursor}`);
    expect(next.calls).toHaveLength(2);
  });

  it('refuses a forged cursor and hostile text with a 400, never a 5xx', async () => {
    for (const query of ['cursor=bm9wZQ', 'q=%00', 'q=%ED%A0%80', 'q=%22%22%22%20%7C%20!', 'sort=random']) {
      const response = await bed.admin.request('GET', `/api/calls?${query}`);
      expect([200, 400], `${query}: ${response.body}`).toContain(response.statusCode);
    }
    expect((await bed.admin.request('GET', '/api/calls?cursor=bm9wZQ')).statusCode).toBe(400);
    expect((await bed.admin.request('GET', '/api/calls?q=%00')).statusCode).toBe(400);
  });
});

describe('call page', () => {
  it('shows Zoom’s own summary and next steps when Zoom wrote them, nothing when it did not', async () => {
    const [renewal] = (await search(bed.admin, 'q=initech')).calls;
    const detail: CallDetail = (await bed.admin.request('GET', `/api/calls/${renewal!.id}`)).json();
    expect(detail.zoomSummary).toEqual({
      title: 'Meeting summary for Renewal: Initech',
      overview: 'Hugo and Sam discussed the renewal.',
      details: [{ label: 'Pricing', summary: 'The pricing stays the same until June.' }],
      nextSteps: ['Sam confirms the budget with finance.'],
      content: '',
      isEdited: false,
      docUrl: null,
    });
    const [globex] = (await search(bed.admin, 'q=globex')).calls;
    const other: CallDetail = (await bed.admin.request('GET', `/api/calls/${globex!.id}`)).json();
    expect(other.zoomSummary).toBeNull();
  });

  it('shows the host’s edits of Zoom’s summary, and its Markdown text when Zoom sent only that', async () => {
    await recordSummarisedMeeting(bed, hugoEmail, 'Suivi Hooli', {
      title: 'Résumé de la réunion Suivi Hooli',
      overview: 'Hugo et Sam ont parlé du contrat.',
      details: [{ label: 'Contrat', summary: 'Signature prévue en avril.' }],
      nextSteps: ['Hugo envoie le contrat.'],
      // The host rewrote the topics and next steps in Zoom; the overview is left as written.
      edited: {
        details: 'Signature prévue en mai, après le comité.',
        nextSteps: ['Sam relit le contrat.'],
      },
      docUrl: 'https://docs.zoom.us/doc/hooli-summary',
    });
    // A newer summary: the legacy fields empty, the whole summary in `summary_content`.
    await recordSummarisedMeeting(bed, hugoEmail, 'Suivi Pied Piper', {
      title: 'Résumé de la réunion Suivi Pied Piper',
      overview: '',
      details: [],
      nextSteps: [],
      content: '## Récapitulatif\nLe pilote démarre lundi.\n\n## Prochaines étapes\n- Envoyer le planning',
    });
    const detailOf = async (q: string): Promise<CallDetail> => {
      let id = '';
      await vi.waitFor(
        async () => {
          const [found] = (await search(bed.admin, `q=${q}`)).calls;
          expect(found).toBeDefined();
          id = found!.id;
        },
        { timeout: 60_000, interval: 200 },
      );
      return (await bed.admin.request('GET', `/api/calls/${id}`)).json();
    };
    expect((await detailOf('hooli')).zoomSummary).toEqual({
      title: 'Résumé de la réunion Suivi Hooli',
      overview: 'Hugo et Sam ont parlé du contrat.',
      details: [{ label: '', summary: 'Signature prévue en mai, après le comité.' }],
      nextSteps: ['Sam relit le contrat.'],
      content: '',
      isEdited: true,
      docUrl: 'https://docs.zoom.us/doc/hooli-summary',
    });
    expect((await detailOf('piper')).zoomSummary).toEqual({
      title: 'Résumé de la réunion Suivi Pied Piper',
      overview: '',
      details: [],
      nextSteps: [],
      content: '## Récapitulatif\nLe pilote démarre lundi.\n\n## Prochaines étapes\n- Envoyer le planning',
      isEdited: false,
      docUrl: null,
    });
  });

  it('measures talk-time and the longest monologue, and marks who is internal', async () => {
    const [found] = (await search(bed.admin, 'q=globex')).calls;
    const detail: CallDetail = (await bed.admin.request('GET', `/api/calls/${found!.id}`)).json();
    expect(detail.talkTime.map((entry) => [entry.speaker, entry.talkMs])).toEqual([
      ['Emma Dubois', 35_000],
      ['Paul Girard', 10_000],
    ]);
    expect(detail.talkTime[0]!.share).toBeCloseTo(35 / 45);
    expect(detail.longestMonologue).toEqual({ speaker: 'Emma Dubois', startMs: 9000, endMs: 40_000 });
    const inCall = await bed.admin.request('GET', `/api/calls/${found!.id}/transcript/search?q=SIGNER`);
    expect(inCall.json()).toEqual({ lines: [2] });
    expect(detail.people).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Emma Dubois', isInternal: true }),
        { name: 'Paul Girard', isInternal: false, decidedBy: 'name' },
      ]),
    );
  });

  it('decides internal or external by the e-mail Zoom gave for a participant, by name without one', async () => {
    // "J. Richard" matches no colleague's name, but Zoom's participants call gives his e-mail (a member of
    // the Zoom account, in the company's domain); Paul, outside the account, gets no e-mail from Zoom.
    await bed.recordMeeting({
      hostEmail: hugoEmail,
      topic: 'Point Umbrella',
      participants: [
        { name: 'J. Richard', email: 'Jules.Richard@Acme.example' },
        { name: 'Paul Girard', email: 'paul.girard@globex.example' },
      ],
      transcript: [
        { speaker: 'J. Richard', text: 'Le contrat Umbrella avance.', startMs: 0, endMs: 4000 },
        { speaker: 'Paul Girard', text: 'Nous signons bientôt.', startMs: 4000, endMs: 8000 },
      ],
    });
    await vi.waitFor(
      async () => {
        const [found] = (await search(bed.admin, 'q=umbrella')).calls;
        expect(found).toBeDefined();
        const detail: CallDetail = (await bed.admin.request('GET', `/api/calls/${found!.id}`)).json();
        expect(detail.people).toEqual(
          expect.arrayContaining([
            { name: 'J. Richard', isInternal: true, decidedBy: 'email' },
            { name: 'Paul Girard', isInternal: false, decidedBy: 'name' },
          ]),
        );
      },
      { timeout: 30_000, interval: 200 },
    );
  });
});
