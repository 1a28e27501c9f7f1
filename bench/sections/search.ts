import { searchCalls } from '../../src/calls/index.ts';
import { callListQuerySchema } from '../../src/contract/index.ts';
import { type Database, openDatabase } from '../../src/db/index.ts';
import { seedManyCalls } from '../../src/test-support/bulk-calls.ts';
import type { Section } from '../run.ts';
import { createScratchDatabase } from '../support.ts';

/**
 * Issue 20's benchmark: search inside calls. Full: 10,000 calls with 30-minute transcripts (a cue every
 * 5 s, 360 cues of 12 words) on PostgreSQL (DATABASE_URL); quick: 500 calls of 10 minutes on PGlite.
 * Half the calls are French, half English; words follow a skewed (Zipf-like) law over real sales words
 * and a long tail, so a query can hit most calls (a common word) or a handful (a rare one). Every query
 * goes through `searchCalls`, as GET /api/calls does: match, count (capped), sort, first page, marked lines.
 */
const french =
  'contrat prix budget négociation remise proposition signature déploiement équipe client rendez-vous relance pilote calendrier décision sécurité données juridique tarif volume licence formation support intégration démonstration concurrent objection'.split(
    ' ',
  );
const english =
  'contract price budget negotiation discount proposal signature rollout team customer meeting follow-up pilot timeline decision security data legal pricing volume licence training support integration demo competitor objection'.split(
    ' ',
  );

const run: Section = async ({ quick }) => {
  const usePostgres = Boolean(process.env.DATABASE_URL) && !quick;
  // BENCH_SEARCH_DATABASE_URL (full run on PostgreSQL): a database of one's own that the first run loads
  // and keeps, and later runs reuse (migrated first), instead of a scratch database loaded each time.
  const keptUrl = usePostgres ? process.env.BENCH_SEARCH_DATABASE_URL || undefined : undefined;
  const calls = quick ? 500 : 10_000;
  const minutes = quick ? 10 : 30;
  const cuesPerCall = (minutes * 60) / 5;
  const scratch =
    usePostgres && !keptUrl
      ? await createScratchDatabase(process.env.DATABASE_URL!, 'callport_bench_search')
      : null;
  const url = keptUrl ?? scratch?.url;
  const database: Database = url
    ? await openDatabase({ kind: 'postgres', url, poolSize: 4 })
    : await openDatabase({ kind: 'pglite' });
  try {
    await database.migrate();
    const loadStarted = performance.now();
    const kept = keptUrl ? await findLoadedData(database, calls, cuesPerCall) : undefined;
    const { organizationId, adminId } = kept ?? (await seed(database, calls, cuesPerCall));
    const loadSeconds = kept ? undefined : (performance.now() - loadStarted) / 1000;
    await database.executeSql('ANALYZE');
    const principal = {
      userId: adminId,
      organizationId,
      role: 'admin' as const,
      email: 'a@bench.test',
      sessionIdHash: '',
    };
    const queries: Array<{ kind: string; query: Record<string, string> }> = [
      { kind: 'common word (most calls)', query: { q: 'contrat' } },
      { kind: 'common word, English', query: { q: 'pricing' } },
      { kind: 'accented word typed without accent', query: { q: 'negociation' } },
      { kind: 'two words (AND)', query: { q: 'budget signature' } },
      { kind: 'phrase', query: { q: '"remise volume"' } },
      { kind: 'long-tail word', query: { q: 'w1500' } },
      { kind: 'word + 30-min filter, by length', query: { q: 'pilote', minMinutes: '30', sort: 'longest' } },
      { kind: 'no query, newest first', query: {} },
      { kind: 'no query, external only', query: { participants: 'external' } },
    ];
    const rounds = quick ? 10 : 20;
    const all: number[] = [];
    const rows: Array<Record<string, string | number>> = [];
    for (const { kind, query } of queries) {
      const parsed = callListQuerySchema.parse(query);
      const times: number[] = [];
      let total = '';
      await searchCalls(database.db, principal, parsed); // warm the cache once
      for (let i = 0; i < rounds; i++) {
        const started = performance.now();
        const answer = await searchCalls(database.db, principal, parsed);
        total = `${answer.isTotalCapped ? 'more than ' : ''}${answer.total}`;
        times.push(performance.now() - started);
      }
      all.push(...times);
      rows.push({
        query: kind,
        matchingCalls: total,
        p50Ms: percentile(times, 50),
        p95Ms: percentile(times, 95),
      });
    }
    const sizes = await database.executeSql(`SELECT
      pg_relation_size('transcript_documents_fr_search_idx') + pg_relation_size('transcript_documents_en_search_idx') AS documents_index,
      pg_total_relation_size('transcript_documents') AS documents_total,
      pg_relation_size('transcript_documents_phrase_pairs_idx') AS pairs_index,
      pg_relation_size('calls_search_idx') AS calls_index,
      pg_total_relation_size('transcript_lines') AS lines_total,
      (SELECT count(*) FROM transcript_lines) AS line_count`);
    const size = sizes.rows[0] as Record<string, string | number>;
    const mb = (value: unknown) => Math.round(Number(value) / 2 ** 20);
    return {
      title: `Search inside ${calls} calls of ${minutes} minutes (${Number(size.line_count).toLocaleString('en')} transcript lines), ${usePostgres ? 'PostgreSQL' : 'PGlite'}`,
      rows,
      summary: {
        database: usePostgres ? 'PostgreSQL' : 'PGlite',
        calls,
        transcriptLines: Number(size.line_count),
        p50Ms: percentile(all, 50),
        p95Ms: percentile(all, 95),
        worstQueryP95Ms: Math.max(...rows.map((row) => Number(row.p95Ms))),
        transcriptIndexMb: mb(size.documents_index),
        phrasePairsIndexMb: mb(size.pairs_index),
        transcriptDocumentsWithIndexMb: mb(size.documents_total),
        callsIndexMb: mb(size.calls_index),
        linesTableWithIndexesMb: mb(size.lines_total),
        loadSeconds: loadSeconds === undefined ? 'reused' : Math.round(loadSeconds),
      },
      notes: [
        `${rounds} runs per query after one warm-up, one organisation, asked as an admin (every call visible).`,
        'Each answer includes the count of matching calls (exact up to 1,000, then "more than 1,000") and the first 50 calls with their marked lines.',
      ],
    };
  } finally {
    await database.close();
    await scratch?.drop();
  }
};

/**
 * The data a previous run loaded into the kept database (BENCH_SEARCH_DATABASE_URL), or undefined when
 * it is empty; anything else there is refused rather than measured.
 */
async function findLoadedData(database: Database, calls: number, cuesPerCall: number) {
  const [found] = (
    await database.executeSql(`SELECT
      (SELECT count(*) FROM calls)::int AS calls,
      (SELECT count(*) FROM transcript_lines)::int AS lines,
      (SELECT id FROM organizations WHERE name = 'Bulk' ORDER BY created_at LIMIT 1) AS organization_id,
      (SELECT id FROM users WHERE email = 'admin@bulk.test' ORDER BY created_at LIMIT 1) AS admin_id`)
  ).rows;
  if (Number(found?.calls) === 0) return undefined;
  if (Number(found?.calls) !== calls || Number(found?.lines) !== calls * cuesPerCall || !found?.admin_id) {
    throw new Error(
      `BENCH_SEARCH_DATABASE_URL holds ${found?.calls} calls and ${found?.lines} lines, not this bench's ${calls} and ${calls * cuesPerCall}: drop it or name an empty database.`,
    );
  }
  return { organizationId: found.organization_id as string, adminId: found.admin_id as string };
}

/** Rows made by SQL itself (generate_series), so that millions of lines load in minutes. */
async function seed(database: Database, calls: number, cuesPerCall: number) {
  const sql = database.executeSql;
  const { organizationId, adminId } = await seedManyCalls(database, { calls, seconds: cuesPerCall * 5 });
  // A skewed word law: index = floor(2000 * r^3), the first 26 ranks being real sales words. In call
  // order, each call's lines one after the other, as an import writes them (one statement per call):
  // without the ORDER BY, PostgreSQL wrote line n of every call before line n + 1, so a call's 360 lines
  // stood on 360 pages and reading the lines of a page of 50 calls read 18,000 pages.
  await sql(
    `INSERT INTO transcript_lines (call_id, seq, speaker, start_ms, end_ms, text, language)
     SELECT c.id, s, CASE WHEN s % 2 = 0 THEN 'Admin' ELSE 'Client' END, s * 5000, s * 5000 + 4500,
            (SELECT string_agg(
                CASE WHEN rank < 26 THEN (CASE c.language WHEN 'fr' THEN $1::text[] ELSE $2::text[] END)[rank + 1]
                     ELSE 'w' || rank END, ' ')
               FROM (SELECT floor(2000 * power(random(), 3))::int + (s * 0) AS rank FROM generate_series(1, 12)) AS words),
            c.language
       FROM calls c, generate_series(0, $3::int - 1) AS s
      ORDER BY c.id, s`,
    [french, english, cuesPerCall],
  );
  // Each call's search document, as the import writes it with the lines (`replaceTranscript`).
  await sql(
    `INSERT INTO transcript_documents (call_id, language, search_vector)
     SELECT t.call_id, c.language,
            to_tsvector(CASE c.language WHEN 'en' THEN 'callport_en'::regconfig ELSE 'callport_fr'::regconfig END,
                        string_agg(t.text, ' ' ORDER BY t.seq))
       FROM transcript_lines t JOIN calls c ON c.id = t.call_id
      GROUP BY t.call_id, c.language`,
  );
  return { organizationId, adminId };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
}

export default run;
