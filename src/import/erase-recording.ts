import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Db, schema, selectValues } from '../db/index.ts';
import type { BlobStore } from '../storage/index.ts';
import {
  findRecording,
  listRecordingFiles,
  markFileStored,
  type RecordingFileRow,
  replaceTranscript,
} from './queries.ts';
import { normalizedName, removeSendersFromChat, removeSpeakersFromVtt, sameName } from './vtt.ts';

const { recordings, recordingFiles, recordingEvents, calls, erasedNames } = schema;

type EraseDeps = { db: Db; store: BlobStore };

/**
 * Removes a recording from Callport for good (erasure request, retention): its call, transcript and
 * stored files go; the recording row stays as an `erased` tombstone (meeting UUID only) so that no
 * webhook or sweep imports it again. Idempotent: it also cleans up after an import that was still
 * running when the recording was erased.
 */
export async function eraseRecording(
  deps: EraseDeps,
  recordingId: string,
  reason: string,
): Promise<{ hadCall: boolean } | undefined> {
  const { db } = deps;
  const recording = await findRecording(db, recordingId);
  if (!recording) return undefined;
  // The status first: from now on every import job stops at this recording.
  await db.transaction(async (tx) => {
    await tx.delete(recordingEvents).where(eq(recordingEvents.recordingId, recordingId));
    await tx.insert(recordingEvents).values({ recordingId, status: 'erased', detail: reason });
    await tx
      .update(recordings)
      .set({
        status: 'erased',
        statusReason: reason,
        topic: '',
        hostEmail: null,
        hostZoomId: '',
        durationMinutes: 0,
        recordingEnd: null,
        autoDeleteDate: null,
        downloadTokenSealed: null,
        downloadTokenExpiresAt: null,
        updatedAt: new Date(),
      })
      .where(eq(recordings.id, recordingId));
  });
  await deps.store.deletePrefix(`${recording.organizationId}/${recording.id}`);
  await db.delete(recordingFiles).where(eq(recordingFiles.recordingId, recordingId));
  const deleted = await db
    .delete(calls)
    .where(eq(calls.recordingId, recordingId))
    .returning({ id: calls.id });
  return { hadCall: deleted.length > 0 };
}

/**
 * Removes a person from an imported call they did not host: their transcript cues and chat messages,
 * both in the stored Zoom files (rewritten, so a later rebuild cannot bring them back) and in the
 * call, and their name from the participants. Returns how many transcript lines and messages went.
 */
export async function removePersonFromCall(
  deps: EraseDeps,
  callId: string,
  names: string[],
): Promise<{ transcriptLines: number; chatMessages: number }> {
  const { db, store } = deps;
  const isErased = sameName(names);
  const [call] = await db.select().from(calls).where(eq(calls.id, callId));
  if (!call) return { transcriptLines: 0, chatMessages: 0 };

  for (const file of await listRecordingFiles(db, call.recordingId)) {
    if (!file.storageKey || (file.fileType !== 'TRANSCRIPT' && file.fileType !== 'CHAT')) continue;
    await redactStoredFile(deps, file, await text(await store.get(file.storageKey)), names);
  }

  const transcript = await db
    .select()
    .from(schema.transcriptLines)
    .where(eq(schema.transcriptLines.callId, callId))
    .orderBy(schema.transcriptLines.seq);
  const keptLines = transcript.filter((line) => !isErased(line.speaker));
  if (keptLines.length !== transcript.length) {
    await replaceTranscript(
      db,
      callId,
      keptLines.map(({ speaker, startMs, endMs, text }) => ({ speaker, startMs, endMs, text })),
    );
  }
  const keptChat = call.chat.filter((message) => !isErased(message.sender));
  await db
    .update(calls)
    .set({ chat: keptChat, participants: call.participants.filter((name) => !isErased(name)) })
    .where(eq(calls.id, callId));
  return {
    transcriptLines: transcript.length - keptLines.length,
    chatMessages: call.chat.length - keptChat.length,
  };
}

/**
 * Rewrites a stored Zoom transcript or chat file (its current content given) without the cues or
 * messages of `names`; returns the content now stored.
 */
export async function redactStoredFile(
  deps: EraseDeps,
  file: RecordingFileRow,
  content: string,
  names: string[],
): Promise<string> {
  const redacted =
    file.fileType === 'TRANSCRIPT'
      ? removeSpeakersFromVtt(content, names)
      : removeSendersFromChat(content, names);
  if (redacted === content || !file.storageKey) return content;
  const stored = await deps.store.put(file.storageKey, Readable.from([Buffer.from(redacted)]));
  await markFileStored(deps.db, file.id, { storageKey: file.storageKey, ...stored });
  return redacted;
}

/** Calls of an organisation in which any of `names` speaks, writes in the chat or is listed. */
export async function findCallsMentioning(
  db: Db,
  organizationId: string,
  names: string[],
): Promise<string[]> {
  const lowered = [...new Set(names.map(normalizedName).filter(Boolean))];
  if (lowered.length === 0) return [];
  const list = sql.join(
    lowered.map((name) => sql`${name}`),
    sql`, `,
  );
  return selectValues(
    db,
    calls.id,
    and(
      eq(calls.organizationId, organizationId),
      sql`(
          EXISTS (SELECT 1 FROM jsonb_array_elements_text(${calls.participants}) AS p(name)
                  WHERE lower(trim(p.name)) IN (${list}))
          OR EXISTS (SELECT 1 FROM jsonb_array_elements(${calls.chat}) AS m(message)
                  WHERE lower(trim(m.message->>'sender')) IN (${list}))
          OR EXISTS (SELECT 1 FROM ${schema.transcriptLines} t
                  WHERE t.call_id = ${calls.id} AND lower(trim(t.speaker)) IN (${list}))
        )`,
    ),
  );
}

const erasedNameHash = (organizationId: string, name: string) =>
  createHash('sha256')
    .update(`${organizationId}:${normalizedName(name)}`)
    .digest('hex');

/** Remembers erased people's names, hashed, so calls imported later leave them out. */
export async function rememberErasedNames(db: Db, organizationId: string, names: string[]) {
  const hashes = [
    ...new Set(names.filter((name) => name.trim()).map((n) => erasedNameHash(organizationId, n))),
  ];
  if (hashes.length === 0) return;
  await db
    .insert(erasedNames)
    .values(hashes.map((nameSha256) => ({ organizationId, nameSha256 })))
    .onConflictDoNothing();
}

/** Which of these names (speakers, chat senders) belong to people erased from the organisation. */
export async function findErasedNames(db: Db, organizationId: string, names: string[]): Promise<string[]> {
  // One hash per distinct name: a transcript names its few speakers on every line.
  const hashed = [...new Set(names)].map((name) => ({ name, hash: erasedNameHash(organizationId, name) }));
  if (hashed.length === 0) return [];
  const erased = new Set(
    await selectValues(
      db,
      erasedNames.nameSha256,
      and(
        eq(erasedNames.organizationId, organizationId),
        inArray(
          erasedNames.nameSha256,
          hashed.map((entry) => entry.hash),
        ),
      ),
    ),
  );
  return hashed.filter((entry) => erased.has(entry.hash)).map((entry) => entry.name);
}
