import type { ConnectionRow } from '../connections/index.ts';
import type { Db } from '../db/index.ts';
import { normalizeEmail } from '../lib/email.ts';
import { isZoomApiError, type ZoomClient, type ZoomMeetingEventObject } from '../zoom/index.ts';
import { type GroupMembers, judgeMeeting, listRecordingGroup } from './judge-meeting.ts';
import {
  findLinkedHost,
  findPolicyFacts,
  internalDomainsOf,
  type MeetingHeldInput,
  type MeetingHeldRow,
  saveMeetingFacts,
  upsertMeetingHeld,
} from './queries.ts';

type Deps = { db: Db; client: ZoomClient };

function dateOrNull(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function meetingNumber(id: number | string | undefined): number | null {
  const value = Number(id);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

/**
 * The fast path: `meeting.ended`, `recording.started` or `recording.stopped` about a linked user's meeting
 * (the receiver verified the signature before storing it). Meetings of hosts who are not linked are not
 * Callport's to account for.
 */
export async function learnFromEvent(
  deps: Deps,
  connection: ConnectionRow,
  event: 'meeting.ended' | 'recording.started' | 'recording.stopped',
  object: ZoomMeetingEventObject,
  eventTs: number | null,
): Promise<string> {
  if (!(await findLinkedHost(deps.db, connection.id, object.host_id))) return 'ignored: host not linked';
  const start = dateOrNull(object.start_time);
  if (!start) return 'ignored: no start time';
  const at = dateOrNull(object.recording_file?.recording_end) ?? (eventTs ? new Date(eventTs) : new Date());
  const input: MeetingHeldInput = {
    connectionId: connection.id,
    organizationId: connection.organizationId,
    meetingUuid: object.uuid,
    meetingId: meetingNumber(object.id),
    hostZoomId: object.host_id,
    topic: object.topic ?? '',
    startTime: start,
    endTime: event === 'meeting.ended' ? (dateOrNull(object.end_time) ?? at) : null,
    learnedVia: 'webhook',
    ...(event === 'recording.started' ? { recordingStartedAt: at } : {}),
    ...(event === 'recording.stopped' ? { recordingStoppedAt: at } : {}),
  };
  const meeting = await upsertMeetingHeld(deps.db, input);
  if (event !== 'meeting.ended') return `meeting ${event === 'recording.started' ? 'recording' : 'stopped'}`;
  const policy = await findPolicyFacts(deps.db, connection.id);
  let group: Promise<GroupMembers> | undefined;
  await completeMeeting(deps, connection, meeting, {
    load: () => {
      group ??= listRecordingGroup(deps.client, policy?.groupId ?? null);
      return group;
    },
  });
  return 'meeting held';
}

/**
 * Fills in what the event or report did not say: the participants (one Medium call, once per meeting),
 * whether the meeting is internal, and why Zoom would not have recorded it.
 */
export async function completeMeeting(
  deps: Deps,
  connection: ConnectionRow,
  meeting: MeetingHeldRow,
  group: { load(): Promise<GroupMembers> },
  options: { domains?: string[] } = {},
): Promise<void> {
  let participants: Array<{ name: string; email: string }> | undefined;
  try {
    participants = [];
    for await (const person of deps.client.listPastParticipants(meeting.meetingUuid))
      participants.push({ name: person.name ?? '', email: normalizeEmail(person.user_email ?? '') });
  } catch (error) {
    // A free plan (code 200) or a meeting Zoom no longer shows: coverage goes on without participants.
    if (!isZoomApiError(error) || error.kind === 'transient' || error.kind === 'rate_limited') throw error;
    participants = undefined;
  }
  const domains = options.domains ?? (await internalDomainsOf(deps.db, connection.organizationId));
  // Zoom leaves e-mails of people outside the host's account empty: such a guest makes the meeting external.
  const isInternal =
    participants && participants.length > 0
      ? participants.every((person) => domains.includes(person.email.split('@')[1] ?? ''))
      : null;
  const judged = await judgeMeeting(deps, connection, meeting, group);
  await saveMeetingFacts(deps.db, meeting.id, {
    ...(participants ? { participants } : { participants: [] }),
    isInternal,
    expectedReason: judged.reason,
    expectedReasonParams: judged.params ?? null,
  });
}
