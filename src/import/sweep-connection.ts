import type { ConnectionRow } from '../connections/index.ts';
import type { Db } from '../db/index.ts';
import { listLinkedLicensedZoomUsers } from '../user-mapping/index.ts';
import type { ZoomClient, ZoomRecordingMeeting } from '../zoom/index.ts';
import { findSweep, saveSweep } from './queries.ts';

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

/**
 * The sweep: for every linked, licensed user, list cloud recordings over overlapping UTC windows since
 * the last sweep (or `since` for a backfill) and hand each meeting instance to `onMeeting`. Finds what
 * webhooks missed; discovery is idempotent, so finding a recording twice costs nothing.
 */
export async function sweepConnection(
  deps: { db: Db; client: ZoomClient },
  connection: ConnectionRow,
  options: { since?: string | undefined; userEmail?: string | undefined; backfillDays: number },
  onMeeting: (meeting: ZoomRecordingMeeting) => Promise<void>,
): Promise<{ found: number; users: number }> {
  const startedAt = new Date();
  const previous = await findSweep(deps.db, connection.id);
  await saveSweep(deps.db, connection.id, { lastStartedAt: startedAt, lastError: null });
  const from =
    options.since ??
    utcDate(
      previous?.lastFinishedAt
        ? previous.lastFinishedAt.getTime() - overlapDays * dayMs
        : startedAt.getTime() - options.backfillDays * dayMs,
    );
  // Tomorrow, in UTC: a recording made late today in a western timezone is already tomorrow in UTC.
  const to = utcDate(startedAt.getTime() + dayMs);
  let users = await listLinkedLicensedZoomUsers(deps.db, connection.id);
  if (options.userEmail) {
    const wanted = options.userEmail.trim().toLowerCase();
    users = users.filter((user) => user.zoomEmail.toLowerCase() === wanted);
  }
  let found = 0;
  // A listed meeting Callport cannot read is skipped, the rest goes on, and the sweep says which.
  const unreadable: string[] = [];
  try {
    for (const user of users) {
      for (const window of dateWindows(from, to)) {
        const onUnreadable = (reason: string) => unreadable.push(`${user.zoomEmail}: ${reason}`);
        for await (const meeting of deps.client.listUserRecordings(user.zoomUserId, window, {
          onUnreadable,
        })) {
          found++;
          await onMeeting(meeting);
        }
      }
    }
  } catch (error) {
    await saveSweep(deps.db, connection.id, {
      lastError: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
  await saveSweep(deps.db, connection.id, {
    lastFinishedAt: startedAt,
    lastWindowFrom: from,
    recordingsFound: found,
    ...(unreadable.length > 0
      ? {
          lastError: `Zoom listed ${unreadable.length} meeting(s) Callport could not read, skipped: ${[
            ...new Set(unreadable),
          ]
            .slice(0, 3)
            .join(' | ')}`,
        }
      : {}),
  });
  return { found, users: users.length };
}
