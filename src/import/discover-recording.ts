import type { ConnectionRow } from '../connections/index.ts';
import type { Db } from '../db/index.ts';
import { encodeMessage } from '../lib/messages.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import type { ZoomRecordingFile, ZoomRecordingMeeting } from '../zoom/index.ts';
import { forgetUntypedFiles, recordRecordingEventOnce, upsertRecording } from './queries.ts';

/** The files Callport keeps: video, audio, transcript, chat and timeline (docs/zoom-platform.md §2.3). */
export const wantedFileTypes = new Set(['MP4', 'M4A', 'TRANSCRIPT', 'CHAT', 'TIMELINE']);

/** CC files (and older TIMELINE files) carry no id (docs/zoom-platform.md §2.3): type + segment start identifies them. */
export function fileKeyOf(file: ZoomRecordingFile): string {
  return file.id ?? `${file.file_type}:${file.recording_start ?? ''}`;
}

export type Discovery = {
  recordingId: string;
  isNew: boolean;
  status: string;
  autoDeleteDate: Date | null;
  /** Zoom lists a file of it that Callport has not stored yet. */
  hasUnstoredFiles: boolean;
  /** Zoom lists no file that is new to Callport or whose Zoom status changed since the last listing. */
  isUnchanged: boolean;
  /** A job holds the recording's live lease: its import runs. */
  isClaimed: boolean;
};

/**
 * Records a meeting instance Zoom told us about (webhook, sweep or manual lookup) and its files.
 * Discovery never imports: the caller enqueues the one import job of the recording.
 */
export async function discoverRecording(
  deps: { db: Db; box: SecretBox },
  connection: ConnectionRow,
  meeting: ZoomRecordingMeeting,
  options: { via: 'webhook' | 'sweep' | 'manual'; downloadToken?: string | undefined },
): Promise<Discovery> {
  const files = meeting.recording_files;
  const kept = files.filter(
    (file) =>
      wantedFileTypes.has(file.file_type) ||
      // Still processing, type not known yet (docs/zoom-platform.md §2.3): it holds the import until done.
      (file.file_type === '' && file.status !== 'completed'),
  );
  // A recurring meeting's start_time is the series' (docs/zoom-platform.md §2.3, §7): the files date the call.
  const starts = files
    .map((file) => Date.parse(file.recording_start ?? ''))
    .filter((time) => !Number.isNaN(time));
  const ends = files
    .map((file) => Date.parse(file.recording_end ?? ''))
    .filter((time) => !Number.isNaN(time));
  const autoDeleteDate = meeting.auto_delete_date
    ? new Date(`${meeting.auto_delete_date.slice(0, 10)}T00:00:00Z`)
    : null;
  const {
    isNew,
    unstoredFiles: unstored,
    changedFiles,
    isClaimed,
    ...row
  } = await upsertRecording(
    deps.db,
    {
      connectionId: connection.id,
      organizationId: connection.organizationId,
      meetingUuid: meeting.uuid,
      meetingId: meeting.id,
      topic: meeting.topic,
      hostZoomId: meeting.host_id,
      hostEmail: meeting.host_email ?? null,
      startTime: new Date(starts.length > 0 ? Math.min(...starts) : meeting.start_time),
      durationMinutes: Math.round(meeting.duration ?? 0),
      recordingEnd: ends.length > 0 ? new Date(Math.max(...ends)) : null,
      autoDeleteDate,
      status: 'discovered',
      discoveredVia: options.via,
      // A webhook's download token is good for 24 hours, or until its JWT `exp` (docs/zoom-platform.md §4.3).
      ...(options.downloadToken
        ? {
            downloadTokenSealed: deps.box.seal(options.downloadToken),
            downloadTokenExpiresAt: new Date(downloadTokenExpiry(options.downloadToken)),
          }
        : {}),
    },
    kept.map((file) => ({
      fileKey: fileKeyOf(file),
      fileType: file.file_type,
      recordingType: file.recording_type ?? null,
      recordingStart: file.recording_start ? new Date(file.recording_start) : null,
      recordingEnd: file.recording_end ? new Date(file.recording_end) : null,
      expectedSize: file.file_size ?? null,
      // A file without a type and without a status is one Zoom has not finished.
      zoomStatus: file.status ?? (file.file_type === '' ? 'processing' : null),
      downloadUrl: file.download_url ?? null,
    })),
  );
  if (row.status === 'erased')
    return {
      recordingId: row.id,
      isNew,
      status: row.status,
      autoDeleteDate: null,
      hasUnstoredFiles: false,
      isUnchanged: true,
      isClaimed: false,
    };
  // Untyped files can only linger where the import still waits or a new file appeared after it.
  if (
    row.status === 'waiting' ||
    kept.some((file) => file.file_type === '') ||
    (row.status === 'imported' && unstored > 0)
  )
    await forgetUntypedFiles(deps.db, row.id, kept.map(fileKeyOf));
  // A file Zoom sent that cannot be read is left out, and said so on the recording's timeline.
  for (const reason of meeting.unreadable_files ?? [])
    await recordRecordingEventOnce(
      deps.db,
      row.id,
      'file_skipped',
      encodeMessage('zoom_file_unreadable', { reason }),
    );
  return {
    recordingId: row.id,
    isNew,
    status: row.status,
    autoDeleteDate: row.autoDeleteDate,
    hasUnstoredFiles: unstored > 0,
    isUnchanged: changedFiles === 0,
    isClaimed,
  };
}

/** When a webhook's download token stops working: its JWT `exp` when it has one, capped at 23 h from now. */
function downloadTokenExpiry(token: string, now = Date.now()): number {
  const cap = now + 23 * 3600_000;
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof payload.exp === 'number' ? Math.min(cap, payload.exp * 1000) : cap;
  } catch {
    return cap;
  }
}

/** pg-boss runs higher priorities first: the sooner Zoom deletes a recording, the sooner we import it. */
export function priorityFor(autoDeleteDate: Date | null): number {
  if (!autoDeleteDate) return 0;
  const daysLeft = (autoDeleteDate.getTime() - Date.now()) / 86_400_000;
  return Math.max(1, Math.min(1000, Math.round(1000 - daysLeft * 10)));
}
