import { text } from 'node:stream/consumers';
import { type ConnectionRow, canReadMeetingSummaries, type ZoomAccess } from '../connections/index.ts';
import type { Db } from '../db/index.ts';
import { detectLanguage } from '../lib/language.ts';
import type { Logger } from '../lib/logger.ts';
import { encodeMessage } from '../lib/messages.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import type { BlobStore } from '../storage/index.ts';
import { recordSeenHost } from '../user-mapping/index.ts';
import { decideZoomFailure, openRecordingDownload, ZoomApiError } from '../zoom/index.ts';
import { discoverRecording } from './discover-recording.ts';
import { eraseRecording, findErasedNames, redactStoredFile } from './erase-recording.ts';
import {
  type CallValues,
  claimRecording,
  completeImport,
  extendClaim,
  findImportContext,
  findRecording,
  listRecordingFiles,
  markFileStored,
  type RecordingFileRow,
  type RecordingRow,
  releaseRecording,
  setRecordingStatus,
  type TranscriptLine,
} from './queries.ts';
import { parseChat, parseVtt } from './vtt.ts';

export type ImportDeps = {
  db: Db;
  box: SecretBox;
  store: BlobStore;
  access: ZoomAccess;
  logger: Logger;
  metrics?: Metrics | undefined;
};

/** What one run of the import job decided; `retry` asks the caller to run it again later. */
export type ImportOutcome =
  | { outcome: 'imported'; callId: string }
  /** Already imported; new files (a transcript finished later) were added to the call. */
  | { outcome: 'updated'; callId: string }
  /** Already imported and nothing new at Zoom (a duplicate webhook, a second sweep). */
  | { outcome: 'unchanged' }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'retry'; afterSeconds: number; reason: string }
  | { outcome: 'busy' }
  | { outcome: 'gone'; reason: string };

// Short lease, renewed while the job runs: a crashed worker's recording is free again within a minute.
const defaultLeaseSeconds = 60;
// A sweep's listing this recent is the file list: the import does not ask Zoom again.
const listingFreshMs = 15 * 60_000;
// A file this large is recorded as stored as soon as it is: a run that fails or dies afterwards never
// fetches it again. Smaller ones are recorded with the call, in the run's last statement.
const recordAtOnceBytes = 16 * 2 ** 20;

/** The job no longer holds the recording (another job took it over): this run stops, writing nothing. */
class LeaseLostError extends Error {
  constructor(recordingId: string, why: string) {
    super(`import lease on recording ${recordingId} lost: ${why}`);
    this.name = 'LeaseLostError';
  }
}

/**
 * The one import job of a meeting instance. Idempotent: files already stored are not fetched again, a
 * partly downloaded file continues where it stopped, the call is keyed on the recording. A crash at
 * any point leaves only what the next run continues from. A run whose lease is lost (a worker stalled
 * past it while another job took the recording) stops at once and writes nothing more.
 */
export async function importRecording(
  deps: ImportDeps,
  recordingId: string,
  jobId: string,
  options: { listedAt?: number | undefined; leaseSeconds?: number } = {},
): Promise<ImportOutcome> {
  const { db } = deps;
  const leaseSeconds = options.leaseSeconds ?? defaultLeaseSeconds;
  const recording = await claimRecording(db, recordingId, jobId, leaseSeconds);
  if (!recording) return unclaimable(deps, recordingId);
  const lease = holdLease(deps, recordingId, jobId, leaseSeconds);
  try {
    const context = await findImportContext(db, recording.connectionId, recording.hostZoomId);
    if (context?.connection.status !== 'connected') {
      return { outcome: 'skipped', reason: 'the Zoom connection is not active' };
    }
    const listed = options.listedAt !== undefined && Date.now() - options.listedAt < listingFreshMs;
    return await runImport(deps, context.connection, context.host, recording, { listed, jobId, lease });
  } catch (error) {
    if (!(error instanceof LeaseLostError) && !lease.signal.aborted) throw error;
    // Another job has the recording now: it imports it; this one is looked at again after a lease.
    deps.logger.warn({ recordingId, err: lease.signal.reason ?? error }, 'import stopped: lease lost');
    return { outcome: 'busy' };
  } finally {
    lease.stop();
    if (!lease.released) await releaseRecording(db, recordingId, jobId);
  }
}

/** Why a recording could not be claimed: gone, erased (what an earlier run wrote is removed), or busy. */
async function unclaimable(deps: ImportDeps, recordingId: string): Promise<ImportOutcome> {
  const recording = await findRecording(deps.db, recordingId);
  if (!recording) return { outcome: 'gone', reason: 'recording removed' };
  if (recording.status === 'deleted' || recording.status === 'trashed')
    return { outcome: 'gone', reason: recording.status };
  if (recording.status === 'erased') {
    // Erased while an earlier run was still importing it: remove what that run wrote.
    await eraseRecording(deps, recordingId, recording.statusReason ?? encodeMessage('erased'));
    return { outcome: 'gone', reason: 'erased' };
  }
  return { outcome: 'busy' };
}

type Lease = {
  /** Aborted (with a LeaseLostError) once the lease is lost: downloads stop, the run throws. */
  signal: AbortSignal;
  /** Set when the run's last statement gave the lease back. */
  released: boolean;
  stop(): void;
};

/**
 * Renews the job's lease every third of it. Another job holding the recording, or no renewal for a
 * whole lease (the database unreachable: another worker may take it), loses it.
 */
function holdLease(deps: ImportDeps, recordingId: string, jobId: string, leaseSeconds: number): Lease {
  const controller = new AbortController();
  let renewedAt = Date.now();
  const lose = (why: string) => {
    if (!controller.signal.aborted) controller.abort(new LeaseLostError(recordingId, why));
  };
  const timer = setInterval(
    () => {
      extendClaim(deps.db, recordingId, jobId, leaseSeconds).then(
        (held) => {
          if (held) renewedAt = Date.now();
          else lose('another job holds the recording');
        },
        (error: unknown) => {
          deps.logger.warn({ recordingId, err: error }, 'could not renew the import lease');
          if (Date.now() - renewedAt >= leaseSeconds * 1000) lose('not renewed for a whole lease');
        },
      );
    },
    (leaseSeconds / 3) * 1000,
  );
  return { signal: controller.signal, released: false, stop: () => clearInterval(timer) };
}

async function runImport(
  deps: ImportDeps,
  connection: ConnectionRow,
  host: { userId: string; name: string; isLicensed: boolean; isActive: boolean } | undefined,
  recording: RecordingRow,
  options: { listed: boolean; jobId: string; lease: Lease },
): Promise<ImportOutcome> {
  const { db, logger } = deps;
  const { lease } = options;
  if (!host) {
    await recordSeenHost(db, connection.id, { zoomUserId: recording.hostZoomId, email: recording.hostEmail });
    await setRecordingStatus(db, recording.id, 'skipped', 'host_not_linked');
    return { outcome: 'skipped', reason: 'host_not_linked' };
  }
  if (!host.isLicensed || !host.isActive) {
    await setRecordingStatus(db, recording.id, 'skipped', 'host_not_licensed');
    return { outcome: 'skipped', reason: 'host_not_licensed' };
  }
  // An imported call stays visible as imported while it is checked again for new files.
  const wasImported = recording.status === 'imported';
  if (!wasImported) await setRecordingStatus(db, recording.id, 'importing', undefined, recording);
  // The status this run last set: the next change is checked against it instead of read again.
  const current = wasImported ? recording : { status: 'importing' as const, statusReason: null };

  // One token for the run's requests and downloads, taken from the connection row read at the start of
  // the job; a refusal renews it (a run with large files can outlast a token).
  const session = { token: await deps.access.accessTokenFor(connection) };
  const client = deps.access.clientFor(connection, session);
  // Re-read the instance from the API (one Light request) unless a sweep's listing just gave its files:
  // webhook file lists can be incomplete (first segment only, docs/zoom-platform.md §7) and duplicated webhooks carry
  // differing URLs; a listing lists every file, and a later run (retry, processing files) re-reads.
  try {
    if (!options.listed) {
      const meeting = await client.getMeetingRecordings(recording.meetingUuid);
      await discoverRecording(deps, connection, meeting, { via: recording.discoveredVia });
    }
  } catch (error) {
    const decision = decideZoomFailure(error);
    if (decision.action === 'fail' && decision.kind === 'not_found') {
      await setRecordingStatus(db, recording.id, 'deleted', encodeMessage('gone_at_zoom'));
      return { outcome: 'gone', reason: 'deleted at Zoom' };
    }
    throw error;
  }

  const files = await listRecordingFiles(db, recording.id);
  const processing = files.filter((file) => file.zoomStatus && file.zoomStatus !== 'completed');
  if (processing.length > 0) {
    if (wasImported) return { outcome: 'retry', afterSeconds: 60, reason: 'new files still processing' };
    // Zoom can list a file still processing with an empty file_type (docs/zoom-platform.md §2.3): counted apart.
    const typed = processing.filter((file) => file.fileType).map((file) => file.fileType);
    const untyped = processing.length - typed.length;
    await setRecordingStatus(
      db,
      recording.id,
      'waiting',
      encodeMessage('zoom_processing_files', {
        files: typed.join(', '),
        ...(untyped > 0 ? { untyped } : {}),
      }),
    );
    return { outcome: 'retry', afterSeconds: 60, reason: 'files still processing' };
  }
  if (!files.some((file) => file.fileType === 'MP4' || file.fileType === 'M4A')) {
    await setRecordingStatus(db, recording.id, 'waiting', encodeMessage('no_media_yet'));
    return { outcome: 'retry', afterSeconds: 120, reason: 'no media yet' };
  }

  // The files not stored yet download at once: under Zoom's per-stream bandwidth a recording's video,
  // audio and transcript arrive together, and its database work waits for one download, not the sum.
  // One failing stops the others (what each had received stays for the next run to continue from).
  const downloads = new AbortController();
  const signal = AbortSignal.any([lease.signal, downloads.signal]);
  let failure: { error: unknown } | undefined;
  let storedNow = 0;
  // Stored by this run and not recorded yet: the run's last statement records them.
  const unrecorded = new Map<string, RecordingFileRow>();
  const settled = await Promise.allSettled(
    files.map(async (file): Promise<RecordingFileRow> => {
      if (file.storageKey && file.storedSize !== null) return file;
      try {
        signal.throwIfAborted();
        const blob = await storeFile(deps, { connectionId: connection.id, recording, file, session, signal });
        storedNow++;
        if (blob.size >= recordAtOnceBytes) return await markFileStored(db, file.id, blob);
        const row = { ...file, storedSize: blob.size, sha256: blob.sha256, storageKey: blob.storageKey };
        unrecorded.set(file.id, row);
        return row;
      } catch (error) {
        failure ??= { error };
        downloads.abort(error);
        throw error;
      }
    }),
  );
  if (failure) throw failure.error;
  const stored = settled.map((result) => (result as PromiseFulfilledResult<RecordingFileRow>).value);
  if (wasImported && storedNow === 0) return { outcome: 'unchanged' };

  // Without a summary scope Zoom refuses the request: it would only cost one of the account's Light
  // requests per import (at Callport's 20 a second, the import's pace on small recordings).
  const zoomSummary = canReadMeetingSummaries(connection.scopes)
    ? await readMeetingSummary(client, recording, logger)
    : null;
  const { call, transcript, redacted } = await composeCall(deps, recording, stored, host, zoomSummary);
  // A redacted transcript or chat was recorded with its new content as it was rewritten.
  for (const id of redacted) unrecorded.delete(id);
  lease.signal.throwIfAborted();
  const written = await completeImport(db, {
    recordingId: recording.id,
    jobId: options.jobId,
    known: current,
    files: [...unrecorded.values()].map((file) => ({
      id: file.id,
      storageKey: file.storageKey!,
      size: file.storedSize!,
      sha256: file.sha256!,
    })),
    call,
    transcript,
  });
  if (!written) throw new LeaseLostError(recording.id, 'another job holds the recording');
  lease.released = written.statusSet;
  // The status changed meanwhile (trashed, erased): the transition table decides from what it is now.
  const updated = written.statusSet ? written : await setRecordingStatus(db, recording.id, 'imported');
  if (wasImported) {
    logger.info(
      { recordingId: recording.id, callId: written.callId, added: storedNow },
      'imported call updated',
    );
    return { outcome: 'updated', callId: written.callId };
  }
  if (updated?.recordingEnd)
    deps.metrics?.importLatency.observe((Date.now() - updated.recordingEnd.getTime()) / 1000);
  logger.info(
    { recordingId: recording.id, callId: written.callId, files: stored.length },
    'recording imported',
  );
  return { outcome: 'imported', callId: written.callId };
}

/**
 * Streams one file to storage, continuing a partial download with `Range` when the store kept one.
 * The webhook's download_token is what Zoom gives for these files (docs/zoom-platform.md §4.3): used
 * while valid, through the same download-host check; refused or expired, the run's OAuth token, renewed
 * once when Zoom refuses it.
 */
async function storeFile(
  deps: ImportDeps,
  context: {
    connectionId: string;
    recording: RecordingRow;
    file: RecordingFileRow;
    session: { token: string };
    /** Aborted when the lease is lost or another file of the run failed. */
    signal: AbortSignal;
  },
): Promise<{ storageKey: string; size: number; sha256: string }> {
  const { recording, file, session } = context;
  if (!file.downloadUrl)
    throw new ZoomApiError({
      kind: 'transient',
      status: 0,
      message: `no download URL for ${file.fileType}`,
      endpoint: 'import',
    });
  const key = `${recording.organizationId}/${recording.id}/${safeName(file.fileKey)}.${extensionOf(file.fileType)}`;
  // Only an earlier run can have left a partial file: on the first (its claim counted it) none is looked for.
  let resumeFrom = recording.attempts > 1 ? await deps.store.partialSize(key) : 0;
  if (file.expectedSize !== null && resumeFrom >= file.expectedSize) resumeFrom = 0;
  const open = async (token: string) =>
    openRecordingDownload(file.downloadUrl!, {
      token,
      zoomUrls: [deps.access.app.apiUrl, deps.access.app.oauthUrl],
      rangeStart: resumeFrom,
      idleTimeoutMs: 60_000,
      signal: context.signal,
    });
  const downloadToken = validDownloadToken(deps, recording);
  let token = downloadToken ?? session.token;
  let download: Awaited<ReturnType<typeof openRecordingDownload>>;
  for (let attempt = 0; ; attempt++) {
    try {
      download = await open(token);
      break;
    } catch (error) {
      if (attempt >= 2 || decideZoomFailure(error).action !== 'reconnect') throw error;
      if (token === downloadToken) {
        deps.logger.info({ recordingId: recording.id }, 'download token refused; using the OAuth token');
        token = session.token;
      } else {
        session.token = await deps.access.renewAccessToken(context.connectionId, token);
        token = session.token;
      }
    }
  }
  const append = resumeFrom > 0 && download.isPartial;
  const result = await deps.store.put(key, download.body, { append, contentType: download.contentType });
  if (file.expectedSize !== null && result.size !== file.expectedSize) {
    await deps.store.delete(key);
    throw new ZoomApiError({
      kind: 'transient',
      status: 0,
      message: `${file.fileType} arrived with ${result.size} bytes instead of ${file.expectedSize}`,
      endpoint: 'download',
    });
  }
  return { storageKey: key, size: result.size, sha256: result.sha256 };
}

/** The recording's webhook download token while it has a minute left, else undefined. */
function validDownloadToken(deps: ImportDeps, recording: RecordingRow): string | undefined {
  if (!recording.downloadTokenSealed || !recording.downloadTokenExpiresAt) return undefined;
  if (recording.downloadTokenExpiresAt.getTime() - Date.now() < 60_000) return undefined;
  try {
    return deps.box.open(recording.downloadTokenSealed);
  } catch {
    return undefined;
  }
}

/**
 * AI Companion's summary of the meeting, when Zoom has one (docs/zoom-platform.md §2.6). Many accounts
 * have none (plan, setting off, scope not granted: 404, 4700, "no permission"): that is not a failure of
 * the import. Zoom unreachable, rate-limiting or refusing the token is, as for any other request.
 */
async function readMeetingSummary(
  client: ReturnType<ImportDeps['access']['clientFor']>,
  recording: RecordingRow,
  logger: ImportDeps['logger'],
): Promise<CallZoomSummary | null> {
  try {
    const summary = await client.getMeetingSummary(recording.meetingUuid);
    if (!summary) return null;
    // The host's edits (`edited_summary`) replace what AI Companion wrote, field by field, as Zoom shows them.
    const edited = summary.edited_summary ?? {};
    const editedSteps = (edited.next_steps ?? []).filter((step) => step.trim());
    const details = edited.summary_details?.trim()
      ? [{ label: '', summary: edited.summary_details.trim() }]
      : (summary.summary_details ?? [])
          .map((detail) => ({ label: detail.label ?? '', summary: detail.summary ?? '' }))
          .filter((detail) => detail.label || detail.summary);
    const nextSteps =
      editedSteps.length > 0 ? editedSteps : (summary.next_steps ?? []).filter((step) => step.trim());
    const overview = edited.summary_overview?.trim() || (summary.summary_overview ?? '');
    const content = summary.summary_content?.trim() ?? '';
    const isEdited = Boolean(
      edited.summary_overview?.trim() || edited.summary_details?.trim() || editedSteps.length,
    );
    const docUrl = summary.summary_doc_url?.startsWith('https://') ? summary.summary_doc_url : null;
    if (!overview && details.length === 0 && nextSteps.length === 0 && !content) return null;
    return { title: summary.summary_title ?? '', overview, details, nextSteps, content, isEdited, docUrl };
  } catch (error) {
    // Refused for this meeting (no summary feature, scope, setting): asking again gets the same answer.
    const decision = decideZoomFailure(error);
    if (decision.action === 'fail') {
      logger.info(
        { recordingId: recording.id, kind: decision.kind, code: (error as ZoomApiError).zoomCode },
        'no meeting summary from Zoom',
      );
      return null;
    }
    throw error;
  }
}

type CallZoomSummary = NonNullable<CallValues['zoomSummary']>;

/**
 * The call made of the stored files (transcript and chat segments read back, erased people left out
 * of them and of the stored files), written by the caller. `redacted`: files rewritten and recorded
 * anew on the way.
 */
async function composeCall(
  deps: ImportDeps,
  recording: RecordingRow,
  files: RecordingFileRow[],
  host: { userId: string; name: string },
  zoomSummary: CallZoomSummary | null,
): Promise<{ call: CallValues; transcript: TranscriptLine[]; redacted: string[] }> {
  const starts = files
    .map((file) => file.recordingStart?.getTime())
    .filter((time): time is number => time !== undefined);
  const callStart = starts.length > 0 ? Math.min(...starts) : recording.startTime.getTime();
  // A meeting recorded in several segments has one transcript and one chat per segment
  // (docs/zoom-platform.md §7): all of them, in order, on the call's own clock.
  const segments = (type: string) =>
    files
      .filter((file) => file.fileType === type && file.storageKey)
      .sort((a, b) => (a.recordingStart?.getTime() ?? 0) - (b.recordingStart?.getTime() ?? 0));
  const offsetOf = (file: RecordingFileRow) =>
    Math.max(0, (file.recordingStart?.getTime() ?? callStart) - callStart);
  const transcriptFiles = await Promise.all(
    segments('TRANSCRIPT').map(async (file) => ({
      file,
      text: await text(await deps.store.get(file.storageKey!)),
    })),
  );
  const chatFiles = await Promise.all(
    segments('CHAT').map(async (file) => ({
      file,
      text: await text(await deps.store.get(file.storageKey!)),
    })),
  );
  const readTranscript = (parts: typeof transcriptFiles) =>
    parts.flatMap(({ file, text: vtt }) =>
      parseVtt(vtt).map((line) => ({
        ...line,
        startMs: line.startMs + offsetOf(file),
        endMs: line.endMs + offsetOf(file),
      })),
    );
  const readChat = (parts: typeof chatFiles) =>
    parts.flatMap(({ file, text: chat }) =>
      parseChat(chat).map((message) => ({ ...message, at: shiftClock(message.at, offsetOf(file)) })),
    );
  let transcript = readTranscript(transcriptFiles);
  let chat = readChat(chatFiles);
  // People erased from the organisation before this transcript or chat arrived stay out of it: out of
  // the stored Zoom files first, then out of the call built from them.
  const erased = await findErasedNames(deps.db, recording.organizationId, [
    ...transcript.map((line) => line.speaker),
    ...chat.map((message) => message.sender),
  ]);
  const redacted: string[] = [];
  if (erased.length > 0) {
    for (const part of [...transcriptFiles, ...chatFiles]) {
      const kept = await redactStoredFile(deps, part.file, part.text, erased);
      if (kept !== part.text) redacted.push(part.file.id);
      part.text = kept;
    }
    transcript = readTranscript(transcriptFiles);
    chat = readChat(chatFiles);
  }
  // The call lasts as long as what plays: the audio or video files' times when there are some (Zoom's
  // `duration` counts the meeting's minutes, recorded or not), else any file's; Zoom sometimes reports a
  // duration of 0 (docs/zoom-platform.md §7).
  const endsOf = (list: RecordingFileRow[]) =>
    list.map((file) => file.recordingEnd?.getTime()).filter((time): time is number => time !== undefined);
  const mediaEnds = endsOf(files.filter((file) => file.fileType === 'MP4' || file.fileType === 'M4A'));
  const ends = mediaEnds.length > 0 ? mediaEnds : endsOf(files);
  const durationSeconds =
    starts.length > 0 && ends.length > 0
      ? Math.round((Math.max(...ends) - callStart) / 1000)
      : recording.durationMinutes * 60;
  const participants = [
    ...new Set(
      [host.name, ...transcript.map((line) => line.speaker), ...chat.map((m) => m.sender)].filter(Boolean),
    ),
  ];
  const language = detectLanguage(
    [recording.topic, ...transcript.map((line) => line.text), ...chat.map((m) => m.text)],
    'fr',
  );
  const call: CallValues = {
    organizationId: recording.organizationId,
    language,
    hostUserId: host.userId,
    topic: recording.topic,
    startedAt: new Date(callStart),
    durationSeconds,
    participants,
    chat,
    zoomSummary,
  };
  return {
    call,
    transcript: transcript.map(({ speaker, startMs, endMs, text }) => ({ speaker, startMs, endMs, text })),
    redacted,
  };
}

/** `HH:MM:SS` moved on by `ms` (a later segment's chat on the call's clock). */
function shiftClock(at: string, ms: number): string {
  const match = /^(\d{2}):(\d{2}):(\d{2})$/.exec(at);
  if (!match || ms === 0) return at;
  const total = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]) + Math.round(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

function safeName(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 120) || 'file';
}

function extensionOf(fileType: string): string {
  return (
    ({ MP4: 'mp4', M4A: 'm4a', TRANSCRIPT: 'vtt', CHAT: 'txt', TIMELINE: 'json' } as Record<string, string>)[
      fileType
    ] ?? 'bin'
  );
}
