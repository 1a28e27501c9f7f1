import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { SecretBox } from '../../src/lib/secret-box.ts';
import { startCallport } from '../../src/main.ts';
import { type CallportProcess, spawnCallport } from '../../src/test-support/processes.ts';
import type { ZoomEmulator } from '../../src/zoom-emulator/index.ts';
import type { Section } from '../run.ts';
import { forEachLimited, machineJiffies, samplePostgresCpu, seedConnections } from '../scale-support.ts';
import {
  cpuSecondsOf,
  createScratchDatabase,
  peakRssMbOf,
  randomZoomApp,
  startBenchEmulator,
} from '../support.ts';

/**
 * Issue 8 section "scale": N connections × 20 linked users on PostgreSQL, swept by 1, 2 and 4
 * `callport worker` processes. For each worker count: a fresh database seeded with N organisations
 * and connections, one new cloud recording at Zoom (seen by every connection, so each imports its own
 * copy), one sweep enqueued per connection at t0 (ImportFeature.requestSweep, as the every-minute
 * dispatch does), then the clock runs until every connection's sweep has finished and every copy is
 * imported. Figures: wall time of the cycle, sweeps/s, Zoom requests, the workers' CPU from /proc per
 * connection-cycle, and a duplicate check that fails the section.
 */
// Sweeps one worker runs at once (SWEEP_CONCURRENCY, default 2): set it in the bench's environment to compare.
const sweepConcurrency = process.env.SWEEP_CONCURRENCY ?? '2';
const zoomUsersPerConnection = 20;
const filesPerRecording = 4; // MP4, M4A, TIMELINE, TRANSCRIPT
const mp4Bytes = 192 * 1024;
const m4aBytes = 48 * 1024;

type CycleResult = {
  row: Record<string, string | number>;
  cycleSeconds: number;
  sweepsPerSecond: number;
  cpuMsPerConnection: number;
  duplicates: number;
};

const run: Section = async ({ quick }) => {
  const connections = Number(process.env.BENCH_SCALE_CONNECTIONS ?? (quick ? 100 : 1000));
  const workerCounts = (process.env.BENCH_SCALE_WORKERS ?? (quick ? '1,2' : '1,2,4')).split(',').map(Number);
  const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const app = randomZoomApp('scale');
  // No webhook URL: discovery happens by sweep only, which is what this section measures.
  const emulator = await startBenchEmulator(app, { callportUrl: 'http://127.0.0.1', webhooks: false });
  try {
    const { control } = emulator;
    control.updateAccountSettings({
      recording: { cloud_recording: true, auto_recording: 'cloud', recording_audio_transcript: true },
    });
    const zoomUsers = Array.from({ length: zoomUsersPerConnection }, (_, index) => {
      const user = control.createUser({
        email: `seller${index + 1}@scale-zoom.bench.test`,
        firstName: 'Seller',
        lastName: String(index + 1),
      });
      return { id: user.id, email: user.email };
    });
    const owner = control.account();

    const results: Array<CycleResult & { workers: number }> = [];
    let previousMeeting: string | undefined;
    for (const workers of workerCounts) {
      // One new recording per cycle; the previous one is gone, so every cycle lists the same.
      if (previousMeeting) control.deleteRecording(previousMeeting);
      const meeting = control.simulateMeeting({
        hostEmail: zoomUsers[0]!.email,
        topic: `Scale cycle with ${workers} worker(s)`,
        durationMinutes: 30,
        synthetic: true,
        fileSizes: { mp4: mp4Bytes, m4a: m4aBytes },
        transcript: [
          { speaker: 'Seller 1', text: 'Thanks for joining, shall we look at the proposal?' },
          { speaker: 'Client', text: 'Yes, the pricing page first please.' },
        ],
        processingSeconds: 0,
        transcriptSeconds: 0,
      });
      previousMeeting = meeting.uuid;
      await control.advanceClock(5);
      const recording = await control.getRecording(meeting.uuid);
      if (recording?.status !== 'completed' || recording.files.length !== filesPerRecording) {
        throw new Error(
          `test recording not ready: ${JSON.stringify(recording?.files.map((f) => f.fileType))}`,
        );
      }
      console.log(`scale: ${connections} connections, ${workers} worker(s)…`);
      const result = await measureCycle({
        emulator,
        app,
        baseUrl,
        connections,
        workers,
        zoomUsers,
        owner: { id: owner.ownerId, email: owner.ownerEmail },
        meetingUuid: meeting.uuid,
        timeoutMs: Math.max(5 * 60_000, connections * 2_000),
      });
      console.log(`scale: ${JSON.stringify(result.row)}`);
      results.push({ ...result, workers });
    }

    const duplicates = results.reduce((sum, result) => sum + result.duplicates, 0);
    const summary: Record<string, string | number> = {
      connections,
      linkedUsersPerConnection: zoomUsersPerConnection,
      duplicateImports: duplicates,
    };
    for (const result of results) {
      summary[`cycleSeconds_${result.workers}w`] = result.cycleSeconds;
      summary[`sweepsPerSecond_${result.workers}w`] = result.sweepsPerSecond;
      summary[`cpuMsPerConnectionCycle_${result.workers}w`] = result.cpuMsPerConnection;
    }
    return {
      title: `${connections} connections × ${zoomUsersPerConnection} linked users, one sweep cycle each, on PostgreSQL; callport worker processes: ${workerCounts.join(', ')} (WORKER_CONCURRENCY 4, SWEEP_CONCURRENCY ${sweepConcurrency}: sweeps at once per worker)`,
      rows: results.map((result) => result.row),
      summary,
      notes: [
        'One cycle = one sweep enqueued per connection at t0 (ImportFeature.requestSweep, as the every-minute dispatch does), each listing its 20 linked users over one date window, then the import of the one new recording every connection finds (its own copy: MP4 192 KB, M4A 48 KB, timeline, transcript). cycleS ends when every connection has finished its sweep and every copy is imported; sweepsDoneS when the last sweep finished.',
        "A 20-user sweep takes about 1 s whatever the hardware: Callport's per-account budget allows 15 Medium requests per second (the 16th list waits for the next second), and each worker runs SWEEP_CONCURRENCY sweeps at a time (2 by default; the bench passes SWEEP_CONCURRENCY from its own environment), so one worker sweeps about that many connections per second until CPU runs out.",
        "cpuMs/conn = user + system CPU of all worker processes (/proc, t0 to the end) per connection; pgCpuMs/conn = the same for PostgreSQL's backends of the bench database (sampled every 0.5 s: a slight underestimate); benchCpuS = this process (the Zoom emulator answering every request, and the polling); machineBusyPct = all cores, every process on the machine.",
        'zoomRequests counts every request the emulator served (downloads include their 302 to the signed URL); zoomMsPerList = its mean time to answer one recordings list. list/meeting/download/errors: user recording lists, meeting recordings lookups, file downloads, responses ≥ 400.',
        'Duplicates = meeting instances with several recording rows in a connection + recordings with several calls + connections without exactly one call of the new recording; the section fails unless 0 (and unless every file is stored once and no token was refreshed). extraDownloads and sweepJobs/importJobs (completed pg-boss jobs) show redundant work.',
        "The Zoom emulator models one account: every connection (its own fake Zoom account id, so its own rate budget in Callport) sees the same 20 emulated users, recording and token; the emulator's rate limits are off, since real Zoom budgets are per account and 1,000 accounts would not share one.",
        `This machine has ${os.cpus().length} cores shared by the workers, PostgreSQL and the emulator: beyond ${os.cpus().length} workers the figures mostly measure contention. Other work (tests, other benchmarks) may be running on it at the same time; machineBusyPct shows how busy it was.`,
        'Each worker count runs on a fresh database (organisations, users, links and connections written with set-based INSERTs); its workers are started one after another before t0 (cold starts not timed) and stopped with SIGTERM after.',
      ],
    };
  } finally {
    await emulator.close();
  }
};

async function measureCycle(options: {
  emulator: ZoomEmulator;
  app: { clientId: string; clientSecret: string; webhookSecretToken: string };
  baseUrl: string;
  connections: number;
  workers: number;
  zoomUsers: Array<{ id: string; email: string }>;
  owner: { id: string; email: string };
  meetingUuid: string;
  timeoutMs: number;
}): Promise<CycleResult> {
  const { emulator, connections } = options;
  const scratch = await createScratchDatabase(options.baseUrl, 'bench_scale');
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-scale-'));
  const encryptionKey = randomBytes(32).toString('base64');
  const env: Record<string, string> = {
    DATABASE_URL: scratch.url,
    CALLPORT_ENCRYPTION_KEY: encryptionKey,
    CALLPORT_DATA_DIR: dataDir,
    ZOOM_CLIENT_ID: options.app.clientId,
    ZOOM_CLIENT_SECRET: options.app.clientSecret,
    ZOOM_WEBHOOK_SECRET_TOKEN: options.app.webhookSecretToken,
    ZOOM_OAUTH_URL: emulator.oauthUrl,
    ZOOM_API_URL: emulator.apiUrl,
    SWEEP_INTERVAL_MINUTES: '600',
    BACKFILL_DAYS: '2',
    WORKER_CONCURRENCY: '4',
    SWEEP_CONCURRENCY: sweepConcurrency,
  };
  const processes: CallportProcess[] = [];
  let callport: Awaited<ReturnType<typeof startCallport>> | undefined;
  let postgresCpu: ReturnType<typeof samplePostgresCpu> | undefined;
  try {
    // This process only sends jobs (no role): it migrates the database and creates the queues.
    callport = await startCallport(loadConfig({ ...env, LOG_LEVEL: 'warn' }), {
      roles: [],
      listen: false,
      logger: createLogger({ level: 'warn' }),
    });
    const { executeSql } = callport.database;
    // installApp supersedes the previous grant: one fresh token set per cycle, shared by every
    // connection. It lives an hour and Callport renews 5 minutes before: no refresh during a cycle.
    const tokens = emulator.control.installApp(options.app.clientId);
    const box = new SecretBox([Buffer.from(encryptionKey, 'base64')]);
    const connectionIds = await seedConnections(callport.database, {
      connections,
      zoomUsers: options.zoomUsers,
      owner: options.owner,
      scopes: tokens.scope.split(' '),
      accessTokenSealed: box.seal(tokens.access_token),
      refreshTokenSealed: box.seal(tokens.refresh_token ?? ''),
      tokenExpiresAt: new Date(Date.now() + tokens.expires_in * 1000),
    });

    // One after the other: simultaneous cold starts on a 2-core machine take minutes.
    for (let index = 0; index < options.workers; index++) {
      processes.push(
        await spawnCallport('worker', { ...env, LOG_LEVEL: 'info' }, { readyTimeoutMs: 180_000 }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const pids = processes.map((child) => child.child.pid!);

    const cpuBefore = await Promise.all(pids.map(async (pid) => (await cpuSecondsOf(pid)) ?? 0));
    postgresCpu = samplePostgresCpu(callport.database, scratch.name);
    await postgresCpu.started;
    const benchCpuBefore = process.cpuUsage();
    const machineBefore = await machineJiffies();
    emulator.control.clearRequestLog();
    const t0 = new Date();
    const started = performance.now();
    await forEachLimited(connectionIds, 8, (connectionId) => callport!.importer.requestSweep(connectionId));
    const enqueueSeconds = (performance.now() - started) / 1000;

    let sweepsDoneSeconds: number | undefined;
    let cpuAfter: number[] = [];
    for (;;) {
      const { rows } = await executeSql(
        `SELECT (SELECT count(*)::int FROM import_sweeps WHERE last_finished_at >= $1) AS swept,
                (SELECT count(*)::int FROM recordings WHERE meeting_uuid = $2 AND status = 'imported') AS imported`,
        [t0.toISOString(), options.meetingUuid],
      );
      const { swept, imported } = rows[0] as { swept: number; imported: number };
      const elapsed = (performance.now() - started) / 1000;
      if (swept >= connections && sweepsDoneSeconds === undefined) sweepsDoneSeconds = elapsed;
      if (swept >= connections && imported >= connections) {
        cpuAfter = await Promise.all(pids.map(async (pid) => (await cpuSecondsOf(pid)) ?? 0));
        break;
      }
      const dead = processes.find((child) => child.child.exitCode !== null);
      if (dead) throw new Error(`a worker exited (${dead.child.exitCode}):\n${dead.output().slice(-4000)}`);
      if (elapsed * 1000 > options.timeoutMs) {
        const statuses = await executeSql(
          'SELECT status, count(*)::int AS n FROM recordings GROUP BY status ORDER BY status',
        );
        throw new Error(
          `cycle not finished after ${Math.round(elapsed)} s: ${swept}/${connections} sweeps, ${imported}/${connections} imported; recordings ${JSON.stringify(statuses.rows)}\n${processes[0]!.output().slice(-3000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const cycleSeconds = (performance.now() - started) / 1000;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const machineAfter = await machineJiffies();
    const machineBusy =
      (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total);
    const pgCpuSeconds = await postgresCpu.stop();
    const workerCpuSeconds = cpuAfter.reduce((sum, cpu, index) => sum + cpu - cpuBefore[index]!, 0);
    const peakRssMb = Math.max(...(await Promise.all(pids.map(peakRssMbOf))));
    const requests = emulator.control.requestCounts();

    const count = async (text: string, values?: unknown[]) =>
      Number((await executeSql(text, values)).rows[0]!.n);
    const duplicateRecordings = await count(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM recordings GROUP BY connection_id, meeting_uuid HAVING count(*) > 1) d`,
    );
    const duplicateCalls = await count(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM calls GROUP BY recording_id HAVING count(*) > 1) d`,
    );
    const connectionsWithoutOneCall = await count(
      `SELECT count(*)::int AS n FROM zoom_connections c WHERE (
         SELECT count(*) FROM calls k JOIN recordings r ON r.id = k.recording_id
         WHERE r.connection_id = c.id AND r.meeting_uuid = $1) <> 1`,
      [options.meetingUuid],
    );
    const storedFiles = await count(
      `SELECT count(*)::int AS n FROM recording_files WHERE storage_key IS NOT NULL`,
    );
    const jobs = await executeSql(
      `SELECT name, state, count(*)::int AS n
       FROM (SELECT name, state FROM pgboss.job UNION ALL SELECT name, state FROM pgboss.archive) j
       WHERE name IN ('import.sweep-connection', 'import.import-recording') GROUP BY name, state`,
    );
    const jobCount = (name: string, state: string) =>
      Number(jobs.rows.find((row) => row.name === name && row.state === state)?.n ?? 0);
    const endpoint = (pattern: RegExp) =>
      Object.entries(requests.byEndpoint)
        .filter(([key]) => pattern.test(key))
        .reduce((sum, [, n]) => sum + n, 0);
    const listRequests = endpoint(/^GET \/v2\/users\/:userId\/recordings$/);
    const meetingRequests = endpoint(/^GET \/v2\/meetings\/:meetingId\/recordings$/);
    // A download is Zoom's /rec/download URL (with the token); its 302 to the signed URL is the CDN hop.
    const downloads = endpoint(/^GET \/rec\/download\//);
    const listDurations = emulator.control
      .requestLog()
      .filter((entry) => entry.route === '/v2/users/:userId/recordings')
      .map((entry) => entry.durationMs);
    const zoomMsPerList = listDurations.reduce((sum, ms) => sum + ms, 0) / Math.max(1, listDurations.length);
    const tokenRequests = endpoint(/\/oauth\/token/);
    const errors = Object.entries(requests.byStatus)
      .filter(([status]) => Number(status) >= 400)
      .reduce((sum, [, n]) => sum + n, 0);
    const duplicates = duplicateRecordings + duplicateCalls + connectionsWithoutOneCall;
    if (duplicates > 0 || storedFiles !== connections * filesPerRecording) {
      throw new Error(
        `duplicate or missing imports with ${options.workers} worker(s): ${duplicateRecordings} duplicate recordings, ${duplicateCalls} recordings with several calls, ${connectionsWithoutOneCall} connections without exactly one call, ${storedFiles} stored files for ${connections * filesPerRecording} expected`,
      );
    }
    const stillConnected = await count(
      `SELECT count(*)::int AS n FROM zoom_connections WHERE status = 'connected'`,
    );
    if (stillConnected !== connections || tokenRequests > 0) {
      throw new Error(
        `token trouble: ${stillConnected}/${connections} still connected, ${tokenRequests} token requests`,
      );
    }

    const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
    const cpuMsPerConnection = round((workerCpuSeconds * 1000) / connections);
    return {
      cycleSeconds: round(cycleSeconds),
      sweepsPerSecond: round(connections / (sweepsDoneSeconds ?? cycleSeconds)),
      cpuMsPerConnection,
      duplicates,
      row: {
        workers: options.workers,
        cycleS: round(cycleSeconds),
        sweepsDoneS: round(sweepsDoneSeconds ?? cycleSeconds),
        enqueueS: round(enqueueSeconds),
        sweepsPerS: round(connections / (sweepsDoneSeconds ?? cycleSeconds)),
        zoomRequests: requests.total,
        'list/meeting/download/errors': `${listRequests}/${meetingRequests}/${downloads}/${errors}`,
        zoomMsPerList: round(zoomMsPerList),
        workerCpuS: round(workerCpuSeconds),
        'cpuMs/conn': cpuMsPerConnection,
        'pgCpuMs/conn': round((pgCpuSeconds * 1000) / connections),
        benchCpuS: round((benchCpu.user + benchCpu.system) / 1e6),
        machineBusyPct: Math.round(machineBusy * 100),
        peakWorkerRssMb: peakRssMb,
        'sweepJobs/importJobs': `${jobCount('import.sweep-connection', 'completed')}/${jobCount('import.import-recording', 'completed')}`,
        extraDownloads: Math.max(0, downloads - connections * filesPerRecording),
        duplicates,
      },
    };
  } finally {
    await postgresCpu?.stop();
    await Promise.all(processes.map(stopWorker));
    await callport?.stop();
    await scratch.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

/** SIGTERM (graceful: running jobs finish), then SIGKILL if the worker has not exited within 30 s. */
async function stopWorker(child: CallportProcess) {
  const timer = setTimeout(() => child.child.kill('SIGKILL'), 30_000);
  try {
    await child.kill('SIGTERM');
  } finally {
    clearTimeout(timer);
  }
}

export default run;
