import type { ConnectionRow } from '../connections/index.ts';
import type { Db } from '../db/index.ts';
import type { Logger } from '../lib/logger.ts';
import { isZoomApiError, type ZoomClient } from '../zoom/index.ts';
import { type GroupMembers, listRecordingGroup } from './judge-meeting.ts';
import { completeMeeting } from './learn-meeting.ts';
import {
  findPass,
  findPolicyFacts,
  internalDomainsOf,
  listLinkedZoomUsers,
  listMeetingsWithoutParticipants,
  savePass,
  upsertMeetingHeld,
} from './queries.ts';

/** How far back a pass asks for a user it covered before: yesterday and today (UTC), so a meeting near midnight is never missed. */
const reconcileDays = 2;

/**
 * How far back a user's first pass asks: the coverage view's default eight weeks, so the view is full
 * from the day a user is linked (or Zoom is connected), not only from then on.
 */
const historyDays = 56;

/** Zoom's report spans at most "a month" (docs/zoom-platform.md §2.5): 28 days fit in any month. */
const reportWindowDays = 28;

/**
 * The reconciliation pass: the meetings every linked user held, from Zoom's meeting report, for those
 * no `meeting.ended` announced (webhooks off, dropped, the app added late, or held before the user was
 * linked). A user the previous pass did not cover (the first pass, or linked since the last one began)
 * is asked for the last `historyDays`, in two 28-day windows; everyone else for the last two UTC days.
 *
 * Budget (docs/zoom-platform.md §2.5, §5): the report is **Heavy**. A pass costs one report request per
 * linked user (300 meetings a page: a second page only past 300 meetings in a window), two for a user's
 * first pass, so 200 users cost 200 Heavy requests a pass (400 once, at the first); the cron runs it 4
 * times a day, 800 of a Business account's 60,000 daily Heavy requests (1.3 %; 2.7 % of Pro's 30,000),
 * paced under the 40 a second by the client's shared rate budget. Participants come from the **Medium**
 * past-meeting call, once per meeting ever (never again in later passes), not from the Heavy
 * participants report. `npm run bench -- --only api-efficiency` counts it.
 */
export async function reconcileConnection(
  deps: { db: Db; client: ZoomClient; logger: Logger },
  connection: ConnectionRow,
  now: Date,
): Promise<{ users: number; meetings: number; failed: number; stoppedBy: string | null }> {
  const { db, client } = deps;
  const startedAt = new Date();
  const previous = await findPass(db, connection.id);
  // Users linked before the last finished pass began were asked then; anyone else needs their history.
  const coveredBefore = previous?.lastFinishedAt ? previous.lastStartedAt : null;
  await savePass(db, connection.id, { lastStartedAt: startedAt });
  const linked = await listLinkedZoomUsers(db, connection.id);
  let meetings = 0;
  let failed = 0;
  let stoppedBy: { code: string; detail: string } | null = null;
  for (const user of linked) {
    const isNew = !coveredBefore || user.linkedAt >= coveredBefore;
    try {
      for (const window of reportWindows(now, isNew ? historyDays : reconcileDays))
        for await (const meeting of client.listReportMeetings(user.zoomUserId, window)) {
          const start = new Date(meeting.start_time);
          if (Number.isNaN(start.getTime())) continue;
          const end = meeting.end_time ? new Date(meeting.end_time) : null;
          await upsertMeetingHeld(db, {
            connectionId: connection.id,
            organizationId: connection.organizationId,
            meetingUuid: meeting.uuid,
            meetingId: Number.isSafeInteger(Number(meeting.id)) ? Number(meeting.id) : null,
            hostZoomId: user.zoomUserId,
            topic: meeting.topic ?? '',
            startTime: start,
            endTime:
              end && !Number.isNaN(end.getTime())
                ? end
                : new Date(start.getTime() + (meeting.duration ?? 0) * 60_000),
            learnedVia: 'report',
            hasRecording: meeting.has_recording ?? null,
          });
          meetings++;
        }
    } catch (error) {
      if (!isZoomApiError(error)) throw error;
      // Account-wide refusals end the pass: every other user would get the same answer.
      if (String(error.zoomCode) === '200' && /paid account/i.test(error.message)) {
        stoppedBy = { code: 'coverage_needs_paid_plan', detail: error.message };
        break;
      }
      if (String(error.zoomCode) === '4700' || error.kind === 'unauthorized') {
        stoppedBy = { code: 'coverage_scope_missing', detail: error.message };
        break;
      }
      // One user's failure (gone, not licensed…) never stops the others.
      failed++;
      deps.logger.warn(
        { connectionId: connection.id, zoomUserId: user.zoomUserId, err: error },
        'meeting report failed',
      );
    }
  }
  const policy = await findPolicyFacts(db, connection.id);
  let group: Promise<GroupMembers> | undefined;
  const load = () => {
    group ??= listRecordingGroup(client, policy?.groupId ?? null);
    return group;
  };
  const domains = await internalDomainsOf(db, connection.organizationId);
  for (const meeting of await listMeetingsWithoutParticipants(db, connection.id, 1000)) {
    await completeMeeting(deps, connection, meeting, { load }, { domains });
  }
  await savePass(db, connection.id, {
    lastFinishedAt: new Date(),
    meetingsFound: meetings,
    lastErrorCode: stoppedBy?.code ?? null,
    lastErrorDetail: stoppedBy?.detail ?? null,
  });
  return { users: linked.length, meetings, failed, stoppedBy: stoppedBy?.code ?? null };
}

/** The last `days` UTC days up to `now`'s, as report windows Zoom accepts, oldest first. */
function reportWindows(now: Date, days: number): Array<{ from: string; to: string }> {
  const day = (offset: number) => new Date(now.getTime() - offset * 86_400_000).toISOString().slice(0, 10);
  const windows: Array<{ from: string; to: string }> = [];
  for (let newest = 0; newest < days; newest += reportWindowDays)
    windows.unshift({ from: day(Math.min(days, newest + reportWindowDays) - 1), to: day(newest) });
  return windows;
}
