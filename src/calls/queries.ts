import { and, asc, eq, gte, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { CallSort } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { schema } from '../db/index.ts';

const { calls, users, transcriptLines, recordingFiles, recordings, searchConfigSql } = schema;

/** Private-use characters around the matched words in `ts_headline`'s output; parsed by the caller. */
export const matchStart = '\uE000';
export const matchStop = '\uE001';
const headlineOptions = `HighlightAll=true, StartSel=${matchStart}, StopSel=${matchStop}`;

export type CallFilter = {
  organizationId: string;
  /** Which calls the asker may see (see `visibleCalls`). */
  visibility: SQL | undefined;
  hostUserId?: string | undefined;
  q?: string | undefined;
  participants?: 'internal' | 'external' | undefined;
  from?: string | undefined;
  to?: string | undefined;
  minMinutes?: number | undefined;
  maxMinutes?: number | undefined;
  hasTranscript?: boolean | undefined;
  sort: CallSort;
  after?: { value: string | number; id: string } | undefined;
  limit: number;
};

/** The two stemmed queries of a search: the French one for French calls, the English one for English. */
const tsQuery = (q: string) => ({
  fr: sql`websearch_to_tsquery('callport_fr', ${q})`,
  en: sql`websearch_to_tsquery('callport_en', ${q})`,
});
/** `vector` (of a row whose language is `language`) matches the search, in that row's language. */
const matchesIn = (language: SQL, vector: SQL, q: string) => {
  const query = tsQuery(q);
  // Two index-friendly branches instead of a CASE, so the GIN index serves both languages.
  return sql`((${language} = 'fr' AND ${vector} @@ ${query.fr}) OR (${language} = 'en' AND ${vector} @@ ${query.en}))`;
};
const queryFor = (language: SQL, q: string) => {
  const query = tsQuery(q);
  return sql`(CASE ${language} WHEN 'en' THEN ${query.en} ELSE ${query.fr} END)`;
};

/**
 * Lower-cased names of the organisation's own people: its Callport users, and the users of its Zoom
 * account whose e-mail domain is one of its users' domains. Anyone else in a call is external.
 */
const internalNames = (organizationId: string) => sql`(
  SELECT lower(trim(u.name)) FROM users u WHERE u.organization_id = ${organizationId}
  UNION
  SELECT lower(trim(z.display_name)) FROM zoom_users z
    JOIN zoom_connections zc ON zc.id = z.connection_id
   WHERE zc.organization_id = ${organizationId}
     AND split_part(lower(z.email), '@', 2) IN (
       SELECT split_part(lower(u.email), '@', 2) FROM users u WHERE u.organization_id = ${organizationId}))`;

const sortColumns = {
  newest: { column: calls.startedAt, isDescending: true },
  oldest: { column: calls.startedAt, isDescending: false },
  longest: { column: calls.durationSeconds, isDescending: true },
  shortest: { column: calls.durationSeconds, isDescending: false },
} as const;

const hasTranscriptSql = sql<boolean>`exists (select 1 from transcript_lines t where t.call_id = ${calls.id})`;

/** One page of calls, in `sort` order, after the keyset `after`; and how many match in all. */
export async function listCalls(db: Db, filter: CallFilter) {
  const conditions: Array<SQL | undefined> = [eq(calls.organizationId, filter.organizationId)];
  conditions.push(filter.visibility);
  if (filter.hostUserId) conditions.push(eq(calls.hostUserId, filter.hostUserId));
  if (filter.from) conditions.push(gte(calls.startedAt, new Date(`${filter.from}T00:00:00Z`)));
  if (filter.to)
    conditions.push(lt(calls.startedAt, new Date(Date.parse(`${filter.to}T00:00:00Z`) + 86_400_000)));
  if (filter.minMinutes !== undefined) conditions.push(gte(calls.durationSeconds, filter.minMinutes * 60));
  if (filter.maxMinutes !== undefined) conditions.push(lte(calls.durationSeconds, filter.maxMinutes * 60));
  if (filter.hasTranscript !== undefined)
    conditions.push(filter.hasTranscript ? hasTranscriptSql : sql`NOT ${hasTranscriptSql}`);
  if (filter.participants) {
    const hasExternal = sql`EXISTS (SELECT 1 FROM jsonb_array_elements_text(${calls.participants}) AS p(name)
      WHERE lower(trim(p.name)) NOT IN ${internalNames(filter.organizationId)})`;
    conditions.push(filter.participants === 'external' ? hasExternal : sql`NOT ${hasExternal}`);
  }
  if (filter.q) {
    const lines = matchesIn(sql`t.language`, sql`t.search_vector`, filter.q);
    conditions.push(
      or(
        matchesIn(sql`${calls.language}`, sql`${calls.searchVector}`, filter.q),
        sql`${calls.id} IN (SELECT t.call_id FROM transcript_lines t WHERE ${lines})`,
      ),
    );
  }
  const where = and(...conditions);
  const { column, isDescending } = sortColumns[filter.sort];
  const after = filter.after;
  const keyset = after
    ? isDescending
      ? sql`(${column}, ${calls.id}) < (${after.value}, ${after.id})`
      : sql`(${column}, ${calls.id}) > (${after.value}, ${after.id})`
    : undefined;
  const direction = isDescending ? sql`DESC` : sql`ASC`;
  const [rows, [count]] = await Promise.all([
    db
      .select({ call: calls, hostName: users.name, hasTranscript: hasTranscriptSql })
      .from(calls)
      .leftJoin(users, eq(users.id, calls.hostUserId))
      .where(and(where, keyset))
      .orderBy(sql`${column} ${direction}`, sql`${calls.id} ${direction}`)
      .limit(filter.limit + 1),
    db.select({ total: sql<number>`count(*)::int` }).from(calls).where(where),
  ]);
  return { rows: rows.slice(0, filter.limit), hasMore: rows.length > filter.limit, total: count?.total ?? 0 };
}

type ChatMatchRow = { callId: string; at: string; sender: string; marked: string };

/** For calls found by `q`: their topic marked, and their first matching transcript lines and messages. */
export async function findSearchMatches(db: Db, callIds: string[], q: string, perCall: number) {
  if (callIds.length === 0) return { topics: [], lines: [], messages: [] };
  const ids = sql`ARRAY[${sql.join(
    callIds.map((id) => sql`${id}`),
    sql`, `,
  )}]::uuid[]`;
  const topics = db
    .select({
      callId: calls.id,
      marked: sql<string>`ts_headline(${searchConfigSql(calls.language)}, ${calls.topic}, ${queryFor(sql`${calls.language}`, q)}, ${headlineOptions})`,
    })
    .from(calls)
    .where(sql`${calls.id} = ANY(${ids})`);
  const ranked = db
    .select({
      callId: transcriptLines.callId,
      seq: transcriptLines.seq,
      startMs: transcriptLines.startMs,
      speaker: transcriptLines.speaker,
      text: transcriptLines.text,
      language: transcriptLines.language,
      rank: sql<number>`row_number() OVER (PARTITION BY ${transcriptLines.callId} ORDER BY ${transcriptLines.seq})`.as(
        'rank',
      ),
      total: sql<number>`count(*) OVER (PARTITION BY ${transcriptLines.callId})`.as('total'),
    })
    .from(transcriptLines)
    .where(
      and(
        sql`${transcriptLines.callId} = ANY(${ids})`,
        matchesIn(sql`${transcriptLines.language}`, sql`${transcriptLines.searchVector}`, q),
      ),
    )
    .as('ranked');
  const lines = db
    .select({
      callId: ranked.callId,
      startMs: ranked.startMs,
      speaker: ranked.speaker,
      total: sql<number>`${ranked.total}::int`,
      marked: sql<string>`ts_headline(${searchConfigSql(ranked.language)}, ${ranked.text}, ${queryFor(sql`${ranked.language}`, q)}, ${headlineOptions})`,
    })
    .from(ranked)
    .where(lte(ranked.rank, perCall))
    .orderBy(ranked.callId, ranked.seq);
  const messages = db.execute(sql`
    SELECT c.id AS "callId", m.message->>'at' AS at, m.message->>'sender' AS sender,
           ts_headline(${searchConfigSql(sql`c.language`)}, m.message->>'text', ${queryFor(sql`c.language`, q)}, ${headlineOptions}) AS marked
      FROM calls c, jsonb_array_elements(c.chat) WITH ORDINALITY AS m(message, n)
     WHERE c.id = ANY(${ids})
       AND to_tsvector(${searchConfigSql(sql`c.language`)}, m.message->>'text') @@ ${queryFor(sql`c.language`, q)}
     ORDER BY c.id, m.n`);
  const [topicRows, lineRows, messageResult] = await Promise.all([topics, lines, messages]);
  // db.execute answers node-postgres's or PGlite's result shape: both have `rows`.
  const messageRows = (messageResult as unknown as { rows: ChatMatchRow[] }).rows;
  return { topics: topicRows, lines: lineRows, messages: messageRows };
}

/** The transcript lines (by `seq`) of one call where the words of `q` occur, stemmed in its language. */
export async function findMatchingLines(db: Db, callId: string, q: string): Promise<number[]> {
  const rows = await db
    .select({ seq: transcriptLines.seq })
    .from(transcriptLines)
    .where(
      and(
        eq(transcriptLines.callId, callId),
        matchesIn(sql`${transcriptLines.language}`, sql`${transcriptLines.searchVector}`, q),
      ),
    )
    .orderBy(asc(transcriptLines.seq));
  return rows.map((row) => row.seq);
}

/** The names of a call's participants that belong to the organisation (lower-cased). */
export async function findInternalNames(db: Db, organizationId: string): Promise<Set<string>> {
  const result = (await db.execute(
    sql`SELECT name FROM ${internalNames(organizationId)} AS n(name)`,
  )) as unknown as {
    rows: Array<{ name: string }>;
  };
  return new Set(result.rows.map((row) => row.name));
}

export async function findCall(db: Db, organizationId: string, callId: string) {
  const [row] = await db
    .select({ call: calls, hostName: users.name })
    .from(calls)
    .leftJoin(users, eq(users.id, calls.hostUserId))
    .where(and(eq(calls.id, callId), eq(calls.organizationId, organizationId)));
  return row;
}

export function listTranscript(db: Db, callId: string) {
  return db
    .select()
    .from(transcriptLines)
    .where(eq(transcriptLines.callId, callId))
    .orderBy(asc(transcriptLines.seq));
}

export function listCallFiles(db: Db, recordingId: string) {
  return db
    .select()
    .from(recordingFiles)
    .where(eq(recordingFiles.recordingId, recordingId))
    .orderBy(asc(recordingFiles.recordingStart), asc(recordingFiles.fileType));
}

/** The recording a call came from: when it ended and on which connection (for the transcript's status). */
export async function findCallRecording(db: Db, recordingId: string) {
  const [row] = await db
    .select({
      connectionId: recordings.connectionId,
      recordingEnd: recordings.recordingEnd,
      startTime: recordings.startTime,
    })
    .from(recordings)
    .where(eq(recordings.id, recordingId));
  return row;
}
