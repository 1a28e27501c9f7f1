import { and, asc, eq, gte, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { CallSort } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { schema, selectValues } from '../db/index.ts';

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
/**
 * The ids (`idColumn`) of `table`'s rows that match `q` in their own language: one branch per language,
 * each a plain GIN lookup. One condition over both languages made PostgreSQL match every row found
 * again, reading each transcript document (88 ms instead of 1 ms for a word in 1,000 calls). `narrow`
 * adds a condition per language that every match meets (the phrase pairs of the transcript documents).
 */
const matchingIds = (table: SQL, idColumn: SQL, q: string, narrow?: { fr?: SQL; en?: SQL }) => {
  const query = tsQuery(q);
  const fr = narrow?.fr ? sql` AND ${narrow.fr}` : sql``;
  const en = narrow?.en ? sql` AND ${narrow.en}` : sql``;
  return sql`SELECT ${idColumn} FROM ${table} WHERE language = 'fr' AND search_vector @@ ${query.fr}${fr}
    UNION ALL SELECT ${idColumn} FROM ${table} WHERE language = 'en' AND search_vector @@ ${query.en}${en}`;
};

/**
 * The quoted phrases of `q` (web search syntax) that every match contains: none when `q` has an `or`
 * or a `-` outside quotes (a phrase there may be one choice of several, or excluded), and only phrases
 * of words (letters, digits, apostrophes, hyphens), which `to_tsvector` reads as `websearch_to_tsquery`
 * reads them between quotes. A quote left open is left out (it only narrows less).
 */
function requiredPhrases(q: string): string[] {
  const segments = q.split('"');
  const closed = segments.length % 2 === 1 ? segments : segments.slice(0, -1);
  const outside = segments.filter((_, index) => index % 2 === 0);
  if (outside.some((text) => text.includes('-') || /\bor\b/i.test(text))) return [];
  const isWords = (text: string) =>
    text.split(/\s+/).every((word) => word === '' || /^[\p{L}\p{N}]+(['’-][\p{L}\p{N}]+)*$/u.test(word));
  return closed.filter((text, index) => index % 2 === 1 && isWords(text));
}

/**
 * The phrase pairs (see `transcriptDocuments.phrasePairs`) of `q`'s required phrases, in each language;
 * an empty list when a language has none. Asked apart, before the search: a condition with no pair
 * would make the index read all its entries.
 */
async function findPhrasePairs(db: Db, q: string): Promise<{ fr: number[]; en: number[] }> {
  const phrases = requiredPhrases(q);
  if (phrases.length === 0) return { fr: [], en: [] };
  const pairsIn = (config: string) => sql`coalesce((SELECT array_agg(DISTINCT pair)
      FROM jsonb_array_elements_text(${JSON.stringify(phrases)}::jsonb) AS phrase(text),
           unnest(callport_phrase_pairs(to_tsvector(${sql.raw(`'${config}'`)}, phrase.text))) AS pair), '{}')`;
  const [row] = await db
    .select({ fr: sql<number[]>`${pairsIn('callport_fr')}`, en: sql<number[]>`${pairsIn('callport_en')}` })
    .from(sql`(SELECT 1) AS one`);
  return { fr: row?.fr ?? [], en: row?.en ?? [] };
}

const containsPairs = (pairs: number[]) =>
  pairs.length > 0
    ? sql`phrase_pairs @> ${sql.raw(`ARRAY[${pairs.map((pair) => String(Math.trunc(pair))).join(',')}]::int[]`)}`
    : undefined;
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

/** One page of calls, in `sort` order, after the keyset `after`; and how many match, up to `countCap`. */
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
    const q = filter.q;
    const pairs = await findPhrasePairs(db, q);
    // One IN over a UNION, never an OR of INs: PostgreSQL then plans a hashed semi-join; an OR of
    // subqueries made it scan the matching lines once per call (minutes at 10,000 calls).
    conditions.push(sql`${calls.id} IN (
      ${matchingIds(sql`calls`, sql`id`, q)}
      UNION ${matchingIds(sql`transcript_documents`, sql`call_id`, q, { fr: containsPairs(pairs.fr), en: containsPairs(pairs.en) })}
      UNION ${matchingIds(sql`call_highlights`, sql`call_id`, q)}
      UNION ${matchingIds(sql`call_comments`, sql`call_id`, q)})`);
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
  // Counting stops past `countCap`: an exact count of a common word's calls cost seconds at 10,000
  // calls, and "more than 1,000" tells a person as much.
  const capped = db
    .select({ one: sql`1` })
    .from(calls)
    .where(where)
    .limit(countCap + 1)
    .as('capped');
  // A transcript's search document is tens of kilobytes, stored out of line (TOAST): the planner prices
  // a sequential scan by the table's own pages (84 at 10,000 calls, for 272 MB of documents) and never
  // counts reading the documents, so it takes that plan whenever its rows estimate is large. Measured
  // with the per-language indexes: "budget signature" (in every call) at 2,000 calls, 146 ms with a
  // sequential scan and 6.7 ms through the indexes; at 10,000 calls the two plans are priced within 15 %
  // of each other (2.4 s against 66 ms before those indexes). No index or query shape changes how the
  // planner prices TOAST, so with a search each statement runs in a transaction of its own (in parallel
  // on PostgreSQL) without sequential scans.
  // Nor nested loops: ANALYZE skips values over 1 kB, so the documents have no statistics and the
  // planner takes any word for one in 0.5 % of them (25 of 5,000 French calls for "contrat", said in
  // all of them); it then looked up each matching call by its key and sorted them all (5,000 lookups,
  // 88 ms at load 11) instead of hashing the matches against the organisation's calls (14 ms).
  // And no JIT: a plan that needs a disabled node anyway (a participants filter reads each call's
  // list in a nested loop) is priced above the JIT threshold, and compiling it cost 90 ms a statement.
  const run = <T>(query: (tx: Db) => Promise<T>): Promise<T> =>
    filter.q
      ? db.transaction(async (tx) => {
          await tx.execute(
            sql`SELECT set_config('enable_seqscan', 'off', true), set_config('enable_nestloop', 'off', true), set_config('jit', 'off', true)`,
          );
          return query(tx);
        })
      : query(db);
  const [rows, [count]] = await Promise.all([
    run((tx) =>
      tx
        .select({ call: calls, hostName: users.name, hasTranscript: hasTranscriptSql })
        .from(calls)
        .leftJoin(users, eq(users.id, calls.hostUserId))
        .where(and(where, keyset))
        .orderBy(sql`${column} ${direction}`, sql`${calls.id} ${direction}`)
        .limit(filter.limit + 1),
    ),
    run((tx) => tx.select({ total: sql<number>`count(*)::int` }).from(capped)),
  ]);
  const total = count?.total ?? 0;
  return {
    rows: rows.slice(0, filter.limit),
    hasMore: rows.length > filter.limit,
    total: Math.min(total, countCap),
    isTotalCapped: total > countCap,
  };
}

/** How many matching calls are counted at most; past it the list says "more than". */
export const countCap = 1000;

type ChatMatchRow = { callId: string; at: string; sender: string; marked: string };
type NoteMatchRow = {
  callId: string;
  kind: 'highlight' | 'comment';
  atMs: number;
  speaker: string;
  marked: string;
};

/** For calls found by `q`: their topic marked, and their first matching transcript lines and messages. */
export async function findSearchMatches(db: Db, callIds: string[], q: string, perCall: number) {
  if (callIds.length === 0) return { topics: [], lines: [], messages: [], notes: [] };
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
  // Highlights' titles and comments people wrote on the calls.
  const notes = db.execute(sql`
    SELECT h.call_id AS "callId", 'highlight' AS kind, h.start_ms AS "atMs", coalesce(u.name, '') AS speaker,
           ts_headline(${searchConfigSql(sql`h.language`)}, h.title, ${queryFor(sql`h.language`, q)}, ${headlineOptions}) AS marked
      FROM call_highlights h LEFT JOIN users u ON u.id = h.author_user_id
     WHERE h.call_id = ANY(${ids}) AND ${matchesIn(sql`h.language`, sql`h.search_vector`, q)}
    UNION ALL
    SELECT n.call_id, 'comment', n.at_ms, coalesce(u.name, ''),
           ts_headline(${searchConfigSql(sql`n.language`)}, n.body, ${queryFor(sql`n.language`, q)}, ${headlineOptions})
      FROM call_comments n LEFT JOIN users u ON u.id = n.author_user_id
     WHERE n.call_id = ANY(${ids}) AND ${matchesIn(sql`n.language`, sql`n.search_vector`, q)}
     ORDER BY 1, 3`);
  const [topicRows, lineRows, messageResult, noteResult] = await Promise.all([
    topics,
    lines,
    messages,
    notes,
  ]);
  const noteRows = (noteResult as unknown as { rows: NoteMatchRow[] }).rows;
  // db.execute answers node-postgres's or PGlite's result shape: both have `rows`.
  const messageRows = (messageResult as unknown as { rows: ChatMatchRow[] }).rows;
  return { topics: topicRows, lines: lineRows, messages: messageRows, notes: noteRows };
}

/** The transcript lines (by `seq`) of one call where the words of `q` occur, stemmed in its language. */
export async function findMatchingLines(db: Db, callId: string, q: string): Promise<number[]> {
  return selectValues(
    db,
    transcriptLines.seq,
    and(
      eq(transcriptLines.callId, callId),
      matchesIn(sql`${transcriptLines.language}`, sql`${transcriptLines.searchVector}`, q),
    ),
    { orderBy: asc(transcriptLines.seq) },
  );
}

/**
 * What Zoom's participants call said of a call's meeting (stored by coverage, `meetings_held`): each
 * person's e-mail when Zoom gave one (only for members of the host's Zoom account), by lower-cased name.
 */
export async function findParticipantEmails(db: Db, recordingId: string): Promise<Map<string, string>> {
  const result = (await db.execute(sql`
    SELECT lower(trim(p->>'name')) AS name, lower(trim(p->>'email')) AS email
      FROM recordings r
      JOIN meetings_held m ON m.connection_id = r.connection_id AND m.meeting_uuid = r.meeting_uuid
     CROSS JOIN jsonb_array_elements(coalesce(m.participants, '[]'::jsonb)) AS p
     WHERE r.id = ${recordingId} AND coalesce(p->>'email', '') <> ''`)) as unknown as {
    rows: Array<{ name: string; email: string }>;
  };
  return new Map(result.rows.map((row) => [row.name, row.email]));
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

/** A call of the organisation, if `visibility` (see `visibleCalls`) lets the asker see it. */
export async function findCall(db: Db, organizationId: string, callId: string, visibility?: SQL) {
  const [row] = await db
    .select({ call: calls, hostName: users.name })
    .from(calls)
    .leftJoin(users, eq(users.id, calls.hostUserId))
    .where(and(eq(calls.id, callId), eq(calls.organizationId, organizationId), visibility));
  return row;
}

export function listTranscript(db: Db, callId: string) {
  return db.query.transcriptLines.findMany({
    where: eq(transcriptLines.callId, callId),
    orderBy: asc(transcriptLines.seq),
  });
}

export function listCallFiles(db: Db, recordingId: string) {
  return db.query.recordingFiles.findMany({
    where: eq(recordingFiles.recordingId, recordingId),
    orderBy: [asc(recordingFiles.recordingStart), asc(recordingFiles.fileType)],
  });
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

const { callHighlights, callComments, callShares, organizations } = schema;

export function listHighlights(db: Db, callId: string) {
  return db
    .select({ highlight: callHighlights, author: users.name })
    .from(callHighlights)
    .leftJoin(users, eq(users.id, callHighlights.authorUserId))
    .where(eq(callHighlights.callId, callId))
    .orderBy(asc(callHighlights.startMs), asc(callHighlights.createdAt));
}

export function listComments(db: Db, callId: string) {
  return db
    .select({ comment: callComments, author: users.name })
    .from(callComments)
    .leftJoin(users, eq(users.id, callComments.authorUserId))
    .where(eq(callComments.callId, callId))
    .orderBy(asc(callComments.atMs), asc(callComments.createdAt));
}

export async function insertHighlight(db: Db, values: typeof callHighlights.$inferInsert) {
  const [row] = await db.insert(callHighlights).values(values).returning();
  return row!;
}

export async function insertComment(db: Db, values: typeof callComments.$inferInsert) {
  const [row] = await db.insert(callComments).values(values).returning();
  return row!;
}

export async function findHighlight(db: Db, callId: string, highlightId: string) {
  return db.query.callHighlights.findFirst({
    where: and(eq(callHighlights.id, highlightId), eq(callHighlights.callId, callId)),
  });
}

export function listShares(db: Db, callId: string) {
  return db
    .select({ share: callShares, sharedWithName: users.name })
    .from(callShares)
    .leftJoin(users, eq(users.id, callShares.sharedWithUserId))
    .where(eq(callShares.callId, callId))
    .orderBy(asc(callShares.createdAt));
}

export async function insertShare(db: Db, values: typeof callShares.$inferInsert) {
  const [row] = await db.insert(callShares).values(values).returning();
  return row!;
}

export async function revokeShareRow(db: Db, callId: string, shareId: string, now: Date) {
  const [row] = await db
    .update(callShares)
    .set({ revokedAt: now })
    .where(
      and(eq(callShares.id, shareId), eq(callShares.callId, callId), sql`${callShares.revokedAt} IS NULL`),
    )
    .returning();
  return row;
}

export async function findShareByToken(db: Db, tokenSha256: string) {
  const [row] = await db
    .select({ share: callShares, call: calls, allowPublicLinks: organizations.allowPublicLinks })
    .from(callShares)
    .innerJoin(calls, eq(calls.id, callShares.callId))
    .innerJoin(organizations, eq(organizations.id, callShares.organizationId))
    .where(and(eq(callShares.tokenSha256, tokenSha256), eq(callShares.kind, 'public')));
  return row;
}

export async function findSharingSettings(db: Db, organizationId: string) {
  const [row] = await db
    .select({ allowPublicLinks: organizations.allowPublicLinks })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  return row ?? { allowPublicLinks: false };
}

export async function updateSharingSettings(db: Db, organizationId: string, allowPublicLinks: boolean) {
  await db.update(organizations).set({ allowPublicLinks }).where(eq(organizations.id, organizationId));
}

export function listColleagues(db: Db, organizationId: string) {
  return db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.organizationId, organizationId), eq(users.isActive, true)))
    .orderBy(asc(users.name));
}

export async function findColleague(db: Db, organizationId: string, userId: string) {
  const [row] = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.organizationId, organizationId), eq(users.isActive, true)));
  return row;
}
