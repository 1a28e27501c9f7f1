import type { Section } from '../run.ts';
import {
  type LinkedCallport,
  percentile,
  simulateSmallMeeting,
  startLinkedCallport,
  waitUntil,
} from '../support.ts';

/**
 * How soon a finished Zoom recording becomes a call in the library, on the real Callport (web + worker,
 * pg-boss, HTTP webhooks from the emulator):
 * - webhook path: wall-clock time from the emulator sending `recording.completed` to the call row being
 *   visible, one meeting at a time and in waves of ten;
 * - sweep-only mode (webhooks off, SWEEP_INTERVAL_MINUTES=1): from the recording completing at Zoom to
 *   the sweep discovering it and to the call, against the interval.
 */
const hosts = 5;
const waveSize = 10;
const pollMs = 20;

/** Milliseconds from the webhook send: Zoom's POST answered, event stored, recording discovered, call row, call seen. */
type Stages = { ackMs: number; storedMs: number; discoveredMs: number; callRowMs: number; callMs: number };

const run: Section = async ({ quick }) => {
  const meetings = quick ? 30 : 100;
  const sweepMeetings = quick ? 9 : 24;
  const sweepSpacingMs = quick ? 11_000 : 13_000;
  const intervalMinutes = 1;
  let workers = 0;

  // 1. Webhook path.
  const webhookRuns: { single: Stages[]; waves: Stages[] } = { single: [], waves: [] };
  let callport = await startLinkedCallport({
    users: hosts,
    env: { SWEEP_INTERVAL_MINUTES: '60', BACKFILL_DAYS: '0' },
  });
  try {
    workers = callport.bed.app.config.WORKER_CONCURRENCY;
    for (let i = 0; i < meetings; i++) {
      webhookRuns.single.push(...(await webhookWave(callport, [`One by one ${i}`])));
    }
    for (let start = 0; start < meetings; start += waveSize) {
      const topics = Array.from(
        { length: Math.min(waveSize, meetings - start) },
        (_, i) => `Wave ${start / waveSize} #${i}`,
      );
      webhookRuns.waves.push(...(await webhookWave(callport, topics)));
    }
  } finally {
    await callport.stop();
  }

  // 2. Sweep-only mode.
  callport = await startLinkedCallport({
    users: hosts,
    env: { SWEEP_INTERVAL_MINUTES: String(intervalMinutes), BACKFILL_DAYS: '0' },
  });
  let sweep: Awaited<ReturnType<typeof sweepOnly>>;
  try {
    sweep = await sweepOnly(callport, sweepMeetings, sweepSpacingMs, intervalMinutes);
  } finally {
    await callport.stop();
  }

  const intervalSeconds = intervalMinutes * 60;
  const stats = (values: number[]) => ({
    p50: round(percentile(values, 50) / 1000, 3),
    p95: round(percentile(values, 95) / 1000, 3),
    max: round(Math.max(...values) / 1000, 3),
  });
  const median = (values: number[]) => round(percentile(values, 50) / 1000, 3);
  const webhookRow = (mode: string, runs: Stages[]) => ({
    path: 'webhook',
    mode,
    meetings: runs.length,
    measure: 'recording.completed sent → call visible',
    ...stats(runs.map((r) => r.callMs)),
    ackP50: median(runs.map((r) => r.ackMs)),
    storedP50: median(runs.map((r) => r.storedMs)),
    discoveredP50: median(runs.map((r) => r.discoveredMs)),
    callRowP50: median(runs.map((r) => r.callRowMs)),
  });
  const detections = sweep.runs.map((r) => r.discoveredMs);
  const calls = sweep.runs.map((r) => r.callMs);
  // completed → call ≤ interval + that meeting's import time, i.e. discovered within one interval.
  const withinBound = sweep.runs.filter((r) => r.callMs <= intervalSeconds * 1000 + r.importMs).length;
  const gaps = sweep.sweepStarts.slice(1).map((at, i) => at - sweep.sweepStarts[i]!);
  const dispatchGaps = sweep.dispatchTimes.slice(1).map((at, i) => at - sweep.dispatchTimes[i]!);
  const single = stats(webhookRuns.single.map((r) => r.callMs));
  const waves = stats(webhookRuns.waves.map((r) => r.callMs));

  return {
    title: `Latency, real Callport on ${callport.database.kind === 'pglite' ? 'PGlite' : 'PostgreSQL'} (web + worker, WORKER_CONCURRENCY ${workers}), ${hosts} linked hosts: webhook path over ${meetings} meetings one by one and ${meetings} in waves of ${waveSize}; sweep-only over ${sweep.runs.length} meetings, SWEEP_INTERVAL_MINUTES=${intervalMinutes}`,
    rows: [
      webhookRow('one meeting at a time', webhookRuns.single),
      webhookRow(`waves of ${waveSize} at once`, webhookRuns.waves),
      {
        path: 'sweep only',
        mode: `interval ${intervalSeconds} s, a meeting every ${sweepSpacingMs / 1000} s`,
        meetings: sweep.runs.length,
        measure: 'recording completed → discovered by a sweep',
        ...stats(detections),
      },
      {
        path: 'sweep only',
        mode: `interval ${intervalSeconds} s, a meeting every ${sweepSpacingMs / 1000} s`,
        meetings: sweep.runs.length,
        measure: 'recording completed → call visible',
        ...stats(calls),
      },
      {
        path: 'sweep only',
        mode: 'import after discovery',
        meetings: sweep.runs.length,
        measure: 'discovered → call visible',
        ...stats(sweep.runs.map((r) => r.importMs)),
      },
    ],
    summary: {
      webhookP50Seconds: single.p50,
      webhookP95Seconds: single.p95,
      webhookMaxSeconds: single.max,
      webhookWavesP50Seconds: waves.p50,
      webhookWavesP95Seconds: waves.p95,
      sweepIntervalSeconds: intervalSeconds,
      sweepDetectionP50Seconds: round(percentile(detections, 50) / 1000, 1),
      sweepDetectionMaxSeconds: round(Math.max(...detections) / 1000, 1),
      sweepCallP95Seconds: round(percentile(calls, 95) / 1000, 1),
      sweepWithinIntervalPlusImport: `${withinBound}/${sweep.runs.length}`,
      observedSweepGapMeanSeconds: gaps.length
        ? round(gaps.reduce((a, b) => a + b, 0) / gaps.length / 1000, 1)
        : 'n/a',
      observedSweepGapMinSeconds: gaps.length ? round(Math.min(...gaps) / 1000, 1) : 'n/a',
      observedSweepGapMaxSeconds: gaps.length ? round(Math.max(...gaps) / 1000, 1) : 'n/a',
      dispatcherRuns: sweep.dispatchTimes.length,
      sweepsStarted: sweep.sweepsInWindow,
    },
    notes: [
      `Webhook path: for each meeting the emulator (virtual clock, processingSeconds 0) completes the recording on control.advanceClock(0), which POSTs recording.completed to Callport over HTTP; t0 (wall clock) is taken right before that call. p50/p95/max = t0 → first poll (every ${pollMs} ms, SQL on calls) that sees the call. Stage medians from t0: ack = Zoom's POST answered (as the emulator sees it), stored = webhook_events.received_at, discovered = recordings.discovered_at, callRow = calls.created_at (database clock; same machine clock, checked equal to Date.now()).`,
      `Callport's chain: webhook verified and stored → connections.handle-webhook job → discovery → import.import-recording job (one GET /meetings/{uuid}/recordings; MP4 256 KiB + M4A 64 KiB + timeline downloaded, hashed and stored) → call row. A job sent by this process wakes one of its idle worker slots at once; otherwise slots poll every 0.5 s.`,
      `Waves: ${waveSize} meetings complete together (one advanceClock), so their webhooks arrive at once and queue for ${workers} import slots; each meeting's latency is from the wave's t0.`,
      `Sweep only: emulator webhooks disabled; meetings end every ${sweepSpacingMs / 1000} s (coprime with the 60-s interval, so successive meetings fall at evenly spread phases of the sweep cycle). The pg-boss cron import.sweep-dispatch ("* * * * *") queues each full sweep to start exactly interval after the previous one started (a job with startAfter), so sweeps are not tied to the dispatcher's clock minute. Expected: completed → call ≤ interval + import time (= discovered within one interval); "within" counts the meetings that met it; sweep gaps within interval ± 10 s.`,
      `Observed while measuring: sweep starts ${gaps.map((g) => round(g / 1000, 1)).join(', ') || 'n/a'} s apart (from the last sweep before the first meeting); ${sweep.dispatchTimes.length} dispatcher runs (${dispatchGaps.map((g) => round(g / 1000, 1)).join(', ') || 'n/a'} s apart) for ${sweep.sweepsInWindow} sweeps.`,
    ],
  };
};

/** One wave: every meeting ends together; returns each meeting's latencies from the webhook send. */
async function webhookWave(callport: LinkedCallport, topics: string[]): Promise<Stages[]> {
  const { control } = callport;
  const uuids = topics.map(
    (topic, i) => simulate(callport, callport.hostEmails[i % callport.hostEmails.length]!, topic).uuid,
  );
  const wallStart = Date.now();
  const started = performance.now();
  await control.advanceClock(0);
  await control.flushWebhooks();
  const ackMs = performance.now() - started;
  const seen = new Map<string, number>();
  await waitUntil(
    `${topics.length} calls`,
    async () => {
      const rows = await callsFor(
        callport,
        uuids.filter((uuid) => !seen.has(uuid)),
      );
      const now = performance.now();
      for (const uuid of rows) seen.set(uuid, now - started);
      return seen.size === uuids.length;
    },
    { timeoutMs: 120_000, intervalMs: pollMs },
  );
  const stages = await stageTimes(callport, uuids);
  const undelivered = control
    .webhookLog()
    .filter((d) => d.event === 'recording.completed' && d.state !== 'delivered');
  if (undelivered.length > 0) throw new Error(`${undelivered.length} webhooks not delivered`);
  return uuids.map((uuid) => {
    const stage = stages.get(uuid);
    return {
      ackMs,
      storedMs: (stage?.stored ?? Number.NaN) - wallStart,
      discoveredMs: (stage?.discovered ?? Number.NaN) - wallStart,
      callRowMs: (stage?.callRow ?? Number.NaN) - wallStart,
      callMs: seen.get(uuid)!,
    };
  });
}

async function sweepOnly(
  callport: LinkedCallport,
  count: number,
  spacingMs: number,
  intervalMinutes: number,
) {
  const { control, database, connectionId } = callport;
  control.setWebhooks({ enabled: false });
  const completedAt = new Map<string, { wall: number; perf: number }>();
  const callSeen = new Map<string, number>();
  const sweepStarts: number[] = [];
  let lastStart = '';
  let polling = true;
  const windowStart = new Date();
  const poller = (async () => {
    while (polling) {
      const sweepRow = (
        await database.executeSql('SELECT last_started_at FROM import_sweeps WHERE connection_id = $1', [
          connectionId,
        ])
      ).rows[0];
      const started = sweepRow?.last_started_at ? timeOf(sweepRow.last_started_at) : null;
      if (started !== null && String(started) !== lastStart) {
        lastStart = String(started);
        sweepStarts.push(started);
      }
      const pending = [...completedAt.keys()].filter((uuid) => !callSeen.has(uuid));
      if (pending.length > 0) {
        const now = performance.now();
        for (const uuid of await callsFor(callport, pending)) {
          callSeen.set(uuid, now - completedAt.get(uuid)!.perf);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  })();
  try {
    for (let i = 0; i < count; i++) {
      const { uuid } = simulate(callport, callport.hostEmails[i % callport.hostEmails.length]!, `Sweep ${i}`);
      const wall = Date.now();
      const perf = performance.now();
      await control.advanceClock(0);
      completedAt.set(uuid, { wall, perf });
      if (i < count - 1) await new Promise((resolve) => setTimeout(resolve, spacingMs));
    }
    await waitUntil('every call found by a sweep', async () => callSeen.size === count, {
      timeoutMs: (3 * intervalMinutes * 60 + 60) * 1000,
      intervalMs: 200,
    });
  } finally {
    polling = false;
    await poller;
  }
  const uuids = [...completedAt.keys()];
  const discovered = await discoveredAt(callport, uuids);
  const via = await database.executeSql(
    'SELECT DISTINCT discovered_via FROM recordings WHERE meeting_uuid = ANY($1)',
    [uuids],
  );
  const ways = via.rows.map((row) => String(row.discovered_via));
  if (ways.some((way) => way !== 'sweep')) throw new Error(`discovered via ${ways.join(', ')}`);
  const runs = uuids.map((uuid) => {
    const discoveredMs = (discovered.get(uuid) ?? Number.NaN) - completedAt.get(uuid)!.wall;
    const callMs = callSeen.get(uuid)!;
    return { discoveredMs, callMs, importMs: callMs - discoveredMs };
  });
  // Every run of the dispatcher (pg-boss cron) in the window, to compare with the sweeps it started.
  const dispatches = await database.executeSql(
    `SELECT created_on FROM pgboss.job
     WHERE name = 'import.sweep-dispatch' AND state = 'completed' AND created_on >= $1 ORDER BY created_on`,
    [windowStart.toISOString()],
  );
  const dispatchTimes = dispatches.rows.map((row) => timeOf(row.created_on));
  // sweepStarts begins with the last sweep before the first meeting (it sets the phase).
  const sweepsInWindow = sweepStarts.filter((at) => at >= windowStart.getTime()).length;
  return { runs, sweepStarts, dispatchTimes, sweepsInWindow };
}

function simulate(callport: LinkedCallport, hostEmail: string, topic: string) {
  return simulateSmallMeeting(callport, { hostEmail, topic, durationMinutes: 15 });
}

/** The meeting UUIDs among `uuids` that have a call. */
async function callsFor(callport: LinkedCallport, uuids: string[]): Promise<string[]> {
  if (uuids.length === 0) return [];
  const { rows } = await callport.database.executeSql(
    `SELECT r.meeting_uuid FROM calls c JOIN recordings r ON r.id = c.recording_id
     WHERE r.meeting_uuid = ANY($1)`,
    [uuids],
  );
  return rows.map((row) => String(row.meeting_uuid));
}

async function discoveredAt(callport: LinkedCallport, uuids: string[]): Promise<Map<string, number>> {
  const { rows } = await callport.database.executeSql(
    'SELECT meeting_uuid, discovered_at FROM recordings WHERE meeting_uuid = ANY($1)',
    [uuids],
  );
  return new Map(rows.map((row) => [String(row.meeting_uuid), timeOf(row.discovered_at)]));
}

/** A timestamptz column as epoch ms (drivers return a Date; a string is parsed). */
function timeOf(value: unknown): number {
  return value instanceof Date ? value.getTime() : Date.parse(String(value));
}

/** Database timestamps of each meeting's webhook event, recording discovery and call row. */
async function stageTimes(callport: LinkedCallport, uuids: string[]) {
  const { rows } = await callport.database.executeSql(
    `SELECT r.meeting_uuid, r.discovered_at, c.created_at,
            -- A stored event's body is sealed; its dedupe key names the event and the meeting's UUID.
            (SELECT min(w.received_at) FROM webhook_events w
             WHERE w.event = 'recording.completed'
               AND position(':recording.completed:' || r.meeting_uuid || ':' in w.dedupe_key) > 0) AS received_at
     FROM recordings r LEFT JOIN calls c ON c.recording_id = r.id
     WHERE r.meeting_uuid = ANY($1)`,
    [uuids],
  );
  return new Map(
    rows.map((row) => [
      String(row.meeting_uuid),
      {
        stored: timeOf(row.received_at),
        discovered: timeOf(row.discovered_at),
        callRow: timeOf(row.created_at),
      },
    ]),
  );
}

function round(value: number, digits: number) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export default run;
