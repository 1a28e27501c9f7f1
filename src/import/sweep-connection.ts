import type { ConnectionRow } from '../connections/index.ts';
import type { UserImportState } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { normalizeEmail } from '../lib/email.ts';
import { encodeMessage } from '../lib/messages.ts';
import { listLinkedLicensedZoomUsers, listUnlinkedLicensedZoomUsers } from '../user-mapping/index.ts';
import {
  decideZoomFailure,
  isZoomApiError,
  type ZoomClient,
  type ZoomRecordingMeeting,
} from '../zoom/index.ts';
import { listUserSweeps, saveSweep, saveUserSweep } from './queries.ts';

const dayMs = 86_400_000;
// Zoom allows at most one month between `from` and `to` (docs/zoom-platform.md §2.1); 28 days fits every month.
const windowDays = 28;
// Windows overlap the previous sweep by this much: bound semantics are unclear and dates are UTC (docs/zoom-platform.md §7).
const overlapDays = 2;

export function utcDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** Consecutive UTC date windows of at most 28 days covering [from, to], each overlapping the next by a day. */
export function dateWindows(from: string, to: string): Array<{ from: string; to: string }> {
  const windows: Array<{ from: string; to: string }> = [];
  let start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  while (start <= end) {
    const windowEnd = Math.min(end, start + (windowDays - 1) * dayMs);
    windows.push({ from: utcDate(start), to: utcDate(windowEnd) });
    if (windowEnd >= end) break;
    start = windowEnd;
  }
  return windows;
}

/** Why one user's listing failed; the other users' sweep goes on. Connection-wide failures are not here. */
export type UserSweepError = UserImportState['errorCode'] & string;

/**
 * A failure that only concerns this user (Zoom 3161 "not allowed to host", 1001 gone, a 5xx after the
 * client's retries), or undefined when it concerns the whole connection (token, scopes, rate limit):
 * then the sweep stops and the job is retried.
 */
export function userSweepError(error: unknown): UserSweepError | undefined {
  if (isZoomApiError(error) && error.zoomCode === 3161) return 'zoom_user_not_licensed';
  if (isZoomApiError(error) && error.zoomCode === 1001) return 'zoom_user_not_found';
  const decision = decideZoomFailure(error);
  if (decision.action === 'reconnect' || decision.isAccountWide) return undefined;
  if (decision.action === 'retry') return 'zoom_unavailable';
  switch (decision.kind) {
    case 'not_found':
      return 'zoom_user_not_found';
    case 'invalid_request':
      return 'zoom_invalid_request';
    case 'forbidden':
      // A 403 without a scope code: this user's recordings are out of reach, the others may not be.
      return 'zoom_user_forbidden';
  }
}

export type SweepResult = {
  found: number;
  /** Linked users listed. */
  users: number;
  /** Licensed Zoom users linked to nobody, listed so their recordings are counted and kept for the link. */
  unlinked: number;
  /** Users listed for the first time: their backfill of BACKFILL_DAYS. */
  backfilled: number;
  failed: Array<{ zoomUserId: string; code: UserSweepError }>;
};

/**
 * The sweep: for every linked, licensed user, list cloud recordings over overlapping UTC windows since
 * that user's last complete listing, or their last `backfillDays` when they were never listed (a user
 * linked today, a week after connecting, gets their older recordings). `since` looks back further. One
 * user's failure is kept on their cursor and retried next time; the others go on. `onlyNew`: just the
 * users never tried yet (run right after links are saved). Discovery is idempotent, so finding a
 * recording twice costs nothing. The account's licensed users linked to nobody are listed the same
 * way: what they recorded is kept as "waiting for a link" (the Imports tab counts it per host, whether or
 * not a webhook ever announced it) and is imported as soon as they are linked.
 */
export async function sweepConnection(
  deps: { db: Db; client: ZoomClient },
  connection: ConnectionRow,
  options: {
    since?: string | undefined;
    userEmail?: string | undefined;
    onlyNew?: boolean | undefined;
    backfillDays: number;
  },
  onMeeting: (meeting: ZoomRecordingMeeting) => Promise<void>,
): Promise<SweepResult> {
  const startedAt = new Date();
  if (!options.onlyNew)
    await saveSweep(deps.db, connection.id, { lastStartedAt: startedAt, lastError: null });
  const cursors = new Map(
    (await listUserSweeps(deps.db, connection.id)).map((cursor) => [cursor.zoomUserId, cursor]),
  );
  // Tomorrow, in UTC: a recording made late today in a western timezone is already tomorrow in UTC.
  const to = utcDate(startedAt.getTime() + dayMs);
  const linked = await listLinkedLicensedZoomUsers(deps.db, connection.id);
  const unlinked = await listUnlinkedLicensedZoomUsers(deps.db, connection.id);
  let users = [
    ...linked.map((user) => ({ ...user, isLinked: true })),
    ...unlinked.map((user) => ({ ...user, isLinked: false, linkedAt: undefined })),
  ];
  if (options.userEmail) {
    const wanted = normalizeEmail(options.userEmail);
    users = users.filter((user) => normalizeEmail(user.zoomEmail) === wanted);
  }
  // Never listed, or listed only before their link (while linked to nobody): their first import is due.
  if (options.onlyNew)
    users = users.filter((user) => {
      const attempt = cursors.get(user.zoomUserId)?.lastAttemptAt;
      return !attempt || (user.linkedAt !== undefined && attempt < user.linkedAt);
    });
  const result: SweepResult = {
    found: 0,
    users: users.filter((user) => user.isLinked).length,
    unlinked: users.filter((user) => !user.isLinked).length,
    backfilled: 0,
    failed: [],
  };
  // A listed meeting Callport cannot read is skipped, the rest goes on, and the sweep says which.
  const unreadable: string[] = [];
  try {
    for (const user of users) {
      const sweptAt = cursors.get(user.zoomUserId)?.sweptAt;
      const resumeFrom = utcDate(
        sweptAt
          ? sweptAt.getTime() - overlapDays * dayMs
          : startedAt.getTime() - options.backfillDays * dayMs,
      );
      const from = options.since && options.since < resumeFrom ? options.since : resumeFrom;
      const key = { connectionId: connection.id, zoomUserId: user.zoomUserId };
      let found = 0;
      try {
        const onUnreadable = (reason: string) => unreadable.push(`${user.zoomEmail}: ${reason}`);
        // Windows share a day: a meeting of that day is listed twice, and discovering it again while its
        // import runs queued a second, "unchanged" import job (one per backfill in the bench).
        const listed = new Set<string>();
        for (const window of dateWindows(from, to)) {
          for await (const meeting of deps.client.listUserRecordings(user.zoomUserId, window, {
            onUnreadable,
          })) {
            if (listed.has(meeting.uuid)) continue;
            listed.add(meeting.uuid);
            found++;
            await onMeeting(meeting);
          }
        }
      } catch (error) {
        const code = userSweepError(error);
        if (!code) throw error;
        result.failed.push({ zoomUserId: user.zoomUserId, code });
        await saveUserSweep(deps.db, key, {
          ok: false,
          startedAt,
          code,
          detail: error instanceof Error ? error.message : String(error),
        });
        continue;
      } finally {
        result.found += found;
      }
      if (!sweptAt && user.isLinked) result.backfilled++;
      await saveUserSweep(deps.db, key, { ok: true, startedAt, from, found });
    }
  } catch (error) {
    await saveSweep(deps.db, connection.id, {
      lastError: encodeMessage('sweep_failed', {
        error: error instanceof Error ? error.message : String(error),
      }),
    });
    throw error;
  }
  if (!options.onlyNew || users.length > 0) {
    await saveSweep(deps.db, connection.id, {
      ...(options.onlyNew ? {} : { lastFinishedAt: startedAt }),
      recordingsFound: result.found,
      ...(unreadable.length > 0
        ? {
            lastError: encodeMessage('sweep_meetings_unreadable', {
              count: unreadable.length,
              detail: [...new Set(unreadable)].slice(0, 3).join(' | '),
            }),
          }
        : {}),
    });
  }
  return result;
}
