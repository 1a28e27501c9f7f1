import { and, asc, desc, eq, gte, ilike, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { schema } from '../db/index.ts';

const { calls, users, transcriptLines, recordingFiles } = schema;

export type CallFilter = {
  organizationId: string;
  /** Members see only the calls they hosted. */
  hostUserId?: string | undefined;
  q?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  offset: number;
};

export async function listCalls(db: Db, filter: CallFilter) {
  const conditions = [eq(calls.organizationId, filter.organizationId)];
  if (filter.hostUserId) conditions.push(eq(calls.hostUserId, filter.hostUserId));
  if (filter.q) conditions.push(ilike(calls.topic, `%${filter.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`));
  if (filter.from) conditions.push(gte(calls.startedAt, new Date(`${filter.from}T00:00:00Z`)));
  if (filter.to)
    conditions.push(lt(calls.startedAt, new Date(Date.parse(`${filter.to}T00:00:00Z`) + 86_400_000)));
  const where = and(...conditions);
  const rows = await db
    .select({
      call: calls,
      hostName: users.name,
      hasTranscript: sql<boolean>`exists (select 1 from transcript_lines t where t.call_id = ${calls.id})`,
    })
    .from(calls)
    .leftJoin(users, eq(users.id, calls.hostUserId))
    .where(where)
    .orderBy(desc(calls.startedAt))
    .limit(filter.limit)
    .offset(filter.offset);
  const [count] = await db.select({ total: sql<number>`count(*)::int` }).from(calls).where(where);
  return { rows, total: count?.total ?? 0 };
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
