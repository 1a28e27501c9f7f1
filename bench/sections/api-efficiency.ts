import { randomBytes } from 'node:crypto';
import { createLocalRateBudget, defaultRequestsPerSecond, ZoomClient } from '../../src/zoom/index.ts';
import { rateLimitTable } from '../../src/zoom-emulator/rate-limits.ts';
import type { RequestLogEntry } from '../../src/zoom-emulator/request-log.ts';
import type { Section } from '../run.ts';
import { type LinkedCallport, simulateSmallMeeting, startLinkedCallport, waitUntil } from '../support.ts';

/**
 * Zoom API efficiency of the real Callport (web + worker on one database, emulator over HTTP): every
 * request it makes is read back from the emulator's request log, per sweep cycle, split by endpoint and
 * rate-limit category, and compared with a naive scan run with the same Zoom client against the same
 * account: every user, every ≤30-day window of the same period, every page, one GET per meeting.
 */
const dayMs = 86_400_000;
const listingRoute = 'GET /v2/users/:userId/recordings';
const meetingRoute = 'GET /v2/meetings/:meetingId/recordings';

const run: Section = async ({ quick }) => {
  const users = quick ? 20 : 200;
  const recordings = quick ? 50 : 500;
  const newPerCycle = Math.max(5, Math.round(recordings / 5));
  const backfillDays = 30;
  const intervalMinutes = 60;
  const callport = await startLinkedCallport({
    users,
    env: { SWEEP_INTERVAL_MINUTES: String(intervalMinutes), BACKFILL_DAYS: String(backfillDays) },
  });
  try {
    const { control, hostEmails } = callport;
    const plan = control.account().plan;
    // Only the sweep may discover recordings in the sweep measurements.
    control.setWebhooks({ enabled: false });
    const now = control.now().getTime();
    // R meetings spread over the backfill window (the newest ended 90 minutes ago), round-robin over hosts.
    for (let i = 0; i < recordings; i++) {
      simulate(callport, hostEmails[i % hostEmails.length]!, `Backfill ${i}`, {
        startTime: new Date(now - 2 * 3600_000 - Math.floor((i / recordings) * (backfillDays - 1) * dayMs)),
      });
    }
    await control.advanceClock(5);

    // (a) The first sweep after linking: the backfill of BACKFILL_DAYS finds the R recordings. The
    // connection's sweep state and each linked user's cursor (the users were linked before the
    // recordings existed, so their first backfill found nothing) are removed, so that the triggered
    // sweep starts from scratch, as it does right after the users are linked.
    for (const table of ['import_sweeps', 'import_user_sweeps'])
      await callport.database.executeSql(`DELETE FROM ${table} WHERE connection_id = $1`, [
        callport.connectionId,
      ]);
    const backfill = await sweepCycle(callport, recordings);

    // (b) Steady state: the next cycle, nothing new.
    const steady = await sweepCycle(callport, recordings);

    // (c) The naive scan over the same period and data, with the same Zoom client, as another app.
    const naive = await naiveScan(callport, backfillDays);

    // (d) A regular cycle that finds the recordings made since the previous one (all in the last hour).
    const recent = control.now().getTime();
    for (let i = 0; i < newPerCycle; i++) {
      simulate(callport, hostEmails[(i * 7) % hostEmails.length]!, `Hourly ${i}`, {
        startTime: new Date(recent - 55 * 60_000 + i * Math.floor((40 * 60_000) / newPerCycle)),
        durationMinutes: 10,
      });
    }
    await control.advanceClock(5);
    const hourly = await sweepCycle(callport, recordings + newPerCycle);

    // (e) The webhook path: recording.completed per meeting, no sweep.
    control.setWebhooks({ enabled: true });
    control.clearRequestLog();
    const webhookStarted = performance.now();
    for (let i = 0; i < newPerCycle; i++) {
      simulate(callport, hostEmails[(i * 3) % hostEmails.length]!, `Webhook ${i}`, { durationMinutes: 20 });
    }
    await control.advanceClock(5);
    await control.flushWebhooks();
    await waitForImports(callport, recordings + 2 * newPerCycle);
    const webhook = {
      entries: await settledLog(callport),
      seconds: (performance.now() - webhookStarted) / 1000,
      imported: newPerCycle,
    };

    // (f) Coverage's reconciliation pass over Zoom's meeting reports (Heavy), as the 6-hourly cron runs it.
    const pass = await coveragePass(callport);
    const passHeavy = countWhere(pass.entries, (e) => e.category === 'Heavy');
    const passMedium = countWhere(pass.entries, (e) => e.category === 'Medium');
    const passesPerDay = 4;

    const cycles: Array<{ name: string; result: CycleResult }> = [
      { name: `(a) Callport backfill sweep: ${recordings} new over ${backfillDays} days`, result: backfill },
      { name: '(b) Callport steady sweep: nothing new', result: steady },
      { name: `(c) naive scan, same ${backfillDays} days (every cycle)`, result: naive },
      { name: `(d) Callport hourly sweep: ${newPerCycle} new in the last hour`, result: hourly },
      { name: `(e) Callport webhooks: ${newPerCycle} recording.completed`, result: webhook },
      { name: `(f) coverage reconciliation pass: ${callport.linkedUsers} linked users`, result: pass },
    ];
    const rows: Array<Record<string, string | number>> = [];
    for (const { name, result } of cycles) rows.push(...cycleRows(name, result));

    // Share of the account's budget (docs/zoom-platform.md §5, the emulator's table): Light and Medium have no daily cap on
    // Pro and Business, so the budget of a day is the per-second limit over 86,400 s.
    const perDay = (category: 'Light' | 'Medium', planName: 'pro' | 'business') => {
      const limit = rateLimitTable[planName][category];
      return limit.daily ?? (limit.perWindow * dayMs) / limit.windowMs;
    };
    const cyclesPerDay = (minutes: number) => (24 * 60) / minutes;
    const steadyMedium = countWhere(steady.entries, (e) => e.category === 'Medium');
    const steadyLight = countWhere(steady.entries, (e) => e.category === 'Light');
    const naiveMedium = countWhere(naive.entries, (e) => e.category === 'Medium');
    const naiveLight = countWhere(naive.entries, (e) => e.category === 'Light');
    const share = (requests: number, category: 'Light' | 'Medium', planName: 'pro' | 'business') =>
      `${round((requests / perDay(category, planName)) * 100, 3)} %`;
    const apiOf = (result: CycleResult) => countWhere(result.entries, (e) => e.category !== null);
    const accountPlan = plan === 'free' ? 'business' : plan;

    return {
      title: `Zoom API requests per cycle: ${callport.linkedUsers} linked users, ${recordings} recordings over ${backfillDays} days, SWEEP_INTERVAL_MINUTES=${intervalMinutes}, webhooks off for sweeps; real Callport + emulator (${plan} plan)`,
      rows,
      summary: {
        linkedUsers: callport.linkedUsers,
        recordings,
        backfillApiRequests: apiOf(backfill),
        backfillApiRequestsPerRecording: round(apiOf(backfill) / recordings, 2),
        steadyApiRequestsPerCycle: apiOf(steady),
        naiveApiRequestsPerCycle: apiOf(naive),
        steadyVsNaive: `${round(apiOf(naive) / Math.max(1, apiOf(steady)), 1)}× fewer`,
        hourlyApiRequestsPerNewRecording: round(
          (apiOf(hourly) - apiOf(steady)) / Math.max(1, newPerCycle),
          2,
        ),
        webhookApiRequestsPerRecording: round(apiOf(webhook) / newPerCycle, 2),
        [`steadyMediumShareOfDay_${accountPlan}_every${intervalMinutes}min`]: share(
          steadyMedium * cyclesPerDay(intervalMinutes),
          'Medium',
          accountPlan,
        ),
        [`steadyMediumShareOfDay_${accountPlan}_every5min`]: share(
          steadyMedium * cyclesPerDay(5),
          'Medium',
          accountPlan,
        ),
        [`naiveMediumShareOfDay_${accountPlan}_every${intervalMinutes}min`]: share(
          naiveMedium * cyclesPerDay(intervalMinutes),
          'Medium',
          accountPlan,
        ),
        [`naiveLightShareOfDay_${accountPlan}_every${intervalMinutes}min`]: share(
          naiveLight * cyclesPerDay(intervalMinutes),
          'Light',
          accountPlan,
        ),
        steadyMediumShareOfDay_pro_every5min: share(steadyMedium * cyclesPerDay(5), 'Medium', 'pro'),
        coveragePassHeavyRequests: passHeavy,
        coveragePassMediumRequests: passMedium,
        [`coverageHeavyShareOfDay_${accountPlan}_${passesPerDay}passes`]: `${round(
          ((passHeavy * passesPerDay) /
            (rateLimitTable[accountPlan].Heavy.daily ?? Number.POSITIVE_INFINITY)) *
            100,
          3,
        )} %`,
        coveragePassSeconds: round(pass.seconds, 1),
        backfillSeconds: round(backfill.seconds, 1),
        naiveScanSeconds: round(naive.seconds, 1),
        http429: [backfill, steady, naive, hourly, webhook].reduce(
          (sum, result) => sum + countWhere(result.entries, (e) => e.status === 429),
          0,
        ),
      },
      notes: [
        `Counts are the emulator's request log of what Callport (or the naive scanner) actually sent; every cycle waits until the sweep has finished, every found recording is imported and no job is left.`,
        `(a) is the first sweep after connecting (sweep state removed, then POST /api/integrations/zoom/imports/sweep): ${backfillDays}-day backfill in 28-day windows overlapping by one day, per linked user; ${backfill.found ?? '?'} meetings listed for ${recordings} recordings (the overlap day lists some twice; discovery is idempotent, so they are imported once).`,
        `(b) and (d) are regular cycles: windows start two days before the previous sweep, so one window per linked user, and already-imported recordings cost nothing more. Idle cost per cycle = linked users; a recording a sweep lists is imported from the listing (files are complete there), so it costs only its file downloads; one a webhook announces costs one GET /meetings/{uuid}/recordings (Light) more, because webhook file lists can be incomplete (docs/zoom-platform.md §7).`,
        `(c) naive: GET /users (all pages), then every active user (${naive.users ?? '?'}, the unlinked owner included) × every ≤30-day window (calendar-month capped, ${naive.windows ?? '?'} windows) × every page (page_size 300) + one GET per meeting (${naive.found ?? '?'}). It keeps no state, so it costs this much on every cycle.`,
        `(e) webhooks: the import re-reads each instance once from the API (webhook file lists can be incomplete), no listing at all.`,
        `(f) coverage: one pass of src/coverage/reconcile-connection.ts (POST /api/integrations/zoom/coverage/reconcile): one GET /report/users/{userId}/meetings (Heavy) per linked user for the last two UTC days (each user's first pass, started when the links were saved and finished before these cycles, asked their last eight weeks in two 28-day windows: two requests each, once), then GET /past_meetings/{uuid}/participants (Medium) once per meeting not known yet. Share of day: Heavy requests × ${passesPerDay} passes a day (the cron) ÷ the plan's daily Heavy cap (${rateLimitTable[accountPlan].Heavy.daily}).`,
        `Downloads (/rec/download → 302 → /rec/signed) carry no rate-limit label: they are counted but not in "API" totals or budget shares. Token refreshes (/oauth/token) likewise.`,
        `Budget: plan "${plan}" (the emulator's default account, src/zoom-emulator/rate-limits.ts = docs/zoom-platform.md §5). Light ${rateLimitTable[accountPlan].Light.perWindow}/s and Medium ${rateLimitTable[accountPlan].Medium.perWindow}/s have no daily cap on Pro/Business, so "share of day" = requests per day ÷ (per-second limit × 86,400). Steady state per day: ${steadyMedium} Medium + ${steadyLight} Light per cycle × ${cyclesPerDay(intervalMinutes)} cycles (every ${intervalMinutes} min) or × ${cyclesPerDay(5)} (the default 5 min). Callport itself paces at ${defaultRequestsPerSecond.Medium} Medium/s and ${defaultRequestsPerSecond.Light} Light/s, a share of the account's limit left to other apps.`,
        `Free-plan daily caps (Light ${rateLimitTable.free.Light.daily}/day, Medium ${rateLimitTable.free.Medium.daily}/day) do not apply: Free accounts have no cloud recording.`,
      ],
    };
  } finally {
    await callport.stop();
  }
};

type CycleResult = {
  entries: RequestLogEntry[];
  seconds: number;
  imported: number;
  found?: number;
  users?: number;
  windows?: number;
};

function simulate(
  callport: LinkedCallport,
  hostEmail: string,
  topic: string,
  options: { startTime?: Date; durationMinutes?: number },
) {
  return simulateSmallMeeting(callport, {
    hostEmail,
    topic,
    durationMinutes: options.durationMinutes ?? 30,
    startTime: options.startTime,
  });
}

/**
 * Clears the request log, then presses the admin's button behind `path` (a POST answered 202) and waits
 * until the connection's row in `table` finished after the press, then for `andThen` (what else the
 * cycle waits on). Returns the seconds from the press.
 */
async function pressAndWait(
  callport: LinkedCallport,
  path: string,
  table: 'import_sweeps' | 'coverage_passes',
  andThen: () => Promise<void> = async () => {},
): Promise<number> {
  callport.control.clearRequestLog();
  const triggeredAt = new Date();
  const started = performance.now();
  const response = await callport.bed.admin.request('POST', path);
  if (response.statusCode !== 202)
    throw new Error(`POST ${path} refused: ${response.statusCode} ${response.body}`);
  await waitForFinished(callport, table, triggeredAt);
  await andThen();
  return (performance.now() - started) / 1000;
}

/** Triggers one sweep as the admin would and waits until it and every import it queued are done. */
async function sweepCycle(callport: LinkedCallport, expectImported: number): Promise<CycleResult> {
  const { database, connectionId } = callport;
  const before = await importedCount(callport);
  const seconds = await pressAndWait(callport, '/api/integrations/zoom/imports/sweep', 'import_sweeps', () =>
    waitForImports(callport, expectImported),
  );
  const sweep = (
    await database.executeSql('SELECT recordings_found FROM import_sweeps WHERE connection_id = $1', [
      connectionId,
    ])
  ).rows[0];
  return {
    entries: await settledLog(callport),
    seconds,
    imported: (await importedCount(callport)) - before,
    found: Number(sweep?.recordings_found ?? 0),
  };
}

/** Runs coverage's reconciliation pass as the admin's "check now" does and waits until it has finished. */
async function coveragePass(callport: LinkedCallport): Promise<CycleResult> {
  const { database, connectionId } = callport;
  const seconds = await pressAndWait(
    callport,
    '/api/integrations/zoom/coverage/reconcile',
    'coverage_passes',
  );
  const { rows } = await database.executeSql(
    'SELECT meetings_found, last_error_code FROM coverage_passes WHERE connection_id = $1',
    [connectionId],
  );
  if (rows[0]?.last_error_code) throw new Error(`coverage pass stopped: ${rows[0].last_error_code}`);
  return {
    entries: await settledLog(callport),
    seconds,
    imported: 0,
    found: Number(rows[0]?.meetings_found ?? 0),
  };
}

/** Waits until the connection's row in `table` (a sweep or a coverage pass) finished after `since`. */
async function waitForFinished(
  callport: LinkedCallport,
  table: 'import_sweeps' | 'coverage_passes',
  since: Date,
) {
  await waitUntil(
    `${table} to finish`,
    async () =>
      (
        await callport.database.executeSql(
          `SELECT 1 FROM ${table} WHERE connection_id = $1 AND last_finished_at >= $2`,
          [callport.connectionId, since.toISOString()],
        )
      ).rows.length > 0,
    { timeoutMs: 600_000, intervalMs: 50 },
  );
}

async function importedCount(callport: LinkedCallport): Promise<number> {
  const { rows } = await callport.database.executeSql(
    `SELECT count(*)::int AS n FROM recordings WHERE connection_id = $1 AND status = 'imported'`,
    [callport.connectionId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Waits until no job is pending and no recording is between discovery and a final state. */
async function waitForImports(callport: LinkedCallport, expectImported: number) {
  await waitUntil(
    `${expectImported} imported recordings`,
    async () => {
      const { rows } = await callport.database.executeSql(
        `SELECT count(*) FILTER (WHERE status IN ('discovered', 'importing', 'waiting'))::int AS busy,
                count(*) FILTER (WHERE status = 'imported')::int AS imported
         FROM recordings WHERE connection_id = $1`,
        [callport.connectionId],
      );
      return (
        Number(rows[0]?.busy) === 0 &&
        Number(rows[0]?.imported) >= expectImported &&
        (await callport.pendingJobs()) === 0
      );
    },
    { timeoutMs: 900_000, intervalMs: 100 },
  );
  const imported = await importedCount(callport);
  if (imported !== expectImported) {
    const { rows } = await callport.database.executeSql(
      'SELECT status, status_reason, count(*)::int AS n FROM recordings GROUP BY 1, 2',
    );
    throw new Error(`expected ${expectImported} imported recordings, found ${JSON.stringify(rows)}`);
  }
}

/** The request log once responses still closing (downloads are logged on socket close) are in. */
async function settledLog(callport: LinkedCallport): Promise<RequestLogEntry[]> {
  await new Promise((resolve) => setTimeout(resolve, 250));
  return callport.control.requestLog();
}

/**
 * The naive scan, as a separate app on the same account: every active user, every ≤30-day window of
 * the backfill period (capped at a calendar month, Zoom's limit), every page, one GET per meeting.
 */
async function naiveScan(callport: LinkedCallport, backfillDays: number): Promise<CycleResult> {
  const { control, bed } = callport;
  const clientId = `bench-naive-${randomBytes(4).toString('hex')}`;
  control.registerApp({
    type: 'general',
    clientId,
    clientSecret: randomBytes(16).toString('hex'),
    redirectUris: ['http://127.0.0.1/callback'],
    scopes: ['user:read:admin', 'recording:read:admin'],
    webhookSecretToken: randomBytes(16).toString('hex'),
  });
  const tokens = control.installApp(clientId);
  const client = new ZoomClient({
    apiUrl: bed.emulator.apiUrl,
    accountKey: 'naive',
    rateBudget: createLocalRateBudget(),
    tokens: { getAccessToken: async () => tokens.access_token, renew: async () => tokens.access_token },
  });
  control.clearRequestLog();
  const started = performance.now();
  // The same period as Callport's backfill: BACKFILL_DAYS back to tomorrow (UTC).
  const today = Date.now();
  const windows = naiveWindows(utcDate(today - backfillDays * dayMs), utcDate(today + dayMs));
  let users = 0;
  const meetings = new Set<string>();
  for await (const user of client.listUsers('active')) {
    if (!user.id) continue;
    users++;
    for (const window of windows) {
      for await (const meeting of client.listUserRecordings(user.id, window)) meetings.add(meeting.uuid);
    }
  }
  const uuids = [...meetings];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (uuids.length > 0) await client.getMeetingRecordings(uuids.pop()!);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const entries = (await settledLog(callport)).filter((entry) => entry.clientId === clientId);
  return { entries, seconds, imported: 0, found: meetings.size, users, windows: windows.length };
}

function naiveWindows(from: string, to: string): Array<{ from: string; to: string }> {
  const windows: Array<{ from: string; to: string }> = [];
  let start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  while (start <= end) {
    const windowEnd = Math.min(end, start + 29 * dayMs, Date.parse(`${addMonth(utcDate(start))}T00:00:00Z`));
    windows.push({ from: utcDate(start), to: utcDate(windowEnd) });
    start = windowEnd + dayMs;
  }
  return windows;
}

function addMonth(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

function utcDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

function phaseOf(entry: RequestLogEntry): string {
  const endpoint = `${entry.method} ${entry.route}`;
  if (endpoint === listingRoute) return 'sweep listing';
  if (endpoint === meetingRoute) return 'import (metadata)';
  if (entry.route.startsWith('/rec/')) return 'import (file bytes)';
  if (endpoint === 'GET /v2/users') return 'user listing';
  if (entry.route.startsWith('/v2/report/')) return 'coverage report';
  if (entry.route.startsWith('/v2/past_meetings/')) return 'coverage participants';
  return 'other';
}

function cycleRows(cycle: string, result: CycleResult): Array<Record<string, string | number>> {
  const groups = new Map<string, { phase: string; category: string; requests: number; errors: number }>();
  for (const entry of result.entries) {
    const isDownload = entry.route.startsWith('/rec/');
    const endpoint = isDownload ? 'GET /rec/download → /rec/signed' : `${entry.method} ${entry.route}`;
    const group = groups.get(endpoint) ?? {
      phase: phaseOf(entry),
      category: entry.category ?? 'none',
      requests: 0,
      errors: 0,
    };
    group.requests++;
    if (entry.status >= 400) group.errors++;
    groups.set(endpoint, group);
  }
  // Per imported recording; for the naive scan, per meeting it fetched (what it would import).
  const base = result.imported > 0 ? result.imported : result.users !== undefined ? (result.found ?? 0) : 0;
  const perRecording = (requests: number) => (base > 0 ? round(requests / base, 2) : '');
  const api = countWhere(result.entries, (entry) => entry.category !== null);
  const rows: Array<Record<string, string | number>> = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([endpoint, group]) => ({
      cycle,
      phase: group.phase,
      endpoint,
      category: group.category,
      requests: group.requests,
      perImported: perRecording(group.requests),
      errors: group.errors,
    }));
  rows.push({
    cycle,
    phase: 'total',
    endpoint: 'all rate-limited API requests',
    category: 'all',
    requests: api,
    perImported: perRecording(api),
    errors: countWhere(result.entries, (entry) => entry.category !== null && entry.status >= 400),
  });
  return rows;
}

function countWhere(entries: RequestLogEntry[], predicate: (entry: RequestLogEntry) => boolean): number {
  let count = 0;
  for (const entry of entries) if (predicate(entry)) count++;
  return count;
}

function round(value: number, digits: number) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export default run;
