import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { requiredScopes } from '../src/connections/index.ts';
import { type HttpAdmin, signIn } from '../src/test-support/http-admin.ts';
import { type CallportProcess, spawnCallport, startingLineOf } from '../src/test-support/processes.ts';
import { freePort } from '../src/test-support/zoom.ts';
import type { ZoomEmulator } from '../src/zoom-emulator/index.ts';
import {
  cpuSecondsOf,
  createScratchDatabase,
  randomZoomApp,
  rssMbOf,
  startBenchEmulator,
} from './support.ts';

const bin = fileURLToPath(new URL('../bin/callport.js', import.meta.url));

export type BenchCallport = {
  emulator: ZoomEmulator;
  url: string;
  admin: HttpAdmin;
  /** The process's resident memory now and its peak since it started (VmRSS, VmHWM), in MB. */
  memory(): Promise<{ rssMb: number; peakMb: number }>;
  /** CPU seconds the process has used (user + system). */
  cpuSeconds(): Promise<number>;
  /** Everything the process printed (its JSON log, LOG_LEVEL=info). */
  output(): string;
  /** The process's Node flags (its command line) and the V8 flags bin/callport.js set (its "callport starting" line). */
  nodeFlags: string[];
  v8Flags: string[];
  /**
   * An access token of a second app installed on the same Zoom account, for downloads outside Callport
   * (re-authorising Callport's own app would revoke its tokens, as Zoom does: error 4741).
   */
  otherAppToken(): string;
  stop(): Promise<void>;
};

/**
 * The product as deployed in embedded mode: `callport start` (web + worker, PGlite in a fresh data
 * folder, or PostgreSQL with DATABASE_URL) as its own process, connected by OAuth to an in-process
 * Zoom emulator, with `hosts` linked by e-mail through the Users tab's API. Benchmarks measure that
 * process from the outside (/proc), as an operator would.
 */
export async function startBenchCallport(options: {
  hosts: Array<{ email: string; name: string }>;
  env?: Record<string, string>;
  /** `embedded`: PGlite in the data folder even when DATABASE_URL is set (a section measuring both). */
  database?: 'embedded';
}): Promise<BenchCallport> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const credentials = randomZoomApp('bench');
  const emulator = await startBenchEmulator(credentials, { callportUrl: url, webhooks: true });
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-bench-'));
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let child: CallportProcess | undefined;
  const stop = async (signal: NodeJS.Signals) => {
    await child?.kill(signal);
    await emulator.close();
    await fs.rm(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  };
  let admin: HttpAdmin;
  try {
    // With DATABASE_URL, each run gets a database of its own, dropped when it stops.
    scratch =
      process.env.DATABASE_URL && options.database !== 'embedded'
        ? await createScratchDatabase(process.env.DATABASE_URL, 'callport_bench')
        : undefined;
    const env: Record<string, string> = {
      CALLPORT_DATA_DIR: dataDir,
      CALLPORT_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PORT: String(port),
      PUBLIC_URL: url,
      LOG_LEVEL: 'warn',
      ZOOM_CLIENT_ID: credentials.clientId,
      ZOOM_CLIENT_SECRET: credentials.clientSecret,
      ZOOM_WEBHOOK_SECRET_TOKEN: credentials.webhookSecretToken,
      ZOOM_OAUTH_URL: emulator.oauthUrl,
      ZOOM_API_URL: emulator.apiUrl,
      SWEEP_INTERVAL_MINUTES: '600',
      BACKFILL_DAYS: '2',
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
      // CALLPORT_FROM_SOURCE=1 npm run bench: the same measures on the sources run through tsx.
      ...(process.env.CALLPORT_FROM_SOURCE ? { CALLPORT_FROM_SOURCE: process.env.CALLPORT_FROM_SOURCE } : {}),
      ...options.env,
    };
    const email = 'admin@bench.test';
    const password = randomBytes(12).toString('base64url');
    await promisify(execFile)(
      process.execPath,
      [bin, 'users', 'create-admin', '--email', email, '--name', 'Bench', `--password=${password}`],
      { env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'warn' } },
    );
    // BENCH_PROFILE_DIR=/tmp/prof: the Callport process writes a V8 CPU profile there when it stops.
    const profileDir = process.env.BENCH_PROFILE_DIR;
    child = await spawnCallport(
      'start',
      { ...env, LOG_LEVEL: 'info' },
      { readyTimeoutMs: 120_000, nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] },
    );
    // Measured as deployed: the compiled server (CALLPORT_FROM_SOURCE=1 measures the sources).
    const runtime = /"runtime":"(\w+)"/.exec(child.output())?.[1];
    if (runtime !== (env.CALLPORT_FROM_SOURCE === '1' ? 'sources' : 'compiled'))
      throw new Error(`callport start ran ${runtime ?? 'unknown code'}, not the compiled server`);
    admin = await signIn(url, email, password);
    await connectZoom(admin, emulator);
    for (const host of options.hosts) {
      emulator.control.createUser({
        email: host.email,
        firstName: host.name.split(' ')[0] ?? host.name,
        lastName: host.name.split(' ').slice(1).join(' ') || 'Bench',
      });
      await admin.json('POST', '/api/users', host);
    }
    await admin.json('POST', '/api/integrations/zoom/users/sync');
    const { proposals } = await admin.json<{ proposals: object[] }>(
      'POST',
      '/api/integrations/zoom/users/auto-associate',
    );
    // Taken before saving: the backfill sweep the save queues may start before the answer comes back
    // (the save also updates the recording group in Zoom), and its listing counts.
    const linkedBy = Date.now();
    await admin.request('PUT', '/api/integrations/zoom/users/links', {
      links: proposals.map((proposal) => ({ ...proposal, method: 'automatic' })),
    });
    emulator.control.updateAccountSettings({ recording: { cloud_recording: true, auto_recording: 'cloud' } });
    await waitForBackfillListed(admin, linkedBy);
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  const pid = child.child.pid!;
  return {
    emulator,
    url,
    admin,
    memory: () => rssMbOf(pid),
    cpuSeconds: async () => (await cpuSecondsOf(pid)) ?? 0,
    output: () => child.output(),
    nodeFlags: startingLineOf(child.output()).nodeFlags,
    v8Flags: startingLineOf(child.output()).v8Flags,
    otherAppToken: () => {
      const other = {
        type: 'general' as const,
        ...randomZoomApp('bench-other'),
        redirectUris: ['http://127.0.0.1/unused'],
        scopes: requiredScopes,
      };
      emulator.control.registerApp(other);
      return emulator.control.installApp(other.clientId).access_token;
    },
    stop: () => stop('SIGTERM'),
  };
}

/**
 * Linking starts the new users' backfill sweep. A section creates its meetings right after this
 * returns: had a sweep not listed every host since their link, it would find them and import them
 * before the section's timed window (seen on a loaded machine: 200 meetings "imported" in 0.7 s,
 * their downloads running during the plain downloader's), or the minute's dispatcher would start one
 * for hosts still "never listed since their link". Waits on Callport's own state: the last full sweep
 * finished, and every linked host listed after `linkedBy` (the time the links were being saved).
 */
async function waitForBackfillListed(admin: HttpAdmin, linkedBy: number) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const [{ lastSweep }, mapping] = await Promise.all([
      admin.json<{ lastSweep: { startedAt: string | null; finishedAt: string | null } | null }>(
        'GET',
        '/api/integrations/zoom/imports',
      ),
      admin.json<{ users: Array<{ link: object | null; import: { lastAttemptAt: string | null } | null }> }>(
        'GET',
        '/api/integrations/zoom/users',
      ),
    ]);
    const fullSweepDone = Boolean(lastSweep?.finishedAt) && lastSweep?.finishedAt === lastSweep?.startedAt;
    const hostsListed = mapping.users
      .filter((user) => user.link)
      .every((user) => user.import?.lastAttemptAt && Date.parse(user.import.lastAttemptAt) >= linkedBy);
    if (fullSweepDone && hostsListed) return;
    if (Date.now() > deadline)
      throw new Error("the linked hosts' backfill did not list them within 3 minutes");
    await setTimeout(200);
  }
}

/** The import counter on /metrics: recordings imported since the process started. */
export async function importedSoFar(bench: { url: string }): Promise<number> {
  const metrics = await (await fetch(`${bench.url}/metrics`)).text();
  return Number(/^callport_imports_total\{outcome="imported"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
}

/** Réglages > Intégrations > Zoom > Connecter, then "Allow" on Zoom's consent page. */
async function connectZoom(admin: HttpAdmin, emulator: ZoomEmulator) {
  const start = await admin.request('GET', '/api/integrations/zoom/connect');
  const authorize = new URL(String(start.headers.get('location')));
  const form = new URLSearchParams(authorize.searchParams);
  form.set('decision', 'allow');
  const consent = await fetch(new URL('/oauth/authorize', emulator.oauthUrl), {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  const back = new URL(String(consent.headers.get('location')));
  const callback = await admin.request('GET', `${back.pathname}${back.search}`);
  const landing = String(callback.headers.get('location'));
  if (!landing.includes('zoom=connected')) throw new Error(`Zoom connection failed: ${landing}`);
}

/**
 * Waits until `count` recordings are imported; resolves with the seconds from the call to the last
 * import. It reads Callport's own log (the "recording imported" line of each import, with its time)
 * in this process, so that waiting costs Callport nothing: polling /metrics 10 times a second (default
 * metrics, queue depths and coverage gauges computed at each scrape, each request logged) was about 8 %
 * of its CPU during a throughput run. Then checks /metrics and the Imports tab once.
 */
export async function waitForImported(
  bench: BenchCallport,
  count: number,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  let times: number[] = [];
  for (;;) {
    // Every import of the process so far: `count` is the process's total (a section importing in
    // phases asks for what it imported before plus this phase's meetings).
    times = importedLogTimes(bench.output());
    if (times.length >= count) break;
    if (Date.now() - started > timeoutMs) {
      const overview = await bench.admin.json<{ counts: Record<string, number> }>(
        'GET',
        '/api/integrations/zoom/imports',
      );
      throw new Error(`only ${times.length} of ${count} imported: ${JSON.stringify(overview.counts)}`);
    }
    await setTimeout(50);
  }
  const seconds = (Math.max(...times) - started) / 1000;
  if ((await importedSoFar(bench)) < count) throw new Error(`the log says ${count} imported, /metrics fewer`);
  const overview = await bench.admin.json<{ counts: Record<string, number> }>(
    'GET',
    '/api/integrations/zoom/imports',
  );
  if ((overview.counts.imported ?? 0) < count)
    throw new Error(`the log says ${count} imported, the Imports tab ${JSON.stringify(overview.counts)}`);
  return seconds;
}

/** The times (epoch ms) of the "recording imported" lines in Callport's JSON log. */
function importedLogTimes(output: string): number[] {
  const times: number[] = [];
  for (const match of output.matchAll(/^\{.*"msg":"recording imported".*$/gm)) {
    const time = /"time":(\d+)/.exec(match[0])?.[1];
    if (time) times.push(Number(time));
  }
  return times;
}
