import type { ConnectionRow } from '../connections/index.ts';
import type { Db } from '../db/index.ts';
import type { Logger } from '../lib/logger.ts';
import { isZoomApiError, type ZoomClient } from '../zoom/index.ts';
import { type GroupMembers, listRecordingGroup } from './judge-meeting.ts';
import { completeMeeting } from './learn-meeting.ts';
import {
  findPolicyFacts,
  internalDomainsOf,
  listLinkedZoomUsers,
  listMeetingsWithoutParticipants,
  savePass,
  upsertMeetingHeld,
} from './queries.ts';

/** How far back each pass asks: yesterday and today (UTC), so a meeting near midnight is never missed. */
export const reconcileDays = 2;

/**
 * The reconciliation pass: the meetings every linked user held in the last two UTC days, from Zoom's
 * meeting report, for those no `meeting.ended` announced (webhooks off, dropped, or the app added late).
 *
 * Budget (docs/zoom-platform.md §2.5, §5): the report is **Heavy**. A pass costs one report request per
 * linked user (300 meetings a page: a second page only past 300 meetings in two days), so 200 users cost
 * 200 Heavy requests; the cron runs it 4 times a day, 800 of a Business account's 60,000 daily Heavy
 * requests (1.3 %; 2.7 % of Pro's 30,000), paced under the 40 a second by the client's shared rate
 * budget. Participants come from the **Medium** past-meeting call, once per meeting ever (never again
 * in later passes), not from the Heavy participants report. `npm run bench -- --only api-efficiency`
 * counts it.
 */
export async function reconcileConnection(
  deps: { db: Db; client: ZoomClient; logger: Logger },
  connection: ConnectionRow,
  now: Date,
): Promise<{ users: number; meetings: number; failed: number; stoppedBy: string | null }> {
  const { db, client } = deps;
  const startedAt = new Date();
  await savePass(db, connection.id, { lastStartedAt: startedAt });
  const from = new Date(now.getTime() - (reconcileDays - 1) * 86_400_000).toISOString().slice(0, 10);
  const to = now.toISOString().slice(0, 10);
  const linked = await listLinkedZoomUsers(db, connection.id);
  let meetings = 0;
  let failed = 0;
  let stoppedBy: { code: string; detail: string } | null = null;
  for (const user of linked) {
    try {
      for await (const meeting of client.listReportMeetings(user.zoomUserId, { from, to })) {
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
