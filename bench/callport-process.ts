import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { requiredScopes } from '../src/connections/index.ts';
import { openDatabase } from '../src/db/index.ts';
import { withDatabase } from '../src/test-support/global-setup.ts';
import { type CallportProcess, spawnCallport } from '../src/test-support/processes.ts';
import { freePort } from '../src/test-support/zoom.ts';
import { startEmulator, type ZoomEmulator } from '../src/zoom-emulator/index.ts';

const bin = fileURLToPath(new URL('../bin/callport.js', import.meta.url));
const clockTicks = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s.

/** A signed-in admin of a Callport process, over real HTTP (session cookie + CSRF token). */
export type HttpAdmin = {
  request(method: string, url: string, body?: unknown): Promise<Response>;
  json<T>(method: string, url: string, body?: unknown): Promise<T>;
};

export type BenchCallport = {
  emulator: ZoomEmulator;
  process: CallportProcess;
  url: string;
  admin: HttpAdmin;
  dataDir: string;
  /** The process's resident memory now and its peak since it started (VmRSS, VmHWM), in MB. */
  memory(): Promise<{ rssMb: number; peakMb: number }>;
  /** CPU seconds the process has used (user + system). */
  cpuSeconds(): Promise<number>;
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
}): Promise<BenchCallport> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const credentials = {
    clientId: `bench-${randomBytes(4).toString('hex')}`,
    clientSecret: randomBytes(16).toString('hex'),
    webhookSecretToken: randomBytes(16).toString('hex'),
  };
  const emulator = await startEmulator({
    port: 0,
    scenario: 'empty',
    apps: [
      {
        type: 'general',
        ...credentials,
        redirectUris: [`${url}/api/integrations/zoom/callback`],
        scopes: requiredScopes,
        webhookUrl: `${url}/webhooks/zoom`,
      },
    ],
  });
  emulator.control.setRateLimits({ enabled: false });
  // With DATABASE_URL, each run gets a database of its own, dropped when it stops.
  const scratch = process.env.DATABASE_URL
    ? await createScratchDatabase(process.env.DATABASE_URL)
    : undefined;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-bench-'));
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
  const child = await spawnCallport(
    'start',
    { ...env, LOG_LEVEL: 'info' },
    { readyTimeoutMs: 120_000, nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] },
  );
  try {
    const admin = await signIn(url, email, password);
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
    await admin.request('PUT', '/api/integrations/zoom/users/links', {
      links: proposals.map((proposal) => ({ ...proposal, method: 'automatic' })),
    });
    emulator.control.updateAccountSettings({ recording: { cloud_recording: true, auto_recording: 'cloud' } });
  } catch (error) {
    await child.kill('SIGKILL');
    await emulator.close();
    await scratch?.drop();
    throw error;
  }
  const pid = child.child.pid!;
  return {
    emulator,
    process: child,
    url,
    admin: await signIn(url, email, password),
    dataDir,
    memory: async () => {
      const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
      return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
    },
    cpuSeconds: async () => {
      const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / clockTicks;
    },
    otherAppToken: () => {
      const other = {
        type: 'general' as const,
        clientId: `bench-other-${randomBytes(4).toString('hex')}`,
        clientSecret: randomBytes(16).toString('hex'),
        webhookSecretToken: randomBytes(16).toString('hex'),
        redirectUris: ['http://127.0.0.1/unused'],
        scopes: requiredScopes,
      };
      emulator.control.registerApp(other);
      return emulator.control.installApp(other.clientId).access_token;
    },
    stop: async () => {
      await child.kill('SIGTERM');
      await emulator.close();
      await fs.rm(dataDir, { recursive: true, force: true });
      await scratch?.drop();
    },
  };
}

async function signIn(baseUrl: string, email: string, password: string): Promise<HttpAdmin> {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  const cookies = new Map<string, string>();
  const keep = (answer: Response) => {
    for (const cookie of answer.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const index = pair!.indexOf('=');
      cookies.set(pair!.slice(0, index), pair!.slice(index + 1));
    }
  };
  keep(response);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const request = async (method: string, url: string, body?: unknown) => {
    const answer = await fetch(new URL(url, baseUrl), {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    keep(answer);
    return answer;
  };
  return {
    request,
    json: async <T>(method: string, url: string, body?: unknown) => {
      const answer = await request(method, url, body);
      if (!answer.ok) throw new Error(`${method} ${url}: ${answer.status} ${await answer.text()}`);
      return (await answer.json()) as T;
    },
  };
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

/** Polls the Imports tab until `count` recordings are imported; resolves with the seconds it took. */
export async function waitForImported(admin: HttpAdmin, count: number, timeoutMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const overview = await admin.json<{ counts: Record<string, number> }>(
      'GET',
      '/api/integrations/zoom/imports',
    );
    if ((overview.counts.imported ?? 0) >= count) return (performance.now() - started) / 1000;
    if (performance.now() - started > timeoutMs) {
      throw new Error(
        `only ${overview.counts.imported ?? 0} of ${count} imported: ${JSON.stringify(overview.counts)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function createScratchDatabase(url: string) {
  const name = `callport_bench_${randomBytes(6).toString('hex')}`;
  const admin = await openDatabase({ kind: 'postgres', url, poolSize: 1 });
  await admin.executeSql(`CREATE DATABASE ${name}`);
  return {
    url: withDatabase(url, name),
    drop: async () => {
      await admin.executeSql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await admin.close();
    },
  };
}
