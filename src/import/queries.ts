import { and, asc, desc, eq, inArray, isNull, lt, ne, notInArray, or, sql } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { schema } from '../db/index.ts';
import { encodeMessage } from '../lib/messages.ts';
import { canTransition, type RecordingStatus } from './status.ts';

const {
  recordings,
  recordingFiles,
  recordingEvents,
  calls,
  importSweeps,
  importUserSweeps,
  userLinks,
  users,
  zoomConnections,
  searchConfigSql,
} = schema;

export type UserSweepRow = typeof importUserSweeps.$inferSelect;

export type RecordingRow = typeof recordings.$inferSelect;
export type RecordingFileRow = typeof recordingFiles.$inferSelect;

/** What Zoom lists of one file of an instance (its stored state is the import's). */
export type ListedFile = Pick<
  typeof recordingFiles.$inferInsert,
  | 'fileKey'
  | 'fileType'
  | 'recordingType'
  | 'recordingStart'
  | 'recordingEnd'
  | 'expectedSize'
  | 'zoomStatus'
  | 'downloadUrl'
>;

/**
 * Inserts a newly discovered instance with its timeline's first entry, or refreshes what Zoom says of a
 * known one (never its status), and its files, in one statement. An erased recording keeps only its
 * tombstone: nothing of it is written. `unstoredFiles`: how many of the listed files are not stored yet;
 * `changedFiles`: how many are new to Callport or changed Zoom status; `isClaimed`: a job holds the
 * recording's live lease (its import is running).
 */
export async function upsertRecording(
  db: Db,
  values: typeof recordings.$inferInsert,
  files: ListedFile[],
): Promise<{
  id: string;
  status: RecordingRow['status'];
  autoDeleteDate: Date | null;
  isNew: boolean;
  unstoredFiles: number;
  changedFiles: number;
  isClaimed: boolean;
}> {
  // `xmax = 0` holds for a row this statement inserted.
  const keep = (column: string) => sql.raw(`coalesce(excluded.${column}, "recordings"."${column}")`);
  const upsert = db
    .insert(recordings)
    .values(values)
    .onConflictDoUpdate({
      target: [recordings.connectionId, recordings.meetingUuid],
      set: {
        topic: sql`excluded.topic`,
        // Dated from its files when Zoom lists them: a re-read corrects a date taken from a series' start.
        startTime: sql`excluded.start_time`,
        durationMinutes: sql`excluded.duration_minutes`,
        autoDeleteDate: keep('auto_delete_date'),
        recordingEnd: keep('recording_end'),
        hostEmail: keep('host_email'),
        downloadTokenSealed: keep('download_token_sealed'),
        downloadTokenExpiresAt: sql.raw(
          'case when excluded.download_token_sealed is null then "recordings"."download_token_expires_at" else excluded.download_token_expires_at end',
        ),
        updatedAt: new Date(),
      },
      setWhere: ne(recordings.status, 'erased'),
    })
    .returning({
      id: recordings.id,
      status: recordings.status,
      autoDeleteDate: recordings.autoDeleteDate,
      isNew: sql<boolean>`(xmax = 0)`.as('is_new'),
      isClaimed:
        sql<boolean>`(${recordings.claimedByJob} IS NOT NULL AND ${recordings.claimedUntil} > now())`.as(
          'is_claimed',
        ),
    });
  // Two files with one key (no id, same type and start) would make the statement fail: the last one counts.
  const unique = [...new Map(files.map((file) => [file.fileKey, file])).values()];
  const listed = JSON.stringify(
    unique.map((file) => ({
      file_key: file.fileKey,
      file_type: file.fileType,
      recording_type: file.recordingType ?? null,
      recording_start: file.recordingStart?.toISOString() ?? null,
      recording_end: file.recordingEnd?.toISOString() ?? null,
      expected_size: file.expectedSize ?? null,
      zoom_status: file.zoomStatus ?? null,
      download_url: file.downloadUrl ?? null,
    })),
  );
  const [upserted] = rowsOf<{
    id: string;
    status: RecordingRow['status'];
    auto_delete_date: Date | string | null;
    is_new: boolean;
    is_claimed: boolean;
    unstored: number | string;
    changed: number | string;
  }>(
    await db.execute(sql`
      WITH upserted AS (${upsert.getSQL()}), prior AS (
        -- Every part of one statement sees the rows as they were before it: the files' earlier state.
        SELECT file_key, zoom_status FROM recording_files WHERE recording_id IN (SELECT id FROM upserted)
      ), event AS (
        INSERT INTO recording_events (recording_id, status, detail)
        SELECT id, status, ${encodeMessage(`discovered_via_${values.discoveredVia}`)} FROM upserted WHERE is_new
      ), files AS (
        INSERT INTO recording_files (recording_id, file_key, file_type, recording_type, recording_start,
                                     recording_end, expected_size, zoom_status, download_url)
        SELECT upserted.id, f.file_key, f.file_type, f.recording_type, f.recording_start, f.recording_end,
               f.expected_size, f.zoom_status, f.download_url
          FROM upserted, jsonb_to_recordset(${listed}::jsonb) AS f(file_key text, file_type text,
               recording_type text, recording_start timestamptz, recording_end timestamptz,
               expected_size bigint, zoom_status text, download_url text)
        ON CONFLICT (recording_id, file_key) DO UPDATE SET
          download_url = excluded.download_url, zoom_status = excluded.zoom_status,
          expected_size = excluded.expected_size, recording_start = excluded.recording_start,
          recording_end = excluded.recording_end, recording_type = excluded.recording_type,
          -- A file listed while processing may have had no type yet.
          file_type = excluded.file_type
        RETURNING file_key, zoom_status, storage_key
      )
      SELECT id, status, auto_delete_date, is_new, is_claimed,
             (SELECT count(*) FROM files WHERE storage_key IS NULL)::int AS unstored,
             (SELECT count(*) FROM files LEFT JOIN prior USING (file_key)
               WHERE prior.file_key IS NULL OR prior.zoom_status IS DISTINCT FROM files.zoom_status)::int AS changed
        FROM upserted`),
  );
  if (upserted) {
    return {
      id: upserted.id,
      status: upserted.status,
      autoDeleteDate: upserted.auto_delete_date === null ? null : new Date(upserted.auto_delete_date),
      isNew: upserted.is_new,
      unstoredFiles: Number(upserted.unstored),
      changedFiles: Number(upserted.changed),
      isClaimed: upserted.is_claimed,
    };
  }
  const [erased] = await db
    .select({ id: recordings.id, status: recordings.status, autoDeleteDate: recordings.autoDeleteDate })
    .from(recordings)
    .where(
      and(eq(recordings.connectionId, values.connectionId), eq(recordings.meetingUuid, values.meetingUuid)),
    );
  return { ...erased!, isNew: false, unstoredFiles: 0, changedFiles: 0, isClaimed: false };
}

/**
 * Forgets files listed earlier while still processing without a type (`file_type: ""`) that Zoom no longer
 * lists under that key: they became typed files with their own key.
 */
export async function forgetUntypedFiles(db: Db, recordingId: string, keepKeys: string[]) {
  await db
    .delete(recordingFiles)
    .where(
      and(
        eq(recordingFiles.recordingId, recordingId),
        eq(recordingFiles.fileType, ''),
        isNull(recordingFiles.storageKey),
        keepKeys.length > 0 ? sql`${recordingFiles.fileKey} <> all(${sql.param(keepKeys)})` : sql`true`,
      ),
    );
}

/** Adds an event to a recording's timeline unless the same one is already there (seen again by a sweep). */
export async function recordRecordingEventOnce(db: Db, recordingId: string, status: string, detail: string) {
  await db.execute(sql`
    insert into recording_events (recording_id, status, detail)
    select ${recordingId}, ${status}, ${detail}
    where not exists (
      select 1 from recording_events where recording_id = ${recordingId} and status = ${status} and detail = ${detail}
    )`);
}

export async function findRecording(db: Db, recordingId: string) {
  const [row] = await db.select().from(recordings).where(eq(recordings.id, recordingId));
  return row;
}

export async function findRecordingByUuid(db: Db, connectionId: string, meetingUuid: string) {
  return db.query.recordings.findFirst({
    where: and(eq(recordings.connectionId, connectionId), eq(recordings.meetingUuid, meetingUuid)),
  });
}

export function findRecordingsByMeetingId(db: Db, connectionId: string, meetingId: number) {
  return db
    .select()
    .from(recordings)
    .where(and(eq(recordings.connectionId, connectionId), eq(recordings.meetingId, meetingId)))
    .orderBy(asc(recordings.startTime));
}

/**
 * What an import run reads before it starts, in one statement: the recording's Zoom connection, and
 * its host's Callport user when the host is linked (with their licence and whether they are active).
 */
export async function findImportContext(db: Db, connectionId: string, hostZoomId: string) {
  const [row] = await db
    .select({
      connection: zoomConnections,
      host: { userId: users.id, name: users.name, isLicensed: users.isLicensed, isActive: users.isActive },
    })
    .from(zoomConnections)
    .leftJoin(
      userLinks,
      and(eq(userLinks.connectionId, zoomConnections.id), eq(userLinks.zoomUserId, hostZoomId)),
    )
    .leftJoin(users, eq(users.id, userLinks.userId))
    .where(eq(zoomConnections.id, connectionId));
  return row ? { connection: row.connection, host: row.host ?? undefined } : undefined;
}

export function listRecordingFiles(db: Db, recordingId: string) {
  return db.query.recordingFiles.findMany({
    where: eq(recordingFiles.recordingId, recordingId),
    orderBy: asc(recordingFiles.recordingStart),
  });
}

/**
 * Changes a recording's status through the transition table and records the change with its time, in
 * one statement. `known`: the status the caller just read or set, saving a read; the update only
 * applies if the row still has it (otherwise the row is read again), so a concurrent change is never
 * overwritten blindly.
 */
export async function setRecordingStatus(
  db: Db,
  recordingId: string,
  to: RecordingStatus,
  detail?: string,
  known?: Pick<RecordingRow, 'status' | 'statusReason'>,
): Promise<{ recordingEnd: Date | null } | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const hinted = attempt === 0 && known && canTransition(known.status, to) ? known : undefined;
    const current = hinted ?? (await findRecording(db, recordingId));
    if (!current) return undefined;
    if (!canTransition(current.status, to)) {
      throw new Error(`recording ${recordingId}: no transition from ${current.status} to ${to}`);
    }
    const [row] = rowsOf<{ recording_end: Date | string | null }>(
      await db.execute(sql`
        WITH updated AS (
          UPDATE recordings SET ${statusChange(to, detail ?? null)}
           WHERE id = ${recordingId} AND ${hasStatus(current)}
          RETURNING id, recording_end
        ), event AS (
          ${statusEvent(current, to, detail ?? null)}
        )
        SELECT recording_end FROM updated`),
    );
    if (!row) continue;
    return { recordingEnd: row.recording_end === null ? null : new Date(row.recording_end) };
  }
  throw new Error(`recording ${recordingId}: its status kept changing while being set to ${to}`);
}

/** The SET list of a status change (`imported` dates the import). */
function statusChange(to: RecordingStatus, detail: string | null) {
  const now = new Date().toISOString();
  return sql`status = ${to}, status_reason = ${detail}, updated_at = ${now}::timestamptz${
    to === 'imported' ? sql`, imported_at = ${now}::timestamptz` : sql``
  }`;
}

/** The recording still has the status its writer last saw. */
function hasStatus(known: Pick<RecordingRow, 'status' | 'statusReason'>) {
  return sql`status = ${known.status} AND status_reason IS NOT DISTINCT FROM ${known.statusReason}`;
}

/** The timeline entry of a change applied by the CTE `updated` (none when nothing changed). */
function statusEvent(
  from: Pick<RecordingRow, 'status' | 'statusReason'>,
  to: RecordingStatus,
  detail: string | null,
) {
  const changed = from.status !== to || detail !== from.statusReason;
  return sql`INSERT INTO recording_events (recording_id, status, detail)
    SELECT id, ${to}, ${detail} FROM updated WHERE ${sql.raw(String(changed))}`;
}

/** The rows of `db.execute` (node-postgres and PGlite both answer `{ rows }`). */
function rowsOf<Row>(result: unknown): Row[] {
  return (result as { rows: Row[] }).rows;
}

/**
 * Takes the recording for one job and returns it: free, already this job's (a retry of the same job
 * keeps its id), or its lease expired (the holder died). Two workers never import the same recording
 * at once. Undefined when it is not to be imported (removed, deleted, trashed or erased) or held by
 * another job.
 */
export async function claimRecording(
  db: Db,
  recordingId: string,
  jobId: string,
  leaseSeconds: number,
): Promise<RecordingRow | undefined> {
  const [row] = await db
    .update(recordings)
    .set({
      claimedByJob: jobId,
      claimedUntil: new Date(Date.now() + leaseSeconds * 1000),
      attempts: sql`${recordings.attempts} + 1`,
    })
    .where(
      and(
        eq(recordings.id, recordingId),
        notInArray(recordings.status, ['deleted', 'trashed', 'erased']),
        or(
          isNull(recordings.claimedByJob),
          eq(recordings.claimedByJob, jobId),
          lt(recordings.claimedUntil, new Date()),
        ),
      ),
    )
    .returning();
  return row;
}

/** Renews the job's lease; false when the job no longer holds the recording (another job took it). */
export async function extendClaim(
  db: Db,
  recordingId: string,
  jobId: string,
  leaseSeconds: number,
): Promise<boolean> {
  const rows = await db
    .update(recordings)
    .set({ claimedUntil: new Date(Date.now() + leaseSeconds * 1000) })
    .where(and(eq(recordings.id, recordingId), eq(recordings.claimedByJob, jobId)))
    .returning({ id: recordings.id });
  return rows.length === 1;
}

export async function releaseRecording(db: Db, recordingId: string, jobId: string) {
  await db
    .update(recordings)
    .set({ claimedByJob: null, claimedUntil: null })
    .where(and(eq(recordings.id, recordingId), eq(recordings.claimedByJob, jobId)));
}

export async function markFileStored(
  db: Db,
  fileId: string,
  stored: { storageKey: string; size: number; sha256: string },
): Promise<RecordingFileRow> {
  const [row] = await db
    .update(recordingFiles)
    .set({
      storageKey: stored.storageKey,
      storedSize: stored.size,
      sha256: stored.sha256,
      storedAt: new Date(),
    })
    .where(eq(recordingFiles.id, fileId))
    .returning();
  if (!row) throw new Error(`recording file ${fileId} disappeared while it was stored`);
  return row;
}

export type TranscriptLine = { speaker: string; startMs: number; endMs: number; text: string };

/** What an import writes of its call (one per meeting instance: created once, refreshed later). */
export type CallValues = Omit<typeof calls.$inferInsert, 'id' | 'recordingId' | 'createdAt' | 'searchVector'>;

/**
 * What an import run writes once its files are stored, as one statement and only while `jobId` still
 * holds the recording's lease: the files stored since their last record, the call, its transcript and
 * search document, the status `imported` (with its timeline entry) and the lease given back. Undefined
 * when the lease is lost (another job has the recording): then nothing is written. `statusSet` is
 * false when the recording's status changed meanwhile (`known` is no longer true): the caller decides.
 */
export async function completeImport(
  db: Db,
  input: {
    recordingId: string;
    jobId: string;
    known: Pick<RecordingRow, 'status' | 'statusReason'>;
    files: Array<{ id: string; storageKey: string; size: number; sha256: string }>;
    call: CallValues;
    transcript: TranscriptLine[];
  },
): Promise<{ callId: string; statusSet: boolean; recordingEnd: Date | null } | undefined> {
  const { call } = input;
  const now = new Date().toISOString();
  const [row] = rowsOf<{ call_id: string; status_set: boolean; recording_end: Date | string | null }>(
    await db.execute(sql`
      WITH held AS (
        SELECT id FROM recordings WHERE id = ${input.recordingId} AND claimed_by_job = ${input.jobId} FOR UPDATE
      ), stored AS (
        UPDATE recording_files f
           SET storage_key = v.storage_key, stored_size = v.stored_size, sha256 = v.sha256, stored_at = ${now}::timestamptz
          FROM held, jsonb_to_recordset(${JSON.stringify(
            input.files.map((file) => ({
              id: file.id,
              storage_key: file.storageKey,
              stored_size: file.size,
              sha256: file.sha256,
            })),
          )}::jsonb) AS v(id uuid, storage_key text, stored_size bigint, sha256 text)
         WHERE f.id = v.id AND f.recording_id = held.id
      ), call AS (
        INSERT INTO calls (organization_id, recording_id, host_user_id, topic, started_at, duration_seconds,
                           participants, chat, language, zoom_summary)
        SELECT ${call.organizationId}::uuid, held.id, ${call.hostUserId ?? null}::uuid, ${call.topic},
               ${call.startedAt.toISOString()}::timestamptz, ${call.durationSeconds},
               ${JSON.stringify(call.participants ?? [])}::jsonb, ${JSON.stringify(call.chat ?? [])}::jsonb,
               ${call.language ?? 'fr'}, ${call.zoomSummary ? JSON.stringify(call.zoomSummary) : null}::jsonb
          FROM held
        ON CONFLICT (recording_id) DO UPDATE SET
          topic = excluded.topic, started_at = excluded.started_at, duration_seconds = excluded.duration_seconds,
          host_user_id = excluded.host_user_id, participants = excluded.participants, chat = excluded.chat,
          language = excluded.language, zoom_summary = excluded.zoom_summary
        RETURNING id, language
      ), ${transcriptWrites(input.transcript)}, updated AS (
        UPDATE recordings r SET ${statusChange('imported', null)}, claimed_by_job = NULL, claimed_until = NULL
          FROM held
         WHERE r.id = held.id AND ${hasStatus(input.known)}
        RETURNING r.id, r.recording_end
      ), event AS (
        ${statusEvent(input.known, 'imported', null)}
      )
      SELECT call.id AS call_id, updated.id IS NOT NULL AS status_set, updated.recording_end
        FROM call LEFT JOIN updated ON true`),
  );
  if (!row) return undefined;
  return {
    callId: row.call_id,
    statusSet: row.status_set,
    recordingEnd: row.recording_end === null ? null : new Date(row.recording_end),
  };
}

/**
 * The CTEs that make the transcript of the call in the CTE `call` (id, language) `lines`: each line
 * written over the one with its number, the lines past the new end removed, and the call's search
 * document (the whole transcript, one row per call: see `transcriptDocuments`) written or removed.
 * Each line carries the call's language: its search vector is generated from its own row.
 */
function transcriptWrites(lines: TranscriptLine[]) {
  const rows = JSON.stringify(
    lines.map((line, seq) => ({
      seq,
      speaker: line.speaker,
      start_ms: line.startMs,
      end_ms: line.endMs,
      text: line.text,
    })),
  );
  return sql`lines AS (
      INSERT INTO transcript_lines (call_id, seq, language, speaker, start_ms, end_ms, text)
      SELECT call.id, l.seq, call.language, l.speaker, l.start_ms, l.end_ms, l.text
        FROM call, jsonb_to_recordset(${rows}::jsonb) AS l(seq int, speaker text, start_ms int, end_ms int, text text)
      ON CONFLICT (call_id, seq) DO UPDATE SET language = excluded.language, speaker = excluded.speaker,
        start_ms = excluded.start_ms, end_ms = excluded.end_ms, text = excluded.text
    ), trimmed AS (
      DELETE FROM transcript_lines t USING call WHERE t.call_id = call.id AND t.seq >= ${sql.raw(String(lines.length))}
    ), document AS (
      INSERT INTO transcript_documents (call_id, language, search_vector)
      SELECT call.id, call.language, to_tsvector(${searchConfigSql(sql`call.language`)}, ${lines
        .map((line) => line.text)
        .join(' ')}::text)
        FROM call WHERE ${sql.raw(String(lines.length > 0))}
      ON CONFLICT (call_id) DO UPDATE SET language = excluded.language, search_vector = excluded.search_vector
    ), undocumented AS (
      DELETE FROM transcript_documents d USING call WHERE d.call_id = call.id AND ${sql.raw(String(lines.length === 0))}
    )`;
}

/** Replaces a call's transcript (and its search document), in one statement. */
export async function replaceTranscript(db: Db, callId: string, lines: TranscriptLine[]) {
  await db.execute(sql`
    WITH call AS (SELECT id, language FROM calls WHERE id = ${callId}), ${transcriptWrites(lines)}
    SELECT 1`);
}

export async function listRecordingEvents(db: Db, recordingIds: string[]) {
  if (recordingIds.length === 0) return [];
  return db
    .select()
    .from(recordingEvents)
    .where(inArray(recordingEvents.recordingId, recordingIds))
    .orderBy(asc(recordingEvents.at));
}

export async function findSweep(db: Db, connectionId: string) {
  const [row] = await db.select().from(importSweeps).where(eq(importSweeps.connectionId, connectionId));
  return row;
}

export async function saveSweep(
  db: Db,
  connectionId: string,
  values: Partial<typeof importSweeps.$inferInsert>,
) {
  await db
    .insert(importSweeps)
    .values({ connectionId, ...values })
    .onConflictDoUpdate({ target: importSweeps.connectionId, set: values });
}

export function listUserSweeps(db: Db, connectionId: string): Promise<UserSweepRow[]> {
  return db.select().from(importUserSweeps).where(eq(importUserSweeps.connectionId, connectionId));
}

/** Records one user's listing: a success moves the cursor, a failure says why and keeps it. */
export async function saveUserSweep(
  db: Db,
  key: { connectionId: string; zoomUserId: string },
  outcome:
    | { ok: true; startedAt: Date; from: string; found: number }
    | { ok: false; startedAt: Date; code: string; detail: string },
) {
  const values = outcome.ok
    ? {
        sweptAt: outcome.startedAt,
        backfillFrom: outcome.from,
        lastAttemptAt: outcome.startedAt,
        lastErrorCode: null,
        lastErrorDetail: null,
        failures: 0,
        recordingsFound: outcome.found,
      }
    : {
        lastAttemptAt: outcome.startedAt,
        lastErrorCode: outcome.code,
        lastErrorDetail: outcome.detail,
        failures: 1,
      };
  await db
    .insert(importUserSweeps)
    .values({ ...key, ...values })
    .onConflictDoUpdate({
      target: [importUserSweeps.connectionId, importUserSweeps.zoomUserId],
      // Two sweeps can list a user at once (a full sweep that started before their link, and their
      // backfill): the one finishing last must not date the attempt back to before the link, which
      // made the next minute's dispatcher start their backfill again.
      set: outcome.ok
        ? {
            ...values,
            lastAttemptAt: sql`greatest(${importUserSweeps.lastAttemptAt}, excluded.last_attempt_at)`,
            // The earliest day ever listed for the user stays: that is where their backfill began.
            backfillFrom: sql`least(${importUserSweeps.backfillFrom}, excluded.backfill_from)`,
            recordingsFound: sql`${importUserSweeps.recordingsFound} + excluded.recordings_found`,
          }
        : {
            ...values,
            lastAttemptAt: sql`greatest(${importUserSweeps.lastAttemptAt}, excluded.last_attempt_at)`,
            failures: sql`${importUserSweeps.failures} + 1`,
          },
    });
}

/**
 * Recordings skipped because their host was not linked or not licensed whose host now is linked to an
 * active, licensed user (linking the host, or licensing or re-activating the user), set back to
 * `discovered` and returned, for their import job. One statement: of two callers at once (the links
 * saved, a sweep ending), only one gets each recording, and once its job is queued no later call
 * finds it skipped while the job starts (that queued a second job: the queue only merges jobs not
 * started yet). One that stays `discovered` without a job (the process died) is an orphan, queued again.
 */
export async function reopenSkippedNowImportable(
  db: Db,
  connectionId: string,
): Promise<Array<{ id: string; autoDeleteDate: Date | null }>> {
  const ready = db
    .select({ id: recordings.id })
    .from(recordings)
    .innerJoin(
      userLinks,
      and(
        eq(userLinks.connectionId, recordings.connectionId),
        eq(userLinks.zoomUserId, recordings.hostZoomId),
      ),
    )
    .innerJoin(users, eq(users.id, userLinks.userId))
    .where(
      and(
        eq(recordings.connectionId, connectionId),
        eq(recordings.status, 'skipped'),
        inArray(recordings.statusReason, ['host_not_linked', 'host_not_licensed']),
        eq(users.isLicensed, true),
        eq(users.isActive, true),
      ),
    )
    .limit(5000);
  const detail = encodeMessage('host_now_importable');
  const rows = rowsOf<{ id: string; auto_delete_date: Date | string | null }>(
    await db.execute(sql`
      WITH updated AS (
        UPDATE recordings SET ${statusChange('discovered', detail)}
         WHERE id IN (${ready}) AND status = 'skipped'
        RETURNING id, auto_delete_date
      ), event AS (
        ${statusEvent({ status: 'skipped', statusReason: null }, 'discovered', detail)}
      )
      SELECT id, auto_delete_date FROM updated`),
  );
  return rows.map((row) => ({
    id: row.id,
    autoDeleteDate: row.auto_delete_date === null ? null : new Date(row.auto_delete_date),
  }));
}

/**
 * Whether a linked, licensed, active user of the connection was never tried since their link (never
 * listed, or listed only while linked to nobody): their first import is due.
 */
export async function hasUnsweptLinkedUser(db: Db, connectionId: string): Promise<boolean> {
  const [row] = await db
    .select({ zoomUserId: userLinks.zoomUserId })
    .from(userLinks)
    .innerJoin(users, eq(users.id, userLinks.userId))
    .leftJoin(
      importUserSweeps,
      and(
        eq(importUserSweeps.connectionId, userLinks.connectionId),
        eq(importUserSweeps.zoomUserId, userLinks.zoomUserId),
      ),
    )
    .where(
      and(
        eq(userLinks.connectionId, connectionId),
        eq(users.isLicensed, true),
        eq(users.isActive, true),
        or(isNull(importUserSweeps.lastAttemptAt), lt(importUserSweeps.lastAttemptAt, userLinks.linkedAt)),
      ),
    )
    .limit(1);
  return Boolean(row);
}

/**
 * Recordings left unfinished by a worker that died: not imported, not ended, and no live claim.
 * Their import job may be stuck "active" in the queue until it expires; re-enqueuing is harmless.
 */
export function listOrphanedRecordings(db: Db, olderThanSeconds: number) {
  return db
    .select({ id: recordings.id, autoDeleteDate: recordings.autoDeleteDate })
    .from(recordings)
    .where(
      and(
        inArray(recordings.status, ['discovered', 'importing', 'waiting']),
        or(isNull(recordings.claimedUntil), lt(recordings.claimedUntil, new Date())),
        lt(recordings.updatedAt, new Date(Date.now() - olderThanSeconds * 1000)),
      ),
    )
    .limit(1000);
}

/** Recordings per status for some connections, started on or after a UTC date (backfill progress). */
export async function countRecordingsByStatus(
  db: Db,
  connectionIds: string[],
  since: string,
): Promise<Record<string, number>> {
  if (connectionIds.length === 0) return {};
  const rows = await db
    .select({ status: recordings.status, count: sql<number>`count(*)::int` })
    .from(recordings)
    .where(
      and(
        inArray(recordings.connectionId, connectionIds),
        sql`${recordings.startTime} >= ${new Date(`${since}T00:00:00Z`)}`,
      ),
    )
    .groupBy(recordings.status);
  return Object.fromEntries(rows.map((row) => [row.status, row.count]));
}

/** Recordings kept for hosts not linked yet, per host (the Imports tab's "waiting for a link"). */
export async function countUnmatchedHosts(db: Db, connectionId: string) {
  const rows = await db
    .select({
      zoomUserId: recordings.hostZoomId,
      email: sql<string | null>`max(${recordings.hostEmail})`,
      recordings: sql<number>`count(*)::int`,
    })
    .from(recordings)
    .where(
      and(
        eq(recordings.connectionId, connectionId),
        eq(recordings.status, 'skipped'),
        eq(recordings.statusReason, 'host_not_linked'),
      ),
    )
    .groupBy(recordings.hostZoomId)
    .orderBy(sql`count(*) desc`)
    .limit(200);
  return rows;
}

/**
 * A recording Zoom deletes within a day (its trash auto-delete date) that Callport has not imported:
 * the Imports tab's "at risk". The one definition, for each row and for the count.
 */
const isAtRisk = sql<boolean>`(${recordings.status} NOT IN ('imported', 'deleted') AND ${recordings.autoDeleteDate} < now() + interval '24 hours') IS TRUE`;

/** The latest recordings of a connection with their call, newest first (the Imports tab). */
export function listLatestRecordings(db: Db, connectionId: string, limit: number) {
  return db
    .select({ recording: recordings, callId: calls.id, isAtRisk })
    .from(recordings)
    .leftJoin(calls, eq(calls.recordingId, recordings.id))
    .where(eq(recordings.connectionId, connectionId))
    .orderBy(desc(recordings.startTime))
    .limit(limit);
}

/** A connection's recordings per status, and how many are at risk. */
export async function countConnectionRecordings(db: Db, connectionId: string) {
  const rows = await db
    .select({
      status: recordings.status,
      count: sql<number>`count(*)::int`,
      atRisk: sql<number>`count(*) FILTER (WHERE ${isAtRisk})::int`,
    })
    .from(recordings)
    .where(eq(recordings.connectionId, connectionId))
    .groupBy(recordings.status);
  return {
    counts: Object.fromEntries(rows.map((row) => [row.status, row.count])),
    atRisk: rows.reduce((total, row) => total + row.atRisk, 0),
  };
}

/** A batch of a connection's recordings not erased yet (its data deleted after an uninstall). */
export async function listUnerasedRecordings(db: Db, connectionId: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: recordings.id })
    .from(recordings)
    .where(and(eq(recordings.connectionId, connectionId), ne(recordings.status, 'erased')))
    .limit(limit);
  return rows.map((row) => row.id);
}
