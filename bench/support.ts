import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { requiredScopes } from '../src/connections/index.ts';
import { openDatabase, schema } from '../src/db/index.ts';
import { withDatabase } from '../src/test-support/global-setup.ts';
import { createLocalRateBudget, ZoomClient } from '../src/zoom/index.ts';
import { startEmulator } from '../src/zoom-emulator/index.ts';

/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/CLK_TCK seconds (usually 100). */
const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * Runs one of the baseline downloaders Callport is compared with (`bench/<script>`, e.g.
 * `plain-download.ts`) in its own process, as Callport's importer runs in its own: `job` goes to a JSON
 * file the script reads. Returns the result it prints as its last line of JSON, and its stderr (for an
 * error message).
 */
export async function runBaselineDownloader<Result>(
  script: string,
  job: unknown,
): Promise<{ result: Result; stderr: string }> {
  const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
  const jobFile = path.join(
    os.tmpdir(),
    `callport-baseline-${process.pid}-${randomBytes(4).toString('hex')}.json`,
  );
  await fs.writeFile(jobFile, JSON.stringify(job));
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [runTs, fileURLToPath(new URL(script, import.meta.url)), jobFile],
      { maxBuffer: 1024 * 1024 },
    );
    return { result: JSON.parse(stdout.trim().split('\n').at(-1)!) as Result, stderr };
  } finally {
    await fs.rm(jobFile, { force: true });
  }
}

/**
 * The fields of `/proc/<pid>/stat` after the command name (which may hold spaces), from the state on:
 * index 11 and 12 are utime and stime, 13 and 14 the cutime and cstime of the children the process has
 * waited for, in clock ticks. With the command name, or undefined once the process has exited.
 */
async function procStat(pid: number | string): Promise<{ command: string; fields: string[] } | undefined> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  const close = stat.lastIndexOf(')');
  return { command: stat.slice(stat.indexOf('(') + 1, close), fields: stat.slice(close + 2).split(' ') };
}

/** CPU seconds (user + system) a process has used, or undefined once it has exited. */
export async function cpuSecondsOf(pid: number): Promise<number | undefined> {
  const stat = await procStat(pid);
  return stat ? (Number(stat.fields[11]) + Number(stat.fields[12])) / clockTicks : undefined;
}

/**
 * CPU seconds (user + system) of every PostgreSQL process on this machine, the backends that have
 * exited included (the server's main process counts them once it has reaped them), or undefined when
 * DATABASE_URL names another machine or no PostgreSQL process can be read. It is every database's
 * work: a bench that reports it runs alone on the machine.
 */
export async function localPostgresCpuSeconds(): Promise<number | undefined> {
  const url = process.env.DATABASE_URL;
  if (!url || !['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) return undefined;
  let ticks = 0;
  let found = false;
  for (const entry of await fs.readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await procStat(entry);
    if (stat?.command !== 'postgres') continue;
    const [utime, stime, cutime, cstime] = stat.fields.slice(11, 15).map(Number);
    ticks += (utime ?? 0) + (stime ?? 0) + (cutime ?? 0) + (cstime ?? 0);
    found = true;
  }
  return found ? ticks / clockTicks : undefined;
}

/** A process's resident memory now and its peak since it started (VmRSS, VmHWM), in MB; 0 once it has exited. */
export async function rssMbOf(pid: number): Promise<{ rssMb: number; peakMb: number }> {
  try {
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
    const mb = (field: string) =>
      Math.round(Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) / 1024);
    return { rssMb: mb('VmRSS'), peakMb: mb('VmHWM') };
  } catch {
    return { rssMb: 0, peakMb: 0 };
  }
}

/** A process's peak resident memory (VmHWM) in MB, or 0 once it has exited. */
export async function peakRssMbOf(pid: number): Promise<number> {
  return (await rssMbOf(pid)).peakMb;
}

/**
 * A new, empty PostgreSQL database next to the one `baseUrl` names (same server and role), for one
 * measurement; `drop()` removes it (WITH (FORCE): leftover connections of killed workers included).
 */
export async function createScratchDatabase(baseUrl: string, prefix: string) {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = await openDatabase({ kind: 'postgres', url: baseUrl, poolSize: 1 });
  try {
    await admin.executeSql(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.close();
    throw error;
  }
  return {
    name,
    url: withDatabase(baseUrl, name),
    drop: async () => {
      try {
        await admin.executeSql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.close();
      }
    },
  };
}

/** Samples the process's resident memory until stopped; returns the peak in MB. */
export function trackPeakRss(intervalMs = 25) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.round((Math.max(peak, process.memoryUsage().rss) / 2 ** 20) * 10) / 10;
    },
  };
}

/** A fresh Zoom app's credentials for one run: `prefix-xxxxxxxx` and random secrets. */
export function randomZoomApp(prefix: string) {
  return {
    clientId: `${prefix}-${randomBytes(4).toString('hex')}`,
    clientSecret: randomBytes(16).toString('hex'),
    webhookSecretToken: randomBytes(16).toString('hex'),
  };
}

/**
 * An empty Zoom account without rate limits, where `app` is a general app with Callport's required
 * scopes whose redirect (and, with `webhooks`, event notifications) go to `callportUrl`.
 */
export async function startBenchEmulator(
  app: ReturnType<typeof randomZoomApp>,
  options: { callportUrl: string; webhooks: boolean },
) {
  const emulator = await startEmulator({
    port: 0,
    scenario: 'empty',
    apps: [
      {
        type: 'general',
        ...app,
        redirectUris: [`${options.callportUrl}/api/integrations/zoom/callback`],
        scopes: requiredScopes,
        ...(options.webhooks ? { webhookUrl: `${options.callportUrl}/webhooks/zoom` } : {}),
      },
    ],
  });
  emulator.control.setRateLimits({ enabled: false });
  return emulator;
}

/** An emulator with Callport's app installed, a migrated in-memory database and a Zoom client on a real token. */
export async function startBenchZoom(options: { scenario?: 'sandbox' | 'empty' } = {}) {
  const app = randomZoomApp('bench');
  const { clientId } = app;
  const emulator = await startEmulator({
    port: 0,
    scenario: options.scenario ?? 'empty',
    apps: [
      {
        type: 'general',
        ...app,
        redirectUris: ['http://127.0.0.1/callback'],
        scopes: [
          'user:read:admin',
          'recording:read:admin',
          'meeting:read:admin',
          'account:read:admin',
          'group:read:admin',
        ],
      },
    ],
  });
  const tokens = emulator.control.installApp(clientId);
  const client = new ZoomClient({
    apiUrl: emulator.apiUrl,
    accountKey: 'bench',
    rateBudget: createLocalRateBudget(),
    tokens: { getAccessToken: async () => tokens.access_token, renew: async () => tokens.access_token },
  });
  const database = await openDatabase({ kind: 'pglite' });
  await database.migrate();
  const [organization] = await database.db.insert(schema.organizations).values({ name: 'Bench' }).returning();
  const [connection] = await database.db
    .insert(schema.zoomConnections)
    .values({
      organizationId: organization!.id,
      appType: 'general',
      status: 'connected',
      zoomAccountId: emulator.control.account().id,
      zoomUserId: 'owner',
      zoomUserEmail: 'owner@bench.test',
    })
    .returning();
  return {
    emulator,
    client,
    accessToken: tokens.access_token,
    database,
    organizationId: organization!.id,
    connectionId: connection!.id,
    stop: async () => {
      await database.close();
      await emulator.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Real-Callport helpers (api-efficiency and latency sections): Callport started as in the integration
// tests, on its own fresh database, connected to an emulator account with linked users.
// ---------------------------------------------------------------------------------------------------

type Database = Awaited<ReturnType<typeof openDatabase>>;

/**
 * A small meeting recorded to the cloud and ready at once (256 KiB of video, 64 KiB of audio, no
 * processing time): sections that count requests or time the path to a call, not the bytes.
 */
export function simulateSmallMeeting(
  callport: LinkedCallport,
  meeting: { hostEmail: string; topic: string; durationMinutes: number; startTime?: Date | undefined },
) {
  const simulated = callport.control.simulateMeeting({
    ...meeting,
    ...(meeting.startTime ? { startTime: meeting.startTime } : {}),
    synthetic: true,
    fileSizes: { mp4: 256 * 1024, m4a: 64 * 1024 },
    processingSeconds: 0,
    transcriptSeconds: 0,
  });
  if (!simulated.recorded) throw new Error(`meeting not recorded: ${simulated.reason}`);
  return simulated;
}
// Type-only (erased at run time): the test bed, and vitest under it, load only when a section asks for it.
type ZoomTestBed = import('../src/test-support/zoom.ts').ZoomTestBed;

/**
 * A fresh, migrated database for one section: PGlite in memory, or, when DATABASE_URL is set, a new
 * PostgreSQL database created through that URL and dropped on close (the system PostgreSQL is never
 * used otherwise). `close()` is idempotent: Callport's own stop closes it first.
 */
async function openBenchDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const database = await openDatabase({ kind: 'pglite' });
    await database.migrate();
    return database;
  }
  const scratch = await createScratchDatabase(url, 'callport_bench');
  const database = await openDatabase({ kind: 'postgres', url: scratch.url });
  let isClosed = false;
  const close = async () => {
    if (isClosed) return;
    isClosed = true;
    await database.close().catch(() => {});
    await scratch.drop().catch(() => {});
  };
  try {
    await database.migrate();
  } catch (error) {
    await close();
    throw error;
  }
  return { ...database, close };
}

/** Polls `check` every `intervalMs` until it returns true; throws after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export type LinkedCallport = {
  bed: ZoomTestBed;
  database: Database;
  control: ZoomTestBed['emulator']['control'];
  connectionId: string;
  /** Zoom e-mails of the linked users (also their Callport e-mails). */
  hostEmails: string[];
  linkedUsers: number;
  /** Number of Callport jobs (any queue but pg-boss's own) not finished yet: created, retry or active. */
  pendingJobs(): Promise<number>;
  stop(): Promise<void>;
};

/**
 * The real Callport (web + worker, HTTP on a real port) and an emulator account with `users` licensed
 * Zoom users, imported into Callport by CSV, connected by OAuth, linked by the automatic association, with
 * automatic cloud recording on. Waits until the sweep that connecting starts has finished.
 */
export async function startLinkedCallport(options: {
  users: number;
  env: Record<string, string>;
}): Promise<LinkedCallport> {
  const { startZoomTestBed } = await import('../src/test-support/zoom.ts');
  const database = await openBenchDatabase();
  let bed: ZoomTestBed | undefined;
  try {
    bed = await startZoomTestBed({ database, scenario: 'empty', env: options.env });
    const { control } = bed.emulator;
    const hostEmails = Array.from({ length: options.users }, (_, i) => `seller${i}@bench.test`);
    for (const [i, email] of hostEmails.entries()) {
      control.createUser({ email, firstName: 'Seller', lastName: String(i) });
    }
    const csv = ['email,name', ...hostEmails.map((email, i) => `${email},Seller ${i}`)].join('\n');
    const imported = await bed.admin.request('POST', '/api/users/import', { csv });
    if (imported.statusCode !== 200 || imported.json().created !== options.users)
      throw new Error(`CSV import failed: ${imported.statusCode} ${imported.body}`);
    const redirect = await bed.connect();
    if (!redirect.includes('zoom=connected')) throw new Error(`connecting Zoom failed: ${redirect}`);
    await bed.linkZoomUsers();
    bed.recordEverythingToCloud();
    const connectionId = String(
      (await database.executeSql('SELECT id FROM zoom_connections LIMIT 1')).rows[0]?.id ?? '',
    );
    const linkedUsers = Number(
      (
        await database.executeSql('SELECT count(*)::int AS n FROM user_links WHERE connection_id = $1', [
          connectionId,
        ])
      ).rows[0]?.n ?? 0,
    );
    const pendingJobs = async () =>
      Number(
        (
          await database.executeSql(
            `SELECT count(*)::int AS n FROM pgboss.job
             WHERE name NOT LIKE '\\_\\_pgboss%' AND state IN ('created', 'retry', 'active')`,
          )
        ).rows[0]?.n ?? 0,
      );
    // The settings change above reaches Callport as a webhook too (policy audit): let it finish.
    await control.flushWebhooks();
    await waitUntil(
      'the first sweep after connecting',
      async () =>
        (await database.executeSql('SELECT last_finished_at FROM import_sweeps')).rows[0]?.last_finished_at !=
          null && (await pendingJobs()) === 0,
      { timeoutMs: 300_000 },
    );
    const started = bed;
    return {
      bed: started,
      database,
      control,
      connectionId,
      hostEmails,
      linkedUsers,
      pendingJobs,
      stop: async () => {
        await started.stop();
        await database.close();
      },
    };
  } catch (error) {
    await bed?.stop().catch(() => {});
    await database.close().catch(() => {});
    throw error;
  }
}
