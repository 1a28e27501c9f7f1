import type { recordingStatuses } from '../contract/index.ts';

export type RecordingStatus = (typeof recordingStatuses)[number];

/**
 * Which status may follow which. `imported` can go back to `importing` when a late file arrives
 * (the transcript after `recording.transcript_completed`); `trashed` recordings can be recovered.
 */
const transitions: Record<RecordingStatus, RecordingStatus[]> = {
  discovered: ['importing', 'skipped', 'trashed', 'deleted', 'waiting', 'failed', 'erased'],
  importing: ['imported', 'waiting', 'failed', 'skipped', 'trashed', 'deleted', 'discovered', 'erased'],
  waiting: ['importing', 'skipped', 'trashed', 'deleted', 'failed', 'discovered', 'erased'],
  imported: ['importing', 'trashed', 'deleted', 'erased'],
  skipped: ['discovered', 'importing', 'trashed', 'deleted', 'erased'],
  failed: ['discovered', 'importing', 'trashed', 'deleted', 'erased'],
  trashed: ['discovered', 'deleted', 'imported', 'erased'],
  deleted: ['erased'],
  erased: [],
};

export function canTransition(from: RecordingStatus, to: RecordingStatus): boolean {
  return from === to || transitions[from].includes(to);
}
