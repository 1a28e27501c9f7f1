import { text } from 'node:stream/consumers';
import { type ConnectionRow, findConnection, type ZoomAccess } from '../connections/index.ts';
import type { Db } from '../db/index.ts';
import { detectLanguage } from '../lib/language.ts';
import type { Logger } from '../lib/logger.ts';
import { encodeMessage } from '../lib/messages.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import type { BlobStore } from '../storage/index.ts';
import { findLinkByZoomUser, recordSeenHost } from '../user-mapping/index.ts';
import { isZoomApiError, openRecordingDownload, ZoomApiError } from '../zoom/index.ts';
import { discoverRecording } from './discover-recording.ts';
import { eraseRecording, findErasedNames, redactStoredFile } from './erase-recording.ts';
import {
  claimRecording,
  extendClaim,
  findRecording,
  listRecordingFiles,
  markFileStored,
  type RecordingFileRow,
  type RecordingRow,
  releaseRecording,
  replaceTranscript,
  setRecordingStatus,
  upsertCall,
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
const leaseSeconds = 60;
// A sweep's listing this recent is the file list: the import does not ask Zoom again.
const listingFreshMs = 15 * 60_000;

/**
 * The one import job of a meeting instance. Idempotent: files already stored are not fetched again, a
 * partly downloaded file continues where it stopped, the call is keyed on the recording. A crash at
 * any point leaves only what the next run continues from.
 */
export async function importRecording(
  deps: ImportDeps,
  recordingId: string,
  jobId: string,
  options: { listedAt?: number | undefined } = {},
): Promise<ImportOutcome> {
  const { db } = deps;
  const recording = await findRecording(db, recordingId);
  if (!recording) return { outcome: 'gone', reason: 'recording removed' };
  if (recording.status === 'deleted' || recording.status === 'trashed')
    return { outcome: 'gone', reason: recording.status };
  if (recording.status === 'erased') {
    // Erased while an earlier run was still importing it: remove what that run wrote.
    await eraseRecording(deps, recordingId, recording.statusReason ?? encodeMessage('erased'));
    return { outcome: 'gone', reason: 'erased' };
  }
  const connection = await findConnection(db, recording.connectionId);
  if (connection?.status !== 'connected') {
    return { outcome: 'skipped', reason: 'the Zoom connection is not active' };
  }
  if (!(await claimRecording(db, recordingId, jobId, leaseSeconds))) return { outcome: 'busy' };
  const heartbeat = setInterval(
    () => {
      extendClaim(db, recordingId, jobId, leaseSeconds).catch(() => {});
    },
    (leaseSeconds / 3) * 1000,
  );
  try {
    const listed = options.listedAt !== undefined && Date.now() - options.listedAt < listingFreshMs;
    return await runImport(deps, connection, recording, { listed });
  } finally {
    clearInterval(heartbeat);
    await releaseRecording(db, recordingId, jobId);
  }
}

async function runImport(
  deps: ImportDeps,
  connection: ConnectionRow,
  recording: RecordingRow,
  options: { listed: boolean },
): Promise<ImportOutcome> {
  const { db, logger } = deps;
  const host = await findLinkByZoomUser(db, connection.id, { zoomUserId: recording.hostZoomId });
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

  // The API re-read uses the token of the connection row read at the start of the job (a refusal renews
  // it); each file asks for a current one, as a run with large files can outlast a token.
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
    if (isZoomApiError(error) && error.kind === 'not_found') {
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

  let storedNow = 0;
  const stored: RecordingFileRow[] = [];
  for (const file of files) {
    if (file.storageKey && file.storedSize !== null) {
      stored.push(file);
      continue;
    }
    stored.push(await storeFile(deps, connection.id, recording, file));
    storedNow++;
  }
  if (wasImported && storedNow === 0) return { outcome: 'unchanged' };

  const zoomSummary = await readMeetingSummary(client, recording, logger);
  const callId = await buildCall(deps, recording, stored, host.userId, host.name, zoomSummary);
  const updated = await setRecordingStatus(db, recording.id, 'imported', undefined, current);
  if (wasImported) {
    logger.info({ recordingId: recording.id, callId, added: storedNow }, 'imported call updated');
    return { outcome: 'updated', callId };
  }
  if (updated?.recordingEnd)
    deps.metrics?.importLatency.observe((Date.now() - updated.recordingEnd.getTime()) / 1000);
  logger.info({ recordingId: recording.id, callId, files: stored.length }, 'recording imported');
  return { outcome: 'imported', callId };
}

/** Streams one file to storage, continuing a partial download with `Range` when the store kept one. */
async function storeFile(
  deps: ImportDeps,
  connectionId: string,
  recording: RecordingRow,
  file: RecordingFileRow,
): Promise<RecordingFileRow> {
  if (!file.downloadUrl)
    throw new ZoomApiError({
      kind: 'transient',
      status: 0,
      message: `no download URL for ${file.fileType}`,
      endpoint: 'import',
    });
  const key = `${recording.organizationId}/${recording.id}/${safeName(file.fileKey)}.${extensionOf(file.fileType)}`;
  let resumeFrom = await deps.store.partialSize(key);
  if (file.expectedSize !== null && resumeFrom >= file.expectedSize) resumeFrom = 0;
  const open = async (token: string) =>
    openRecordingDownload(file.downloadUrl!, {
      token,
      zoomUrls: [deps.access.app.apiUrl, deps.access.app.oauthUrl],
      rangeStart: resumeFrom,
      idleTimeoutMs: 60_000,
    });
  // The webhook's download_token is what Zoom gives for these files (docs/zoom-platform.md §4.3): used while
  // valid, through the same download-host check; refused or expired, the connection's OAuth token.
  const downloadToken = validDownloadToken(deps, recording);
  let download: Awaited<ReturnType<typeof openRecordingDownload>>;
  try {
    download = await open(downloadToken ?? (await deps.access.getAccessToken(connectionId)));
  } catch (error) {
    if (!downloadToken || !isZoomApiError(error) || error.kind !== 'unauthorized') throw error;
    deps.logger.info({ recordingId: recording.id }, 'download token refused; using the OAuth token');
    download = await open(await deps.access.getAccessToken(connectionId));
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
  return markFileStored(deps.db, file.id, { storageKey: key, size: result.size, sha256: result.sha256 });
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
    if (isZoomApiError(error) && (error.kind === 'forbidden' || error.kind === 'invalid_request')) {
      logger.info(
        { recordingId: recording.id, kind: error.kind, code: error.zoomCode },
        'no meeting summary from Zoom',
      );
      return null;
    }
    throw error;
  }
}

type CallZoomSummary = NonNullable<RecordingCall['zoomSummary']>;
type RecordingCall = Parameters<typeof upsertCall>[1];

async function buildCall(
  deps: ImportDeps,
  recording: RecordingRow,
  files: RecordingFileRow[],
  hostUserId: string,
  hostName: string,
  zoomSummary: CallZoomSummary | null,
) {
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
  if (erased.length > 0) {
    for (const part of [...transcriptFiles, ...chatFiles])
      part.text = await redactStoredFile(deps, part.file, part.text, erased);
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
      [hostName, ...transcript.map((line) => line.speaker), ...chat.map((m) => m.sender)].filter(Boolean),
    ),
  ];
  const language = detectLanguage(
    [recording.topic, ...transcript.map((line) => line.text), ...chat.map((m) => m.text)],
    'fr',
  );
  const call = await upsertCall(deps.db, {
    organizationId: recording.organizationId,
    language,
    recordingId: recording.id,
    hostUserId,
    topic: recording.topic,
    startedAt: new Date(callStart),
    durationSeconds,
    participants,
    chat,
    zoomSummary,
  });
  await replaceTranscript(deps.db, call.id, transcript);
  return call.id;
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
