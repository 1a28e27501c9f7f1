export type RecordingStatus =
  | 'discovered'
  | 'importing'
  | 'waiting'
  | 'imported'
  | 'skipped'
  | 'failed'
  | 'trashed'
  | 'deleted';

/**
 * Which status may follow which. `imported` can go back to `importing` when a late file arrives
 * (the transcript after `recording.transcript_completed`); `trashed` recordings can be recovered.
 */
const transitions: Record<RecordingStatus, RecordingStatus[]> = {
  discovered: ['importing', 'skipped', 'trashed', 'deleted', 'waiting', 'failed'],
  importing: ['imported', 'waiting', 'failed', 'skipped', 'trashed', 'deleted', 'discovered'],
  waiting: ['importing', 'skipped', 'trashed', 'deleted', 'failed', 'discovered'],
  imported: ['importing', 'trashed', 'deleted'],
  skipped: ['discovered', 'importing', 'trashed', 'deleted'],
  failed: ['discovered', 'importing', 'trashed', 'deleted'],
  trashed: ['discovered', 'deleted', 'imported'],
  deleted: [],
};

export function canTransition(from: RecordingStatus, to: RecordingStatus): boolean {
  return from === to || transitions[from].includes(to);
}
