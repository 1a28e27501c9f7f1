import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callListQuerySchema } from '../contract/index.ts';
import type { Database } from '../db/index.ts';
import { replaceTranscript } from '../import/index.ts';
import { seedManyCalls } from '../test-support/bulk-calls.ts';
import { createTestDatabase } from '../test-support/database.ts';
import { countCap } from './queries.ts';
import { searchCalls } from './search-calls.ts';

let database: Database;
let admin: Parameters<typeof searchCalls>[1];
/** "Call 2" and "Call 4": French ones. */
let frenchCallId: string;
let otherFrenchCallId: string;

const search = (query: Record<string, string>) =>
  searchCalls(database.db, admin, callListQuerySchema.parse(query));

beforeAll(async () => {
  database = await createTestDatabase();
  // One call more than the count goes to: "Call 1" … "Call 1001", 10 to 16 minutes long.
  const { organizationId, adminId } = await seedManyCalls(database, { calls: countCap + 1, seconds: 600 });
  admin = { userId: adminId, organizationId, role: 'admin', email: 'admin@bulk.test', sessionIdHash: '' };
  const [second] = (await database.executeSql("SELECT id FROM calls WHERE topic = 'Call 2'")).rows;
  frenchCallId = second!.id as string;
  const [fourth] = (await database.executeSql("SELECT id FROM calls WHERE topic = 'Call 4'")).rows;
  otherFrenchCallId = fourth!.id as string;
});
afterAll(() => database?.close());

describe('how many calls match', () => {
  it('counts exactly up to the cap, then says "more than" instead of counting every call', async () => {
    const all = await search({ limit: '10' });
    expect(all).toMatchObject({ total: countCap, isTotalCapped: true });
    expect(all.calls).toHaveLength(10);
    expect(all.nextCursor).not.toBeNull();
    // Under the cap, the count is exact: none lasts 20 minutes, one is "Call 1".
    expect(await search({ q: 'Call', minMinutes: '20' })).toMatchObject({ total: 0, isTotalCapped: false });
    expect(await search({ q: '"Call 1"' })).toMatchObject({ total: 1, isTotalCapped: false });
  });

  it('finds a call by its transcript through the call’s search document, which follows the lines', async () => {
    await replaceTranscript(database.db, frenchCallId, [
      { speaker: 'Emma', startMs: 0, endMs: 4000, text: 'Parlons de la négociation du contrat.' },
      { speaker: 'Paul', startMs: 4000, endMs: 8000, text: 'La remise dépend du volume.' },
    ]);
    const found = await search({ q: 'negociations' });
    expect(found.calls.map((call) => call.id)).toEqual([frenchCallId]);
    expect(found.calls[0]?.search?.matches).toMatchObject([{ kind: 'transcript', atMs: 0, speaker: 'Emma' }]);
    expect(found.calls[0]?.search?.matchCount).toBe(1);

    // The lines replaced (as erasing a person does): the words they carried no longer find the call.
    await replaceTranscript(database.db, frenchCallId, [
      { speaker: 'Paul', startMs: 4000, endMs: 8000, text: 'La remise dépend du volume.' },
    ]);
    expect((await search({ q: 'negociation' })).total).toBe(0);
    expect((await search({ q: 'remise' })).calls.map((call) => call.id)).toEqual([frenchCallId]);
    await replaceTranscript(database.db, frenchCallId, []);
    expect((await search({ q: 'remise' })).total).toBe(0);
    expect((await search({ hasTranscript: 'true' })).total).toBe(0);
  });

  it('finds a phrase only where its words are said in that order, narrowed by the pairs of words said in a row', async () => {
    await replaceTranscript(database.db, frenchCallId, [
      { speaker: 'Emma', startMs: 0, endMs: 4000, text: "Prenons rendez-vous avec l'équipe du contrat." },
      { speaker: 'Paul', startMs: 4000, endMs: 8000, text: 'La remise dépend du volume.' },
    ]);
    await replaceTranscript(database.db, otherFrenchCallId, [
      { speaker: 'Léa', startMs: 0, endMs: 4000, text: 'Le volume dépend de la remise sur le contrat.' },
    ]);
    const found = async (q: string) => (await search({ q, sort: 'oldest' })).calls.map((call) => call.id);
    // Typed without accents, a hyphenated word, an elision, stopwords between the words, across two
    // lines, with another word or phrase beside it.
    for (const q of [
      '"remise depend"',
      '"prenons rendez-vous"',
      '"rendez-vous avec l\'equipe"',
      '"contrat la remise"',
      '"depend du volume" contrat',
      '"remise dépend" "prenons rendez-vous"',
    ]) {
      expect(await found(q), q).toEqual([frenchCallId]);
    }
    expect(await found('"volume depend"')).toEqual([otherFrenchCallId]);
    // The words said, but not in that order or not side by side.
    for (const q of ['"depend remise"', '"remise volume"', '"prenons l\'equipe"']) {
      expect(await found(q), q).toEqual([]);
    }
    // A phrase excluded or one choice among others does not narrow anything.
    expect(await found('contrat -"remise depend"')).toEqual([otherFrenchCallId]);
    expect(await found('contrat - "remise depend"')).toEqual([otherFrenchCallId]);
    expect(await found('"depend remise" or "volume depend"')).toEqual([otherFrenchCallId]);
    expect(await found('"depend remise" OR contrat')).toEqual([otherFrenchCallId, frenchCallId]);
    await replaceTranscript(database.db, frenchCallId, []);
    await replaceTranscript(database.db, otherFrenchCallId, []);
  });
});
