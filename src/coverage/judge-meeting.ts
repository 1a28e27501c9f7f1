import type { ConnectionRow } from '../connections/index.ts';
import type { CoverageReason } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { isZoomApiError, type ZoomClient } from '../zoom/index.ts';
import { findLinkedHost, findPolicyFacts, type MeetingHeldRow } from './queries.ts';

/** Zoom keeps no cloud recording of a meeting this short (UNCONFIRMED threshold, docs/zoom-platform.md §2.5). */
const tooShortMs = 60_000;

export type ExpectedReason = { reason: CoverageReason | null; params?: Record<string, string> };

/** Members of the recording group, listed once per pass (Medium, 300 a page). */
export type GroupMembers = { groupId: string; ids: Set<string> } | null;

export async function listRecordingGroup(client: ZoomClient, groupId: string | null): Promise<GroupMembers> {
  if (!groupId) return null;
  const ids = new Set<string>();
  try {
    for await (const member of client.listGroupMembers(groupId)) if (member.id) ids.add(member.id);
  } catch (error) {
    // The group is gone from Zoom: nobody is in it (the policy page says so and offers to re-create it).
    if (isZoomApiError(error) && error.kind === 'not_found') return { groupId, ids };
    throw error;
  }
  return { groupId, ids };
}

/**
 * Why Zoom would not record this meeting, judged when Callport learns of it, from what Callport knows at
 * that moment: the host's Zoom licence, the meeting's length, the recording group (group mode) and the
 * recording policy's audit and drift history (automatic recording found off, by whom, since when). Null
 * when Zoom was expected to record it. A recording that turns up later always wins over this guess.
 */
export async function judgeMeeting(
  deps: { db: Db; client: ZoomClient },
  connection: ConnectionRow,
  meeting: MeetingHeldRow,
  group: { load(): Promise<GroupMembers> },
): Promise<ExpectedReason> {
  const host = await findLinkedHost(deps.db, connection.id, meeting.hostZoomId);
  // Zoom user type 1 is Basic: no cloud recording (docs/zoom-platform.md §2.2).
  if (host?.zoomType === 1) return { reason: 'host_not_licensed' };
  if (meeting.endTime && meeting.endTime.getTime() - meeting.startTime.getTime() < tooShortMs)
    return { reason: 'too_short' };
  const policy = await findPolicyFacts(deps.db, connection.id);
  if (policy?.scope === 'group') {
    const members = policy.groupId ? await group.load() : null;
    if (!members?.ids.has(meeting.hostZoomId)) return { reason: 'not_in_recording_group' };
  }
  const audit = (policy?.lastAudit ?? []) as Array<{ id: string; status: string }>;
  if (audit.find((item) => item.id === 'auto_recording')?.status === 'off_policy') {
    const drift = (policy?.drift ?? []) as Array<{ id: string; operator: string | null; at: string }>;
    const end = (meeting.endTime ?? meeting.startTime).toISOString();
    const change = drift.find((entry) => entry.id === 'auto_recording' && entry.at <= end);
    return {
      reason: 'automatic_recording_off',
      ...(change
        ? { params: { since: change.at, ...(change.operator ? { operator: change.operator } : {}) } }
        : {}),
    };
  }
  return { reason: null };
}
