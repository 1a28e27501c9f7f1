import type {
  CoverageLine,
  CoverageReason,
  CoverageState,
  CoverageUser,
  CoverageView,
  CoverageWeek,
} from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { decodeMessage } from '../lib/messages.ts';
import { findPass, listCoverageRows, listCoverageUsers, loadCoverageSettings } from './queries.ts';

/** Zoom usually finishes a recording within minutes; with no reason known, "not recorded" waits this long. */
const waitForZoomMs = 2 * 3600_000;

type Row = Awaited<ReturnType<typeof listCoverageRows>>[number];

const actionFor: Partial<Record<CoverageReason, CoverageLine['action']>> = {
  not_in_recording_group: 'add_to_recording_group',
  automatic_recording_off: 'reapply_policy',
  host_stopped_recording: 'keep_recording_on',
  host_not_licensed: 'license_host',
};

/** Where one meeting stands: held → recorded or not → imported or not, and why. */
export function stateOf(row: Row, now: number): { state: CoverageState; reason: CoverageReason | null } {
  const { meeting } = row;
  switch (row.recordingStatus) {
    case 'imported':
      return { state: 'imported', reason: null };
    case 'failed':
      return { state: 'failed', reason: 'import_failed' };
    case 'trashed':
      return { state: 'erased', reason: 'trashed_in_zoom' };
    case 'deleted':
      return { state: 'erased', reason: 'deleted_in_zoom' };
    case 'erased':
      return { state: 'erased', reason: 'erased_in_callport' };
    case 'waiting':
      return {
        state: 'recorded_not_imported',
        reason: row.recordingReason?.includes('transcript') ? 'waiting_for_transcript' : 'zoom_processing',
      };
    case 'skipped':
      return { state: 'recorded_not_imported', reason: 'skipped' };
    case 'discovered':
    case 'importing':
      return { state: 'recorded_not_imported', reason: 'importing' };
    default:
      break;
  }
  // Zoom says it recorded (the report, or a recording that started and was not stopped): not listed yet.
  if (meeting.hasRecording || (meeting.recordingStartedAt && !meeting.recordingStoppedAt))
    return { state: 'recorded_not_imported', reason: 'not_listed_yet' };
  if (meeting.recordingStoppedAt) return { state: 'not_recorded', reason: 'host_stopped_recording' };
  if (meeting.expectedReason)
    return { state: 'not_recorded', reason: meeting.expectedReason as CoverageReason };
  const end = meeting.endTime?.getTime() ?? now;
  if (now - end < waitForZoomMs) return { state: 'waiting_for_zoom', reason: 'zoom_processing' };
  return { state: 'not_recorded', reason: 'unknown' };
}

function mondayOf(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
}

/** The last two decided meetings (not still waiting for Zoom) were both not recorded. */
export function isFlagged(lines: CoverageLine[]): boolean {
  const decided = lines.filter((line) => line.state !== 'waiting_for_zoom').slice(0, 2);
  return decided.length === 2 && decided.every((line) => line.state === 'not_recorded');
}

/** The coverage view: per linked user and week, meetings held / recorded / imported, and every line. */
export async function buildCoverage(
  db: Db,
  connection: { id: string; organizationId: string },
  options: { weeks: number; onlyUserId?: string; now?: Date },
): Promise<CoverageView> {
  const now = options.now ?? new Date();
  const firstWeek = new Date(
    `${mondayOf(new Date(now.getTime() - (options.weeks - 1) * 7 * 86_400_000))}T00:00:00Z`,
  );
  const [people, settings, pass] = await Promise.all([
    listCoverageUsers(db, connection.id, options.onlyUserId),
    loadCoverageSettings(db, connection.organizationId),
    findPass(db, connection.id),
  ]);
  const byZoomId = new Map(people.map((person) => [person.zoomUserId, person]));
  const rows = people.length
    ? await listCoverageRows(
        db,
        connection.id,
        firstWeek,
        options.onlyUserId ? [...byZoomId.keys()] : undefined,
      )
    : [];
  const lines: Array<CoverageLine & { zoomUserId: string }> = [];
  for (const row of rows) {
    const { meeting } = row;
    const host = byZoomId.get(meeting.hostZoomId);
    if (!host) continue;
    if (settings.excludeInternal && meeting.isInternal) continue;
    const { state, reason } = stateOf(row, now.getTime());
    const end = meeting.endTime ?? meeting.startTime;
    lines.push({
      zoomUserId: meeting.hostZoomId,
      meetingUuid: meeting.meetingUuid,
      topic: meeting.topic,
      startTime: meeting.startTime.toISOString(),
      durationMinutes: Math.max(0, Math.round((end.getTime() - meeting.startTime.getTime()) / 60_000)),
      hostUserId: host.userId,
      hostName: host.name,
      participantCount: meeting.participants ? meeting.participants.length : null,
      isInternal: meeting.isInternal,
      state,
      reason,
      ...(reason === meeting.expectedReason && meeting.expectedReasonParams
        ? { reasonParams: meeting.expectedReasonParams }
        : {}),
      detail: row.recordingReason && state !== 'imported' ? decodeMessage(row.recordingReason) : null,
      action: state === 'not_recorded' && reason ? (actionFor[reason] ?? null) : null,
      callId: row.callId,
    });
  }
  const weekStarts = Array.from({ length: options.weeks }, (_, index) =>
    new Date(firstWeek.getTime() + index * 7 * 86_400_000).toISOString().slice(0, 10),
  );
  const users: CoverageUser[] = people.map((person) => {
    const own = lines.filter((line) => line.zoomUserId === person.zoomUserId);
    const weeks: CoverageWeek[] = weekStarts.map((weekStart) => {
      const inWeek = own.filter((line) => mondayOf(new Date(line.startTime)) === weekStart);
      return {
        weekStart,
        held: inWeek.length,
        recorded: inWeek.filter((line) => !['not_recorded', 'waiting_for_zoom'].includes(line.state)).length,
        imported: inWeek.filter((line) => line.state === 'imported').length,
      };
    });
    return {
      userId: person.userId,
      name: person.name,
      email: person.email,
      weeks,
      isFlagged: isFlagged(own),
      unrecorded: own
        .filter((line) => line.state === 'not_recorded')
        .map(({ zoomUserId: _, ...line }) => line),
    };
  });
  return {
    users,
    meetings: lines.slice(0, 200).map(({ zoomUserId: _, ...line }) => line),
    pass: pass
      ? {
          startedAt: pass.lastStartedAt?.toISOString() ?? null,
          finishedAt: pass.lastFinishedAt?.toISOString() ?? null,
          errorCode: pass.lastErrorCode,
          errorDetail: pass.lastErrorDetail,
        }
      : null,
    settings,
  };
}
