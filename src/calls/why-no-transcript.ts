import type { TranscriptMissingReason } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { auditedValue } from '../recording-policy/index.ts';

/** Zoom makes the audio transcript after the recording, in up to about a day (docs/zoom-platform.md §4.2, §7). */
const transcriptDelayMs = 24 * 3600_000;
/** Zoom transcribes no recording shorter than this (its audio transcript needs speech to work on). */
const shortestTranscribedSeconds = 60;

/**
 * Why a call has no transcript, for its page: the UI says it in the reader's language. `files` are the
 * recording's files as Callport knows them; the audit tells whether Zoom's audio transcript was off.
 */
export async function whyNoTranscript(
  db: Db,
  recording: { connectionId: string; recordingEnd: Date | null; startTime: Date },
  call: { durationSeconds: number },
  files: Array<{ fileType: string; storageKey: string | null }>,
): Promise<TranscriptMissingReason> {
  const transcripts = files.filter((file) => file.fileType === 'TRANSCRIPT');
  // A transcript was stored and nothing of it is left: every line was erased (privacy erasure).
  if (transcripts.some((file) => file.storageKey)) return 'erased';
  if (transcripts.length > 0) return 'processing';
  // Zoom's setting off explains a missing transcript whatever the length, so it is said first.
  if ((await auditedValue(db, recording.connectionId, 'recording_audio_transcript')) === false)
    return 'zoom_setting_off';
  if (call.durationSeconds < shortestTranscribedSeconds) return 'meeting_too_short';
  const endedAt = (recording.recordingEnd ?? recording.startTime).getTime();
  if (Date.now() - endedAt < transcriptDelayMs) return 'processing';
  return 'not_made_by_zoom';
}
