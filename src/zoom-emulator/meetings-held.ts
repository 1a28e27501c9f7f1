/**
 * Meetings held, recorded or not (docs/zoom-platform.md §2.5): the `meeting.ended` event every meeting sends,
 * `recording.started` / `recording.stopped` when a host stops the automatic recording, the Heavy reports
 * (`GET /report/users/{userId}/meetings`, `GET /report/meetings/{meetingId}/participants`, paid plans only)
 * and the past-meeting routes (`GET /past_meetings/{meetingId}` Light, `…/participants` Medium).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addMonthsUtc, decodeMeetingParam } from './meeting-params.ts';
import { pageFields, paginate } from './paging.ts';
import { sendZoomError } from './request-info.ts';
import { heavy, light, medium, withAdmin, zoomRoutes } from './server.ts';
import { type EmulatorContext, isoSeconds, type MeetingInstance, type UserRecord } from './state.ts';
import { resolveUserParam } from './users.ts';

function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function endOf(meeting: MeetingInstance): number {
  return meeting.startTime + meeting.durationMinutes * 60_000;
}

/** The people in a meeting as the participants reports list them: the host first, then the others. */
function participantsOf(ctx: EmulatorContext, meeting: MeetingInstance) {
  const host = ctx.state.users.get(meeting.hostId);
  const people = [
    { name: host ? `${host.firstName} ${host.lastName}` : 'Host', email: host?.email },
    ...meeting.participants,
  ];
  const start = meeting.startTime;
  const end = endOf(meeting);
  return people.map((person, index) => {
    const member = person.email ? ctx.state.findUser(person.email) : undefined;
    return {
      // The Zoom user id of a signed-in account member; blank for guests (S2).
      id: member?.id ?? '',
      // "Valid for that meeting only": a per-meeting participant number.
      user_id: String(16_778_240 + index * 1024),
      name: person.name,
      // Empty for people outside the host's account (Zoom's e-mail display rules, docs/zoom-platform.md §2.5).
      user_email: member?.email ?? '',
      join_time: isoSeconds(start),
      leave_time: isoSeconds(end),
      duration: Math.round((end - start) / 1000),
      failover: false,
      status: 'in_meeting' as const,
    };
  });
}

/** Unique participants, host included: the reports list only meetings with two or more (S2). */
function uniqueParticipants(ctx: EmulatorContext, meeting: MeetingInstance): number {
  return new Set(participantsOf(ctx, meeting).map((p) => (p.user_email || p.name).toLowerCase())).size;
}

/** The meeting fields of meeting and recording events (S5); `meeting.ended` sends `id` as a string. */
function eventObject(meeting: MeetingInstance) {
  return {
    id: meeting.meetingId,
    uuid: meeting.uuid,
    host_id: meeting.hostId,
    topic: meeting.topic,
    type: meeting.type,
    start_time: isoSeconds(meeting.startTime),
    timezone: meeting.timezone,
    duration: meeting.durationMinutes,
  };
}

/** Sends `meeting.ended` once the meeting is over (docs/zoom-platform.md §2.5, S5). */
export function scheduleMeetingEnded(ctx: EmulatorContext, meeting: MeetingInstance): void {
  const emit = () =>
    ctx.webhooks.emit('meeting.ended', () => ({
      event: 'meeting.ended',
      event_ts: ctx.clock.now(),
      payload: {
        account_id: ctx.state.account.id,
        object: {
          ...eventObject(meeting),
          id: String(meeting.meetingId),
          end_time: isoSeconds(endOf(meeting)),
        },
      },
    }));
  const end = endOf(meeting);
  if (end <= ctx.clock.now()) emit();
  else ctx.clock.schedule(end, `meeting ended ${meeting.uuid}`, emit);
}

/**
 * The host stopped the automatic cloud recording a moment after it started: Zoom sends
 * `recording.started` then `recording.stopped` (S5) and keeps no recording.
 */
export function emitHostStoppedRecording(ctx: EmulatorContext, meeting: MeetingInstance): void {
  const startedAt = meeting.startTime;
  const stoppedAt = Math.min(endOf(meeting), startedAt + 5_000);
  for (const event of ['recording.started', 'recording.stopped'] as const) {
    ctx.webhooks.emit(event, () => ({
      event,
      event_ts: event === 'recording.started' ? startedAt : stoppedAt,
      payload: {
        account_id: ctx.state.account.id,
        object: {
          ...eventObject(meeting),
          recording_file: {
            recording_start: isoSeconds(startedAt),
            recording_end: event === 'recording.started' ? '' : isoSeconds(stoppedAt),
          },
        },
      },
    }));
  }
}

/** Reports need Pro or higher: a free account gets code 200 (docs/zoom-platform.md §2.5). */
function requirePaidPlan(ctx: EmulatorContext, reply: FastifyReply): boolean {
  if (ctx.state.account.plan !== 'free') return true;
  sendZoomError(reply, 400, 200, `This is only available for paid account:${ctx.state.account.id}.`);
  return false;
}

/** `{meetingId}`: a number is the latest ended instance, anything else a UUID (double-encoded when it must be). */
function findEndedMeeting(ctx: EmulatorContext, request: FastifyRequest): MeetingInstance | undefined {
  const raw = (request.params as { meetingId: string }).meetingId;
  const value = decodeMeetingParam(raw);
  const now = ctx.clock.now();
  if (/^\d+$/.test(value)) {
    const ended = ctx.state.instancesOf(Number(value)).filter((m) => endOf(m) <= now);
    return ended[ended.length - 1];
  }
  const path = request.raw.url?.split('?')[0] ?? '';
  const doubleEncoded = /%25[0-9A-Fa-f]{2}/.test(path);
  if ((value.startsWith('/') || value.includes('//')) && !doubleEncoded) return undefined;
  const meeting = ctx.state.meetings.get(value);
  return meeting && endOf(meeting) <= now ? meeting : undefined;
}

function isDate(value: string | undefined): value is string {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

function reportMeeting(ctx: EmulatorContext, meeting: MeetingInstance, host: UserRecord) {
  const participants = participantsOf(ctx, meeting);
  return {
    uuid: meeting.uuid,
    id: meeting.meetingId,
    type: meeting.type,
    topic: meeting.topic,
    user_name: `${host.firstName} ${host.lastName}`,
    user_email: host.email,
    start_time: isoSeconds(meeting.startTime),
    end_time: isoSeconds(endOf(meeting)),
    duration: meeting.durationMinutes,
    total_minutes: Math.round((participants.length * meeting.durationMinutes * 60) / 60),
    participants_count: participants.length,
    source: 'Zoom',
    has_recording: meeting.recording !== null,
    has_screen_share: false,
    has_chat: meeting.chat.length > 0,
    custom_keys: [],
  };
}

/** The endpoints of meetings held: rate-limit category and the scopes that grant each (docs/zoom-platform.md §2.5). */
const meetingsHeldEndpoints = {
  'GET /report/users/:userId/meetings': heavy('report:read:admin', 'report:read:user:admin'),
  'GET /report/meetings/:meetingId/participants': heavy(
    'report:read:admin',
    'report:read:list_meeting_participants:admin',
  ),
  'GET /past_meetings/:meetingId/participants': medium(
    ...withAdmin('meeting:read', 'meeting:read:list_past_participants'),
  ),
  'GET /past_meetings/:meetingId': light(...withAdmin('meeting:read', 'meeting:read:past_meeting')),
};

export function registerMeetingsHeldRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const route = zoomRoutes(app, ctx, meetingsHeldEndpoints);

  route('GET /report/users/:userId/meetings', async (request, reply) => {
    if (!requirePaidPlan(ctx, reply)) return reply;
    const user = resolveUserParam(ctx, request, reply, (request.params as { userId: string }).userId);
    if (!user) return reply;
    const query = request.query as Record<string, string | undefined>;
    const errors: { field: string; message: string }[] = [];
    // Both dates are required here, unlike the recordings listing (S2).
    if (!isDate(query.from)) errors.push({ field: 'from', message: 'Invalid field.' });
    if (!isDate(query.to)) errors.push({ field: 'to', message: 'Invalid field.' });
    if (errors.length > 0 || !isDate(query.from) || !isDate(query.to))
      return sendZoomError(reply, 400, 300, 'Validation Failed.', errors);
    const { from, to } = query;
    if (to < from)
      return sendZoomError(reply, 400, 300, 'The "to" date must be on or after the "from" date.');
    // "Limited to a month and the month must fall within the past six months" (S2); the exact wording of
    // Zoom's refusal is not documented.
    if (to > addMonthsUtc(from, 1))
      return sendZoomError(reply, 400, 300, 'The date range must not exceed one month.');
    if (from < addMonthsUtc(utcDate(ctx.clock.now()), -6))
      return sendZoomError(reply, 400, 300, 'Only meetings of the past six months can be reported.');
    const now = ctx.clock.now();
    const meetings = [...ctx.state.meetings.values()]
      .filter((m) => m.hostId === user.id && endOf(m) <= now)
      .filter((m) => utcDate(m.startTime) >= from && utcDate(m.startTime) <= to)
      .filter((m) => uniqueParticipants(ctx, m) >= 2)
      .sort((a, b) => a.startTime - b.startTime);
    const page = paginate(ctx, `report-meetings:${user.id}:${from}:${to}`, meetings, query, {
      defaultSize: 30,
      maxSize: 300,
    });
    if (!page.ok) return sendZoomError(reply, 400, 300, page.message);
    return {
      from,
      to,
      ...pageFields(page),
      meetings: page.items.map((m) => reportMeeting(ctx, m, user)),
    };
  });

  const participantsRoute =
    (kind: 'report' | 'past') => async (request: FastifyRequest, reply: FastifyReply) => {
      if (!requirePaidPlan(ctx, reply)) return reply;
      const meeting = findEndedMeeting(ctx, request);
      if (!meeting)
        return sendZoomError(reply, 404, 3001, 'This meeting is not available or ID is not valid.');
      if (ctx.clock.now() - meeting.startTime > 365 * 86_400_000)
        return sendZoomError(reply, 400, 12702, 'Can not access a meeting a year ago.');
      const all = participantsOf(ctx, meeting);
      // The past-meeting route "doesn't return results if there's only one participant" (S2).
      const people = kind === 'past' && uniqueParticipants(ctx, meeting) < 2 ? [] : all;
      const query = request.query as Record<string, string | undefined>;
      const page = paginate(ctx, `${kind}-participants:${meeting.uuid}`, people, query, {
        defaultSize: 30,
        maxSize: 300,
      });
      if (!page.ok) return sendZoomError(reply, 400, 300, page.message);
      return {
        ...pageFields(page),
        participants:
          kind === 'report'
            ? page.items.map((p) => ({ ...p, participant_user_id: p.id }))
            : page.items.map(
                ({ id, name, user_id, user_email, join_time, leave_time, duration, failover, status }) => ({
                  id,
                  name,
                  user_id,
                  user_email,
                  join_time,
                  leave_time,
                  duration,
                  failover,
                  status,
                }),
              ),
      };
    };

  route('GET /report/meetings/:meetingId/participants', participantsRoute('report'));

  route('GET /past_meetings/:meetingId/participants', participantsRoute('past'));

  route('GET /past_meetings/:meetingId', async (request, reply) => {
    const meeting = findEndedMeeting(ctx, request);
    if (!meeting)
      return sendZoomError(reply, 404, 3001, 'The meeting ID is invalid or the meeting has not ended.');
    const host = ctx.state.users.get(meeting.hostId);
    const participants = participantsOf(ctx, meeting);
    return {
      id: meeting.meetingId,
      uuid: meeting.uuid,
      duration: meeting.durationMinutes,
      start_time: isoSeconds(meeting.startTime),
      end_time: isoSeconds(endOf(meeting)),
      host_id: meeting.hostId,
      dept: host?.dept ?? '',
      participants_count: participants.length,
      source: 'Zoom',
      topic: meeting.topic,
      total_minutes: participants.length * meeting.durationMinutes,
      type: meeting.type,
      user_email: host?.email ?? '',
      user_name: host ? `${host.firstName} ${host.lastName}` : '',
    };
  });
}
