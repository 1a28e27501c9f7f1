/**
 * Meetings and cloud recordings: simulation (recorded only when the host's effective settings say so),
 * processing, transcript, auto-delete → trash → deletion, the recording webhooks, and the REST routes
 * (docs/zoom-platform.md §2.1, §2.3, §4.2, §7).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZoomRecordingFile, ZoomRecordingMeeting } from '../zoom/wire.ts';
import {
  buildChatText,
  buildTimelineJson,
  buildTranscriptVtt,
  bundledMediaMs,
  contentSize,
  type FileContent,
  sampleCallCues,
} from './media.ts';
import { addMonthsUtc, decodeMeetingParam } from './meeting-params.ts';
import { emitHostStoppedRecording, scheduleMeetingEnded } from './meetings-held.ts';
import { pageFields, paginate } from './paging.ts';
import { requestInfo, sendZoomError, tokenOf } from './request-info.ts';
import { light, medium, withAdmin, zoomRoutes } from './server.ts';
import { effectiveUserSettings } from './settings-routes.ts';
import type { AppRecord } from './state.ts';
import {
  type ChatLine,
  type EmulatorContext,
  EmulatorInputError,
  isoSeconds,
  type MeetingInstance,
  type MeetingSettingsSnapshot,
  type MeetingSummaryRecord,
  type Participant,
  type RecordingFileRecord,
  type TranscriptLine,
} from './state.ts';
import { resolveUserParam } from './users.ts';

export const downloadTokenSeconds = 24 * 3600;
export const trashRetentionDays = 30;

export type SimulateMeetingOptions = {
  hostEmail?: string;
  hostId?: string;
  topic: string;
  /** Default: the meeting ends now. */
  startTime?: Date;
  durationMinutes: number;
  participants?: Participant[];
  /** Spoken lines for the VTT transcript. Default (non-synthetic media): the sample call's lines. */
  transcript?: TranscriptLine[];
  chat?: ChatLine[];
  /** Stop/restart: recorded spans in minutes from the start. Default: one span over the whole meeting. */
  segments?: { startMinute: number; endMinute: number }[];
  /** Synthetic MP4/M4A sizes in bytes (implies synthetic media for that file type). */
  fileSizes?: { mp4?: number; m4a?: number };
  /** Synthetic media instead of the playable sample call. */
  synthetic?: boolean;
  /** Seconds after the meeting ends until the files are `completed` (default 60). */
  processingSeconds?: number;
  /** Seconds after completion until the transcript is ready (default 60). */
  transcriptSeconds?: number;
  /** Reuse a meeting number for another instance (recurring meeting, PMI). */
  meetingId?: number;
  /** Force an instance UUID (e.g. one with `/`, `+` or a leading `/`). */
  uuid?: string;
  /** The host pressed "Record to the cloud" (needs cloud recording on, whatever auto_recording says). */
  cloudRecordingManual?: boolean;
  /** Add a closed-caption (CC) file. */
  closedCaptions?: boolean;
  /** Meeting type (2 scheduled, 3/8 recurring, 4 PMI...). */
  type?: number;
  /**
   * The host stops the automatic cloud recording right after it starts (only where
   * `recording.host_pause_stop_recording` lets hosts stop it): no recording, `recording.started` then
   * `recording.stopped`. Default: the host's own switch (`setHostStopsRecording`), else false.
   */
  hostStopsRecording?: boolean;
  /** AI Companion's summary of the meeting (absent: the host had meeting summaries off). */
  summary?: Omit<MeetingSummaryRecord, 'createdAt'>;
};

export type SimulateMeetingResult = { meetingId: number; uuid: string; recorded: boolean; reason?: string };

function snapshot(settings: Record<string, unknown>): MeetingSettingsSnapshot {
  const recording = (settings.recording ?? {}) as Record<string, unknown>;
  const bool = (key: string) => recording[key] === true;
  return {
    cloud_recording: bool('cloud_recording'),
    auto_recording: String(recording.auto_recording ?? 'local'),
    record_speaker_view: bool('record_speaker_view'),
    display_participant_name: bool('display_participant_name'),
    recording_thumbnails: bool('recording_thumbnails'),
    recording_disclaimer: bool('recording_disclaimer'),
    ask_participants_to_consent_disclaimer: bool('ask_participants_to_consent_disclaimer'),
    ask_host_to_confirm_disclaimer: bool('ask_host_to_confirm_disclaimer'),
    host_pause_stop_recording: bool('host_pause_stop_recording'),
    auto_delete_cmr: bool('auto_delete_cmr'),
    auto_delete_cmr_days: Number(recording.auto_delete_cmr_days ?? 30),
    recording_audio_transcript: bool('recording_audio_transcript'),
  };
}

function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function fileNameStamp(ms: number): string {
  return `GMT${new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}`;
}

/**
 * Runs a meeting. It produces a cloud recording only when the host may record to the cloud (licensed,
 * `cloud_recording` on) and either auto_recording is "cloud" or the host started a cloud recording.
 */
export function simulateMeeting(
  ctx: EmulatorContext,
  options: SimulateMeetingOptions,
  internal: { silent?: boolean } = {},
): SimulateMeetingResult {
  const host = options.hostId
    ? ctx.state.users.get(options.hostId)
    : options.hostEmail
      ? ctx.state.findUser(options.hostEmail)
      : undefined;
  if (!host)
    throw new EmulatorInputError(`Unknown host: ${options.hostId ?? options.hostEmail ?? '(none)'}`, 404);
  if (host.status !== 'active')
    throw new EmulatorInputError(`The host ${host.email} is ${host.status} and cannot host meetings.`);
  if (!(options.durationMinutes > 0)) throw new EmulatorInputError('durationMinutes must be positive');
  if (options.uuid && ctx.state.meetings.has(options.uuid))
    throw new EmulatorInputError(`Meeting instance ${options.uuid} exists`, 409);

  const settings = snapshot(effectiveUserSettings(ctx, host));
  const durationMs = options.durationMinutes * 60_000;
  const start = options.startTime?.getTime() ?? ctx.clock.now() - durationMs;
  const end = start + durationMs;
  const meeting: MeetingInstance = {
    uuid: options.uuid ?? ctx.ids.meetingUuid(),
    meetingId: options.meetingId ?? ctx.ids.meetingNumber(),
    hostId: host.id,
    topic: options.topic,
    type: options.type ?? (options.meetingId ? 8 : 2),
    startTime: start,
    durationMinutes: options.durationMinutes,
    timezone: host.timezone,
    password: randomBytes(4).toString('hex'),
    participants: options.participants ?? [],
    transcript: [],
    chat: options.chat ?? [],
    settingsInForce: settings,
    recorded: false,
    recording: null,
    // AI Companion writes its summary a few minutes after the meeting ends.
    summary: options.summary ? { ...options.summary, createdAt: end + 5 * 60_000 } : undefined,
  };

  let reason: string | undefined;
  if (host.type === 1) reason = 'The host is a Basic user: cloud recording needs a licensed (type 2) user.';
  else if (!settings.cloud_recording) reason = 'Cloud recording is turned off for the host.';
  else if (settings.auto_recording !== 'cloud' && !options.cloudRecordingManual) {
    reason = `Automatic recording is "${settings.auto_recording}" and the host did not start a cloud recording.`;
  }
  const hostStopped =
    reason === undefined &&
    (options.hostStopsRecording ?? host.stopsRecording ?? false) &&
    settings.host_pause_stop_recording;
  if (hostStopped) reason = 'The host stopped the cloud recording.';
  meeting.recorded = reason === undefined;
  meeting.reason = reason;
  ctx.state.meetings.set(meeting.uuid, meeting);
  if (!internal.silent) {
    if (hostStopped) emitHostStoppedRecording(ctx, meeting);
    scheduleMeetingEnded(ctx, meeting);
  }
  if (!meeting.recorded)
    return { meetingId: meeting.meetingId, uuid: meeting.uuid, recorded: false, reason: reason as string };

  const hostName = `${host.firstName} ${host.lastName}`;
  const useSample = !options.synthetic;
  if (options.transcript) meeting.transcript = options.transcript;
  else if (useSample) {
    // The sample call's first speaker becomes the host, so the VTT names the host and matches the speech.
    const first = sampleCallCues()[0]?.speaker;
    meeting.transcript = sampleCallCues().map((cue) => ({
      ...cue,
      speaker: cue.speaker === first ? hostName : cue.speaker,
    }));
  }

  const segments = options.segments ?? [{ startMinute: 0, endMinute: options.durationMinutes }];
  const files: RecordingFileRecord[] = [];
  const newKey = () => randomBytes(18).toString('base64url');
  for (const [index, segment] of segments.entries()) {
    const segStart = start + segment.startMinute * 60_000;
    const segEnd = start + segment.endMinute * 60_000;
    const seconds = Math.max(1, Math.round((segEnd - segStart) / 1000));
    const key = newKey();
    /** Synthetic media of the size asked (else `bytesPerSecond` of the segment), or else the sample call's file. */
    const contentOf = (
      container: 'mp4' | 'm4a',
      contentType: string,
      bytesPerSecond: number,
    ): FileContent => {
      const size = options.fileSizes?.[container];
      return options.synthetic || size !== undefined
        ? {
            kind: 'synthetic',
            size: size ?? seconds * bytesPerSecond,
            contentType,
            key: `${meeting.uuid}:${index}:${container}:${key}`,
            container,
          }
        : { kind: 'static', name: `sandbox-call.${container}`, contentType };
    };
    const video = contentOf('mp4', 'video/mp4', 40_000);
    const audio = contentOf('m4a', 'audio/mp4', 4_000);
    // Segments of one instance share the uuid and differ by recording_start (docs/zoom-platform.md §7).
    const base = {
      recordingStart: segStart,
      recordingEnd: segEnd,
      isTranscript: false,
      isParticipantAudio: false,
    };
    // The bundled sample call plays ~21 s: its files say so, as Zoom's times match what the file holds.
    const media =
      video.kind === 'static' ? { ...base, recordingEnd: Math.min(segEnd, segStart + bundledMediaMs) } : base;
    files.push({
      ...media,
      key,
      id: ctx.ids.fileId(),
      fileType: 'MP4',
      fileExtension: 'MP4',
      recordingType: settings.record_speaker_view ? 'shared_screen_with_speaker_view' : 'active_speaker',
      fileName: `${fileNameStamp(segStart)}_Recording_1920x1080.mp4`,
      content: video,
    });
    files.push({
      ...media,
      key: newKey(),
      id: ctx.ids.fileId(),
      fileType: 'M4A',
      fileExtension: 'M4A',
      recordingType: 'audio_only',
      fileName: `${fileNameStamp(segStart)}_Recording.m4a`,
      content: audio,
    });
    // TIMELINE files as captured from real Zoom: with id, size, status and recording_type (docs/zoom-platform.md §2.3).
    files.push({
      ...base,
      key: newKey(),
      id: ctx.ids.fileId(),
      fileType: 'TIMELINE',
      fileExtension: 'JSON',
      recordingType: 'timeline',
      fileName: `${fileNameStamp(segStart)}_Recording.timeline.json`,
      content: {
        kind: 'text',
        contentType: 'application/json',
        text: buildTimelineJson(
          [{ name: hostName, userId: host.id }, ...meeting.participants.map((p) => ({ name: p.name }))],
          segEnd - segStart,
        ),
      },
    });
  }
  const first = segments[0] ?? { startMinute: 0, endMinute: options.durationMinutes };
  const last = segments[segments.length - 1] ?? first;
  const span = {
    recordingStart: start + first.startMinute * 60_000,
    recordingEnd: start + last.endMinute * 60_000,
    isParticipantAudio: false,
  };
  // Each recorded segment has its own chat and transcript file (docs/zoom-platform.md §7): the lines are
  // shared out in order, each file on its segment's clock.
  const spans = segments.map((segment) => ({
    recordingStart: start + segment.startMinute * 60_000,
    recordingEnd: start + segment.endMinute * 60_000,
    isParticipantAudio: false,
  }));
  const shareOut = <T>(lines: T[]) =>
    spans.map((_, index) =>
      lines.slice(
        Math.round((index * lines.length) / spans.length),
        Math.round(((index + 1) * lines.length) / spans.length),
      ),
    );
  const chatParts = shareOut(meeting.chat);
  spans.forEach((segmentSpan, index) => {
    const lines = chatParts[index] ?? [];
    if (lines.length === 0) return;
    files.push({
      ...segmentSpan,
      key: newKey(),
      id: ctx.ids.fileId(),
      fileType: 'CHAT',
      fileExtension: 'TXT',
      recordingType: 'chat_file',
      fileName: 'meeting_saved_chat.txt',
      content: {
        kind: 'text',
        contentType: 'text/plain',
        text: buildChatText(spans.length > 1 ? lines.map(({ atSecond: _, ...line }) => line) : lines),
      },
      isTranscript: false,
    });
  });
  if (options.closedCaptions) {
    files.push({
      ...span,
      key: newKey(),
      fileType: 'CC',
      fileExtension: 'VTT',
      fileName: 'closed_caption.vtt',
      content: { kind: 'text', contentType: 'text/vtt', text: buildTranscriptVtt(meeting.transcript) },
      isTranscript: false,
    });
  }
  const hasTranscript = settings.recording_audio_transcript && meeting.transcript.length > 0;
  if (hasTranscript) {
    const parts = shareOut(meeting.transcript);
    spans.forEach((segmentSpan, index) => {
      const lines = parts[index] ?? [];
      if (lines.length === 0) return;
      const first = lines[0]?.startMs ?? 0;
      files.push({
        ...segmentSpan,
        key: newKey(),
        id: ctx.ids.fileId(),
        fileType: 'TRANSCRIPT',
        fileExtension: 'VTT',
        recordingType: 'audio_transcript',
        fileName: `${fileNameStamp(segmentSpan.recordingStart)}_Recording.transcript.vtt`,
        content: {
          kind: 'text',
          contentType: 'text/vtt',
          text: buildTranscriptVtt(
            spans.length > 1
              ? lines.map((line) => ({
                  ...line,
                  ...(line.startMs === undefined ? {} : { startMs: line.startMs - first }),
                  ...(line.endMs === undefined ? {} : { endMs: line.endMs - first }),
                }))
              : lines,
          ),
        },
        isTranscript: true,
      });
    });
  }

  const completesAt = end + (options.processingSeconds ?? 60) * 1000;
  meeting.recording = {
    status: 'processing',
    completesAt,
    transcriptReadyAt: hasTranscript ? completesAt + (options.transcriptSeconds ?? 60) * 1000 : null,
    location: 'active',
    trashedAt: null,
    autoDeleteDate: null,
    playPasscode: randomBytes(16).toString('base64url'),
    shareKey: randomBytes(24).toString('base64url'),
    files,
  };
  if (internal.silent && completesAt <= ctx.clock.now()) {
    completeRecording(ctx, meeting, { silent: true });
  } else {
    ctx.clock.schedule(completesAt, `recording completed ${meeting.uuid}`, () =>
      completeRecording(ctx, meeting, internal),
    );
  }
  return { meetingId: meeting.meetingId, uuid: meeting.uuid, recorded: true };
}

const purgeTasks = new WeakMap<MeetingInstance, number>();

function completeRecording(
  ctx: EmulatorContext,
  meeting: MeetingInstance,
  internal: { silent?: boolean },
): void {
  const recording = meeting.recording;
  if (!recording || recording.status === 'completed') return;
  recording.status = 'completed';
  const settings = meeting.settingsInForce;
  if (settings.auto_delete_cmr) {
    // Auto-delete counts days from the recording; files go to the trash for 30 days, then are deleted.
    const deleteAt = meeting.startTime + settings.auto_delete_cmr_days * 86_400_000;
    recording.autoDeleteDate = utcDate(deleteAt);
    ctx.clock.schedule(deleteAt, `auto-delete ${meeting.uuid}`, () => {
      if (meeting.recording?.location === 'active') trashRecording(ctx, meeting, 'auto_delete');
    });
  }
  if (!internal.silent) emitRecordingEvent(ctx, meeting, 'recording.completed');
  if (recording.transcriptReadyAt !== null) {
    const readyAt = recording.transcriptReadyAt;
    if (internal.silent && readyAt <= ctx.clock.now()) return;
    // recording.transcript_completed always comes after recording.completed (docs/zoom-platform.md §4.2).
    ctx.clock.schedule(Math.max(readyAt, ctx.clock.now()), `transcript completed ${meeting.uuid}`, () => {
      if (meeting.recording?.location !== 'deleted')
        emitRecordingEvent(ctx, meeting, 'recording.transcript_completed');
    });
  }
}

/** Moves a recording to the trash (manual or auto-delete); it is deleted for good 30 days later. */
export function trashRecording(
  ctx: EmulatorContext,
  meeting: MeetingInstance,
  by: 'user' | 'auto_delete' = 'user',
): void {
  const recording = meeting.recording;
  if (recording?.location !== 'active')
    throw new EmulatorInputError('There is no recording for this meeting.', 404);
  recording.location = 'trash';
  recording.trashedAt = ctx.clock.now();
  purgeTasks.set(
    meeting,
    ctx.clock.schedule(recording.trashedAt + trashRetentionDays * 86_400_000, `purge ${meeting.uuid}`, () => {
      if (meeting.recording?.location === 'trash') deleteRecording(ctx, meeting);
    }),
  );
  emitRecordingEvent(ctx, meeting, 'recording.trashed', by);
}

export function recoverRecording(ctx: EmulatorContext, meeting: MeetingInstance): void {
  const recording = meeting.recording;
  if (recording?.location !== 'trash')
    throw new EmulatorInputError('There is no recording in the trash for this meeting.', 404);
  recording.location = 'active';
  recording.trashedAt = null;
  const task = purgeTasks.get(meeting);
  if (task !== undefined) ctx.clock.cancel(task);
  emitRecordingEvent(ctx, meeting, 'recording.recovered');
}

export function deleteRecording(ctx: EmulatorContext, meeting: MeetingInstance): void {
  const recording = meeting.recording;
  if (!recording || recording.location === 'deleted')
    throw new EmulatorInputError('There is no recording for this meeting.', 404);
  recording.location = 'deleted';
  const task = purgeTasks.get(meeting);
  if (task !== undefined) ctx.clock.cancel(task);
  emitRecordingEvent(ctx, meeting, 'recording.deleted');
}

const filePurgeTasks = new WeakMap<RecordingFileRecord, number>();

/**
 * `DELETE /meetings/{meetingId}/recordings/{recordingId}` (docs/zoom-platform.md §2.1): one file goes to
 * the trash for 30 days (then is deleted) or is deleted for good; `recording.trashed` / `recording.deleted`
 * list that file only (§4.2). The meeting's other files stay.
 */
export function removeRecordingFile(
  ctx: EmulatorContext,
  meeting: MeetingInstance,
  file: RecordingFileRecord,
  action: 'trash' | 'delete',
): void {
  if (action === 'trash') {
    if (file.location !== undefined)
      throw new EmulatorInputError('There is no recording for this meeting.', 404);
    file.location = 'trash';
    file.trashedAt = ctx.clock.now();
    filePurgeTasks.set(
      file,
      ctx.clock.schedule(file.trashedAt + trashRetentionDays * 86_400_000, `purge file ${file.key}`, () => {
        if (file.location === 'trash') removeRecordingFile(ctx, meeting, file, 'delete');
      }),
    );
    emitRecordingEvent(ctx, meeting, 'recording.trashed', 'user', [file]);
    return;
  }
  if (file.location === 'deleted')
    throw new EmulatorInputError('There is no recording for this meeting.', 404);
  file.location = 'deleted';
  const task = filePurgeTasks.get(file);
  if (task !== undefined) ctx.clock.cancel(task);
  emitRecordingEvent(ctx, meeting, 'recording.deleted', 'user', [file]);
}

/** `PUT /meetings/{meetingId}/recordings/{recordingId}/status` `{action:"recover"}`: one file back from the trash. */
export function recoverRecordingFile(
  ctx: EmulatorContext,
  meeting: MeetingInstance,
  file: RecordingFileRecord,
): void {
  if (file.location !== 'trash')
    throw new EmulatorInputError('There is no recording in the trash for this meeting.', 404);
  file.location = undefined;
  file.trashedAt = undefined;
  const task = filePurgeTasks.get(file);
  if (task !== undefined) ctx.clock.cancel(task);
  emitRecordingEvent(ctx, meeting, 'recording.recovered', 'user', [file]);
}

type UrlMode = { kind: 'api' } | { kind: 'webhook'; nonce: string };

/** The start_time Zoom reports: the first instance's start for a recurring meeting (type 8), else its own. */
function seriesStart(ctx: EmulatorContext, meeting: MeetingInstance): number {
  if (meeting.type !== 8) return meeting.startTime;
  return Math.min(meeting.startTime, ...ctx.state.instancesOf(meeting.meetingId).map((m) => m.startTime));
}

/** Whether a meeting still has files to show (all of them can be trashed one by one). */
function hasFiles(ctx: EmulatorContext, meeting: MeetingInstance): boolean {
  return visibleFiles(ctx, meeting).length > 0;
}

/** Files visible now: the transcript only once ready (it arrives after recording.completed). */
export function visibleFiles(ctx: EmulatorContext, meeting: MeetingInstance): RecordingFileRecord[] {
  const recording = meeting.recording;
  if (!recording) return [];
  const transcriptReady =
    recording.transcriptReadyAt !== null &&
    recording.transcriptReadyAt <= ctx.clock.now() &&
    recording.status === 'completed';
  return recording.files.filter(
    (file) => file.location === undefined && (!file.isTranscript || transcriptReady),
  );
}

function fileToWire(
  ctx: EmulatorContext,
  meeting: MeetingInstance,
  file: RecordingFileRecord,
  mode: UrlMode,
  inTrash: boolean,
): ZoomRecordingFile {
  const base = ctx.baseUrl();
  const status = meeting.recording?.status === 'completed' ? 'completed' : 'processing';
  const downloadUrl =
    mode.kind === 'webhook'
      ? `${base}/rec/webhook_download/${file.key}/${mode.nonce}`
      : `${base}/rec/download/${file.key}`;
  const wire: ZoomRecordingFile = {
    meeting_id: meeting.uuid,
    recording_start: isoSeconds(file.recordingStart),
    recording_end: isoSeconds(file.recordingEnd),
    file_type: file.fileType,
    file_extension: file.fileExtension,
    download_url: downloadUrl,
  };
  if (file.fileType !== 'CC') {
    // Only CC files lack these fields (docs/zoom-platform.md §2.3).
    wire.id = file.id;
    wire.file_size = contentSize(file.content);
    wire.play_url = `${base}/rec/play/${file.key}`;
    wire.status = status;
    wire.recording_type = file.recordingType;
  }
  if (status === 'processing' && file.fileType === 'MP4') {
    // Zoom lists a video still processing without its type, end or recording type (docs/zoom-platform.md §2.3).
    wire.file_type = '';
    wire.recording_end = '';
    delete wire.recording_type;
  }
  if (mode.kind === 'webhook' && file.fileName) wire.file_name = file.fileName;
  const trashedAt = file.trashedAt ?? meeting.recording?.trashedAt;
  if (inTrash && trashedAt) wire.deleted_time = isoSeconds(trashedAt);
  return wire;
}

/** The meeting-with-recordings object of the REST API and of recording webhooks (docs/zoom-platform.md §2.3, §4.2). */
export function meetingToWire(
  ctx: EmulatorContext,
  meeting: MeetingInstance,
  options: {
    mode?: UrlMode;
    inTrash?: boolean;
    single?: boolean;
    onlyTranscript?: boolean;
    /** The files an event is about (one trashed, deleted or recovered file) instead of the visible ones. */
    files?: RecordingFileRecord[];
  } = {},
): ZoomRecordingMeeting {
  const recording = meeting.recording;
  const host = ctx.state.users.get(meeting.hostId);
  const mode = options.mode ?? { kind: 'api' };
  let files = options.files ?? visibleFiles(ctx, meeting);
  if (options.onlyTranscript) files = files.filter((file) => file.isTranscript);
  const totalSize = files.reduce(
    (sum, file) => sum + (file.fileType === 'CC' ? 0 : contentSize(file.content)),
    0,
  );
  const wire: ZoomRecordingMeeting = {
    uuid: meeting.uuid,
    id: meeting.meetingId,
    account_id: ctx.state.account.id,
    host_id: meeting.hostId,
    host_email: host?.email ?? '',
    topic: meeting.topic,
    // Integer, as Zoom sends it, although the 2024 spec declares a string enum (docs/zoom-platform.md §2.3).
    type: meeting.type,
    // A recurring meeting's instances carry the series' start, not their own (a real capture, docs/zoom-platform.md §2.3).
    start_time: isoSeconds(seriesStart(ctx, meeting)),
    timezone: meeting.timezone,
    duration: meeting.durationMinutes,
    total_size: totalSize,
    recording_count: files.length,
    share_url: `${ctx.baseUrl()}/rec/share/${recording?.shareKey ?? ''}`,
    recording_play_passcode: recording?.playPasscode ?? '',
    recording_files: files.map((file) => fileToWire(ctx, meeting, file, mode, options.inTrash ?? false)),
  };
  if (recording?.autoDeleteDate) {
    wire.auto_delete = true;
    wire.auto_delete_date = recording.autoDeleteDate;
  } else {
    wire.auto_delete = false;
  }
  if (options.single) wire.password = meeting.password;
  return wire;
}

/** A download token for one meeting's files: webhooks' `download_token` (24 h) or `download_access_token`. */
export function issueDownloadToken(
  ctx: EmulatorContext,
  meeting: MeetingInstance,
  source: 'webhook' | 'download_access_token',
  ttlSeconds = downloadTokenSeconds,
): string {
  const token = randomBytes(36).toString('base64url');
  ctx.state.downloadTokens.set(token, {
    token,
    meetingUuid: meeting.uuid,
    expiresAt: ctx.clock.now() + ttlSeconds * 1000,
    source,
  });
  return token;
}

function emitRecordingEvent(
  ctx: EmulatorContext,
  meeting: MeetingInstance,
  event:
    | 'recording.completed'
    | 'recording.transcript_completed'
    | 'recording.trashed'
    | 'recording.deleted'
    | 'recording.recovered',
  by: 'user' | 'auto_delete' = 'user',
  files?: RecordingFileRecord[],
): void {
  const now = ctx.clock.now();
  const host = ctx.state.users.get(meeting.hostId);
  const build = (_app: AppRecord, _copy: number) => {
    // Each delivery (and each duplicate) gets its own download token and URLs, as Zoom's duplicates do (docs/zoom-platform.md §7).
    const nonce = randomBytes(12).toString('base64url');
    const object = meetingToWire(ctx, meeting, {
      mode: { kind: 'webhook', nonce },
      inTrash: event === 'recording.trashed',
      onlyTranscript: event === 'recording.transcript_completed',
      single: true,
      ...(files ? { files } : {}),
    }) as Record<string, unknown>;
    if (event === 'recording.completed' && ctx.webhooks.getSettings().firstSegmentOnly) {
      const files = object.recording_files as ZoomRecordingFile[];
      const first = files.map((f) => f.recording_start ?? '').sort()[0];
      const kept = files.filter((f) => f.recording_start === first);
      object.recording_files = kept;
      object.recording_count = kept.length;
      object.total_size = kept.reduce((sum, f) => sum + (f.file_size ?? 0), 0);
    }
    object.on_prem = false;
    if (event !== 'recording.transcript_completed') object.participant_audio_files = [];
    const envelope: Record<string, unknown> = { event, event_ts: now };
    if (
      event === 'recording.completed' ||
      event === 'recording.transcript_completed' ||
      event === 'recording.trashed'
    ) {
      envelope.download_token = issueDownloadToken(ctx, meeting, 'webhook');
    }
    const payload: Record<string, unknown> = { account_id: ctx.state.account.id, object };
    if (event === 'recording.trashed' || event === 'recording.deleted' || event === 'recording.recovered') {
      const operator = by === 'auto_delete' ? ctx.state.owner() : (host ?? ctx.state.owner());
      payload.operator = operator.email;
      payload.operator_id = operator.id;
    }
    envelope.payload = payload;
    return envelope;
  };
  ctx.webhooks.emit(event, build);
}

/**
 * Finds the instance for `{meetingId}`: a number means the latest instance (docs/zoom-platform.md §2.1); otherwise a UUID.
 * Like Zoom, a UUID that starts with `/` or contains `//` must be double-encoded: sent single-encoded it
 * is not found.
 */
export function findMeetingForParam(
  ctx: EmulatorContext,
  raw: string,
  wasDoubleEncoded: boolean,
): MeetingInstance | undefined {
  const value = decodeMeetingParam(raw);
  if (/^\d+$/.test(value)) {
    const instances = ctx.state
      .instancesOf(Number(value))
      .filter((m) => m.recording && m.recording.location === 'active');
    return instances[instances.length - 1];
  }
  if ((value.startsWith('/') || value.includes('//')) && !wasDoubleEncoded) return undefined;
  return ctx.state.meetings.get(value);
}

export function rawMeetingParam(request: FastifyRequest): { raw: string; doubleEncoded: boolean } {
  const raw = (request.params as { meetingId: string }).meetingId;
  // The raw URL tells whether the client double-encoded ('%25' = an encoded '%').
  const path = request.raw.url?.split('?')[0] ?? '';
  return { raw, doubleEncoded: /%25[0-9A-Fa-f]{2}/.test(path) };
}

/**
 * The date of a `from`/`to` value: `yyyy-mm-dd`, optionally followed by a time (`T` or a space) and a zone
 * (`Z`, `+00:00`, or a `+` the query string turned into a space); null for anything else.
 */
function datePart(value: string): string | null {
  const match =
    /^(\d{4}-\d{2}-\d{2})(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[ +-]\d{2}(?::?\d{2})?)?)?$/.exec(
      value,
    );
  const date = match?.[1];
  if (!date) return null;
  const parsed = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date ? null : date;
}

const recordingReadScopes = withAdmin('recording:read', 'cloud_recording:read:list_recording_files');
const recordingWriteScopes = withAdmin('recording:write', 'cloud_recording:delete:meeting_cloud_recording');

export function hostAllowed(
  _ctx: EmulatorContext,
  request: FastifyRequest,
  reply: FastifyReply,
  meeting: MeetingInstance,
): boolean {
  if (meeting.hostId === tokenOf(request).userId || requestInfo(request).hasAdminScope) return true;
  sendZoomError(reply, 400, 200, 'No permission.');
  return false;
}

/** The cloud recording endpoints: rate-limit category and the scopes that grant each (docs/zoom-platform.md §2.1, §2.3). */
const recordingEndpoints = {
  'GET /users/:userId/recordings': medium(
    'recording:read:admin',
    'recording:read',
    'cloud_recording:read:list_user_recordings',
    'cloud_recording:read:list_user_recordings:admin',
  ),
  'GET /meetings/:meetingId/recordings': light(...recordingReadScopes),
  'DELETE /meetings/:meetingId/recordings': light(...recordingWriteScopes),
  'PUT /meetings/:meetingId/recordings/status': light(
    ...withAdmin('recording:write', 'cloud_recording:update:recover_meeting_recordings'),
  ),
  'DELETE /meetings/:meetingId/recordings/:recordingId': light(
    ...withAdmin('recording:write', 'cloud_recording:delete:recording_file'),
  ),
  'PUT /meetings/:meetingId/recordings/:recordingId/status': light(
    ...withAdmin('recording:write', 'cloud_recording:update:recover_single_recording'),
  ),
  'GET /past_meetings/:meetingId/instances': medium(
    ...withAdmin('meeting:read', 'meeting:read:list_past_instances'),
  ),
};

export function registerRecordingRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const route = zoomRoutes(app, ctx, recordingEndpoints);

  route('GET /users/:userId/recordings', async (request, reply) => {
    const user = resolveUserParam(ctx, request, reply, (request.params as { userId: string }).userId);
    if (!user) return reply;
    const query = request.query as Record<string, string | undefined>;
    const trash = query.trash === 'true';
    const today = utcDate(ctx.clock.now());
    // Defaults: from = today, to = tomorrow (docs/zoom-platform.md §2.1 notes). Dates are UTC; bounds are inclusive here.
    // Zoom takes a date or a date-time (its date part counts); widely used clients send date-times (§2.1).
    const from = query.from === undefined ? today : datePart(query.from);
    const to =
      query.to === undefined
        ? query.from
          ? today
          : utcDate(ctx.clock.now() + 86_400_000)
        : datePart(query.to);
    const errors: { field: string; message: string }[] = [];
    if (from === null) errors.push({ field: 'from', message: 'Invalid field.' });
    if (to === null) errors.push({ field: 'to', message: 'Invalid field.' });
    if (errors.length > 0) return sendZoomError(reply, 400, 300, 'Validation Failed.', errors);
    if (from === null || to === null) return reply;
    if (!trash) {
      if (to < from)
        return sendZoomError(reply, 400, 300, 'The "to" date must be on or after the "from" date.');
      // "The maximum range can be a month" (docs/zoom-platform.md §2.1): a calendar month here (UNCONFIRMED in Zoom's docs).
      if (to > addMonthsUtc(from, 1))
        return sendZoomError(reply, 400, 300, 'The date range must not exceed one month.');
    }
    const meetingFilter = query.meeting_id ? Number(query.meeting_id) : null;
    const meetings = [...ctx.state.meetings.values()]
      .filter((m) => m.hostId === user.id && m.recording !== null)
      .filter((m) =>
        trash ? m.recording?.location === 'trash' : m.recording?.location === 'active' && hasFiles(ctx, m),
      )
      // `from`/`to` don't apply to the trash (docs/zoom-platform.md §2.1).
      .filter((m) => trash || (utcDate(m.startTime) >= from && utcDate(m.startTime) <= to))
      .filter((m) => meetingFilter === null || m.meetingId === meetingFilter)
      .sort((a, b) => b.startTime - a.startTime);
    const scope = `recordings:${user.id}:${from}:${to}:${trash}:${meetingFilter ?? ''}`;
    const page = paginate(ctx, scope, meetings, query, { defaultSize: 30, maxSize: 300 });
    if (!page.ok) return sendZoomError(reply, 400, 300, page.message);
    return {
      from,
      to,
      ...pageFields(page),
      meetings: page.items.map((m) => {
        const wire = meetingToWire(ctx, m, { inTrash: trash });
        return ctx.faults.isMalformedListing(m.uuid) ? { ...wire, host_id: null as unknown as string } : wire;
      }),
    };
  });

  route('GET /meetings/:meetingId/recordings', async (request, reply) => {
    const { raw, doubleEncoded } = rawMeetingParam(request);
    const meeting = findMeetingForParam(ctx, raw, doubleEncoded);
    if (meeting?.recording?.location !== 'active' || !hasFiles(ctx, meeting)) {
      return sendZoomError(reply, 404, 3301, 'There is no recording for this meeting.');
    }
    if (!hostAllowed(ctx, request, reply, meeting)) return reply;
    const query = request.query as Record<string, string | undefined>;
    const wire = meetingToWire(ctx, meeting, { single: true });
    if (query.include_fields === 'download_access_token') {
      const ttl = query.ttl === undefined ? downloadTokenSeconds : Number(query.ttl);
      if (!Number.isInteger(ttl) || ttl < 0 || ttl > 604_800) {
        return sendZoomError(reply, 400, 300, 'Validation Failed.', [
          { field: 'ttl', message: 'Invalid field. 0 to 604800 seconds.' },
        ]);
      }
      wire.download_access_token = issueDownloadToken(ctx, meeting, 'download_access_token', ttl);
    }
    (wire as Record<string, unknown>).participant_audio_files = [];
    return wire;
  });

  route('DELETE /meetings/:meetingId/recordings', async (request, reply) => {
    const { raw, doubleEncoded } = rawMeetingParam(request);
    const meeting = findMeetingForParam(ctx, raw, doubleEncoded);
    if (!meeting?.recording || meeting.recording.location === 'deleted') {
      return sendZoomError(reply, 404, 3301, 'There is no recording for this meeting.');
    }
    if (!hostAllowed(ctx, request, reply, meeting)) return reply;
    const action = (request.query as Record<string, string | undefined>).action ?? 'trash';
    if (action === 'delete') deleteRecording(ctx, meeting);
    else if (meeting.recording.location === 'active') trashRecording(ctx, meeting);
    return reply.status(204).send();
  });

  route('PUT /meetings/:meetingId/recordings/status', async (request, reply) => {
    const { raw } = rawMeetingParam(request);
    const meeting = ctx.state.meetings.get(decodeMeetingParam(raw));
    if ((request.body as { action?: string } | null)?.action !== 'recover') {
      return sendZoomError(reply, 400, 300, 'Validation Failed.', [
        { field: 'action', message: 'Invalid field.' },
      ]);
    }
    if (meeting?.recording?.location !== 'trash')
      return sendZoomError(reply, 404, 3301, 'There is no recording for this meeting.');
    if (!hostAllowed(ctx, request, reply, meeting)) return reply;
    recoverRecording(ctx, meeting);
    return reply.status(204).send();
  });

  const fileRoute = (request: FastifyRequest, reply: FastifyReply) => {
    const { raw, doubleEncoded } = rawMeetingParam(request);
    const meeting = findMeetingForParam(ctx, raw, doubleEncoded);
    const { recordingId } = request.params as { recordingId: string };
    const file = meeting?.recording?.files.find((f) => f.id === recordingId && f.location !== 'deleted');
    if (!meeting?.recording || meeting.recording.location === 'deleted' || !file) {
      sendZoomError(reply, 404, 3301, 'There is no recording for this meeting.');
      return null;
    }
    if (!hostAllowed(ctx, request, reply, meeting)) return null;
    return { meeting, file };
  };

  route('DELETE /meetings/:meetingId/recordings/:recordingId', async (request, reply) => {
    const action = (request.query as Record<string, string | undefined>).action ?? 'trash';
    if (action !== 'trash' && action !== 'delete') {
      return sendZoomError(reply, 400, 300, 'Validation Failed.', [
        { field: 'action', message: 'Invalid field.' },
      ]);
    }
    const found = fileRoute(request, reply);
    if (!found) return reply;
    if (found.meeting.recording?.status !== 'completed')
      return sendZoomError(reply, 400, 3303, 'You can not delete an uncompleted meeting.');
    if (action === 'trash' && found.file.location === 'trash')
      return sendZoomError(reply, 404, 3301, 'There is no recording for this meeting.');
    removeRecordingFile(ctx, found.meeting, found.file, action);
    return reply.status(204).send();
  });

  route('PUT /meetings/:meetingId/recordings/:recordingId/status', async (request, reply) => {
    if ((request.body as { action?: string } | null)?.action !== 'recover') {
      return sendZoomError(reply, 400, 300, 'Validation Failed.', [
        { field: 'action', message: 'Invalid field.' },
      ]);
    }
    const found = fileRoute(request, reply);
    if (!found) return reply;
    if (found.file.location !== 'trash')
      return sendZoomError(reply, 404, 3301, 'There is no recording for this meeting.');
    recoverRecordingFile(ctx, found.meeting, found.file);
    return reply.status(204).send();
  });

  route('GET /past_meetings/:meetingId/instances', async (request, reply) => {
    const { meetingId } = request.params as { meetingId: string };
    const instances = /^\d+$/.test(meetingId) ? ctx.state.instancesOf(Number(meetingId)) : [];
    if (instances.length === 0)
      return sendZoomError(reply, 404, 3001, `Meeting does not exist: ${meetingId}.`);
    return { meetings: instances.map((m) => ({ uuid: m.uuid, start_time: isoSeconds(m.startTime) })) };
  });
}
