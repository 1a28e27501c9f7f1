/**
 * `npm run soak -- --minutes N [--seed S] [--workers 2] [--webs 2] [--pg-downtime SECONDS] [--logs DIR]`
 *
 * Crash and fault soak (not part of `npm test`). On a throwaway PostgreSQL cluster of its own, with
 * real `callport web` processes behind a round-robin load balancer and real `callport worker`
 * processes, it imports a backlog of cloud recordings from the in-process Zoom emulator while new
 * meetings keep arriving, and for N minutes, at seeded random intervals: kills workers (SIGKILL or
 * SIGTERM) and starts replacements, turns Zoom faults on and off (5xx, 429 bursts, slow API, downloads
 * reset or truncated mid-file), duplicates, drops, delays and reorders webhooks, and restarts
 * PostgreSQL once half way. Then it stops the faults, asks for a sweep, waits (bounded) until every
 * recording of a linked host is imported, and checks exactly-once import and file integrity. Exit 0
 * when every check passes, 1 with the failures listed otherwise.
 *
 * Only loopback traffic; every loop stops at its deadline; child processes, the PostgreSQL cluster
 * and temporary folders are removed at the end, on failure and on Ctrl-C.
 */
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Database, openDatabase } from '../src/db/index.ts';
import { testPassword } from '../src/test-support/app.ts';
import { signIn } from '../src/test-support/http-admin.ts';
import { type LoadBalancer, startLoadBalancer } from '../src/test-support/load-balancer.ts';
import { startZoomTestBed, type ZoomTestBed } from '../src/test-support/zoom.ts';
import type { FaultSettings, SimulateMeetingOptions, WebhookSettings } from '../src/zoom-emulator/index.ts';
import {
  failuresOf,
  isDone,
  loadRecordings,
  missingFiles,
  type SoakMeeting,
  type Verdict,
  verify,
  type ZoomFile,
  zoomFilesOf,
} from './soak/checks.ts';
import { Fleet, type Member } from './soak/fleet.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from './soak/postgres.ts';
import { pollUntil, Rng, seconds, sleep } from './soak/random.ts';

type Options = {
  minutes: number;
  seed: number;
  workers: number;
  webs: number;
  pgDowntimeSeconds: number;
  settleMinutes: number;
  logDir: string | undefined;
};

function parseOptions(): Options {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      minutes: { type: 'string', default: '10' },
      seed: { type: 'string' },
      workers: { type: 'string', default: '2' },
      webs: { type: 'string', default: '2' },
      'pg-downtime': { type: 'string', default: '0' },
      'settle-minutes': { type: 'string', default: '6' },
      logs: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'usage: npm run soak -- [--minutes 10] [--seed N] [--workers 2] [--webs 2] [--pg-downtime 0] [--settle-minutes 6] [--logs DIR]',
    );
    process.exit(0);
  }
  const number = (name: string, value: string | undefined, min: number, max: number) => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
      console.error(`--${name} must be a number between ${min} and ${max} (got ${value})`);
      process.exit(2);
    }
    return parsed;
  };
  return {
    minutes: number('minutes', values.minutes, 0.5, 120),
    seed: values.seed === undefined ? randomInt(1, 2 ** 31) : number('seed', values.seed, 0, 2 ** 32 - 1),
    workers: number('workers', values.workers, 1, 8),
    webs: number('webs', values.webs, 1, 4),
    pgDowntimeSeconds: number('pg-downtime', values['pg-downtime'], 0, 120),
    settleMinutes: number('settle-minutes', values['settle-minutes'], 1, 60),
    logDir: values.logs ? path.resolve(values.logs) : undefined,
  };
}

const linkedHosts = [
  { email: 'alice.martin@soak.example', firstName: 'Alice', lastName: 'Martin' },
  { email: 'bruno.petit@soak.example', firstName: 'Bruno', lastName: 'Petit' },
  { email: 'claire.roux@soak.example', firstName: 'Claire', lastName: 'Roux' },
  { email: 'david.leroy@soak.example', firstName: 'David', lastName: 'Leroy' },
];
/** A Zoom user with no Callport account: their recordings must be skipped, never become calls. */
const outsider = { email: 'olga.outsider@soak.example', firstName: 'Olga', lastName: 'Outsider' };

const faultKinds = [
  '5xx',
  '5xx-any',
  '429-burst',
  'reset-mid-file',
  'truncated',
  'slow-api',
  'mixed',
] as const;
type FaultKind = (typeof faultKinds)[number];
const webhookModes = [
  'normal',
  'duplicate',
  'drop',
  'out-of-order',
  'late',
  'duplicate+drop',
  'duplicate+out-of-order',
] as const;
type WebhookMode = (typeof webhookModes)[number];

const quietWebhooks: Partial<WebhookSettings> = {
  duplicate: false,
  dropRate: 0,
  outOfOrder: false,
  delaySeconds: 0,
};

const startedAt = Date.now();
function log(message: string) {
  const elapsed = Math.round((Date.now() - startedAt) / 1000);
  const stamp = `${String(Math.floor(elapsed / 60)).padStart(2, '0')}:${String(elapsed % 60).padStart(2, '0')}`;
  console.log(`[${stamp}] ${message}`);
}

/** Undo steps, run once in reverse order: on success, on failure and on Ctrl-C. */
class Cleanup {
  readonly #steps: Array<{ name: string; run: () => Promise<unknown> }> = [];
  #done: Promise<void> | undefined;
  add(name: string, run: () => Promise<unknown>) {
    this.#steps.push({ name, run });
  }
  run(): Promise<void> {
    this.#done ??= (async () => {
      for (const step of this.#steps.splice(0).reverse()) {
        const outcome = await Promise.race([
          step.run().then(
            () => 'ok',
            (error: unknown) => `failed: ${String(error).split('\n')[0]}`,
          ),
          sleep(60_000).then(() => 'timed out'),
        ]);
        if (outcome !== 'ok') console.error(`cleanup ${step.name} ${outcome}`);
      }
    })();
    return this.#done;
  }
}

type Stats = {
  meetings: { backlog: number; live: number; unlinked: number };
  kills: { SIGKILL: number; SIGTERM: number };
  killsDuringImport: number;
  wholeFleetKills: number;
  sigtermEscalated: number;
  sigtermExitMs: number[];
  replacements: number;
  faultWindows: Record<string, number>;
  faultResponses: Record<string, number>;
  rateLimited: number;
  zoomRequests: number;
  webhookModes: Record<string, number>;
  pgRestart:
    | {
        atMs: number;
        pgDownMs: number;
        readyMs: Record<string, number | null>;
        probeImportMs: number | null;
        probeConditions: string;
        firstWriteMs: number | null;
        firstImportMs: number | null;
      }
    | undefined;
  chaosEndedAt: number;
  quiescentAt: number | undefined;
};

async function main(): Promise<number> {
  const options = parseOptions();
  const root = new Rng(options.seed);
  const chaosMs = Math.round(options.minutes * 60_000);
  const replay = [
    ...process.argv.slice(2).filter((arg, index, args) => arg !== '--seed' && args[index - 1] !== '--seed'),
    '--seed',
    String(options.seed),
  ].filter((arg) => arg !== '--' && !arg.startsWith('--seed='));
  console.log(
    `Callport soak: ${options.minutes} min of chaos, seed ${options.seed} (replay: npm run soak -- ${replay.join(' ')}), ${options.webs} web + ${options.workers} worker processes`,
  );
  if (options.logDir) await fs.mkdir(options.logDir, { recursive: true });

  const cleanup = new Cleanup();
  const interrupted = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted.signal.aborted) return;
    console.error(`\n${signal}: stopping the soak and cleaning up…`);
    interrupted.abort();
    void cleanup.run().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Bounded even if something hangs: chaos + setup + settling + margin.
  const watchdog = setTimeout(
    () => {
      console.error('soak: hard time limit reached, cleaning up');
      void cleanup.run().finally(() => process.exit(1));
    },
    chaosMs + (options.settleMinutes + 20) * 60_000,
  );
  watchdog.unref();

  const stats: Stats = {
    meetings: { backlog: 0, live: 0, unlinked: 0 },
    kills: { SIGKILL: 0, SIGTERM: 0 },
    killsDuringImport: 0,
    wholeFleetKills: 0,
    sigtermEscalated: 0,
    sigtermExitMs: [],
    replacements: 0,
    faultWindows: {},
    faultResponses: {},
    rateLimited: 0,
    zoomRequests: 0,
    webhookModes: {},
    pgRestart: undefined,
    chaosEndedAt: 0,
    quiescentAt: undefined,
  };
  let pg: ThrowawayPostgres | undefined;
  let fleet: Fleet | undefined;
  let verdict: Verdict | undefined;
  const failures: string[] = [];
  const meetings: SoakMeeting[] = [];

  try {
    // ---- PostgreSQL, Callport's organisation, Zoom connection and user links ----
    pg = await startThrowawayPostgres();
    cleanup.add('PostgreSQL cluster', pg.destroy);
    log(`PostgreSQL ${pg.version} (throwaway cluster) on 127.0.0.1:${pg.port}`);
    const database: Database = await openDatabase({ kind: 'postgres', url: pg.url, poolSize: 4 });
    cleanup.add('database pool', () => database.close());
    await database.migrate();
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-soak-data-'));
    cleanup.add('data folder', () => fs.rm(dataDir, { recursive: true, force: true }));
    const encryptionKey = randomBytes(32).toString('base64');

    const bed: ZoomTestBed = await startZoomTestBed({
      scenario: 'empty',
      roles: ['web'],
      database: { ...database, close: async () => {} },
      env: { CALLPORT_ENCRYPTION_KEY: encryptionKey, LOG_LEVEL: 'warn' },
    });
    cleanup.add('Zoom emulator', () => bed.emulator.close());
    cleanup.add('setup web server', () => bed.app.stop());
    const { control } = bed.emulator;
    for (const host of [...linkedHosts, outsider]) control.createUser(host);
    for (const host of linkedHosts) {
      const created = await bed.admin.request('POST', '/api/users', {
        email: host.email,
        name: `${host.firstName} ${host.lastName}`,
      });
      if (created.statusCode !== 201)
        throw new Error(`creating ${host.email}: ${created.statusCode} ${created.body}`);
    }
    const connected = await bed.connect();
    await bed.linkZoomUsers();
    bed.recordEverythingToCloud();
    const links = Number((await database.executeSql('SELECT count(*)::int AS n FROM user_links')).rows[0]?.n);
    if (links !== linkedHosts.length)
      throw new Error(
        `expected ${linkedHosts.length} linked Zoom users, got ${links} (connect: ${connected})`,
      );
    await bed.app.stop();
    log(`organisation connected to the Zoom emulator, ${links} hosts linked, 1 host left unlinked`);

    // ---- The deployment: web processes behind a load balancer on the bed's port, then workers ----
    const env: Record<string, string> = {
      DATABASE_URL: pg.url,
      CALLPORT_ENCRYPTION_KEY: encryptionKey,
      CALLPORT_DATA_DIR: dataDir,
      ...bed.zoomAppEnv,
      SWEEP_INTERVAL_MINUTES: '1',
      IMPORT_RETRY_DELAY_SECONDS: '1',
      WORKER_CONCURRENCY: '2',
      LOG_LEVEL: 'info',
    };
    const processes = new Fleet(env, log, options.logDir);
    fleet = processes;
    cleanup.add('Callport processes', () => processes.stopAll());
    const webPorts: number[] = [];
    for (let index = 0; index < options.webs; index++) webPorts.push((await processes.start('web')).port);
    const balancer: LoadBalancer = await startLoadBalancer(Number(new URL(bed.callportUrl).port), webPorts);
    cleanup.add('load balancer', () => balancer.close());
    log(`${options.webs} web process(es) ready behind the load balancer at ${bed.callportUrl}`);

    const meetingRng = root.fork('meetings');
    const createMeeting = (phase: SoakMeeting['phase'], rng: Rng, forceLinked = false) => {
      const host = !forceLinked && rng.chance(0.1) ? outsider : rng.pick(linkedHosts);
      const hostName = `${host.firstName} ${host.lastName}`;
      const number = meetings.length + 1;
      const topic = `Soak ${String(number).padStart(3, '0')} ${phase}`;
      const durationMinutes = rng.int(6, 60);
      const half = Math.floor(durationMinutes / 2);
      const meetingOptions: SimulateMeetingOptions = {
        hostEmail: host.email,
        topic,
        durationMinutes,
        synthetic: true,
        fileSizes: { mp4: rng.int(1024, 4096) * 1024, m4a: rng.int(100, 400) * 1024 },
        processingSeconds: rng.int(1, 5),
        transcriptSeconds: rng.int(2, 10),
        ...(rng.chance(0.5)
          ? {
              transcript: [
                { speaker: hostName, text: `Bonjour, merci d'être là pour le point ${number}.` },
                { speaker: 'Client', text: 'Avec plaisir, parlons du budget.' },
              ],
            }
          : {}),
        ...(rng.chance(0.3)
          ? { chat: [{ sender: hostName, text: `Support de présentation ${number}` }] }
          : {}),
        ...(rng.chance(0.15)
          ? {
              segments: [
                { startMinute: 0, endMinute: half - 1 },
                { startMinute: half, endMinute: durationMinutes },
              ],
            }
          : {}),
      };
      const result = control.simulateMeeting(meetingOptions);
      if (!result.recorded) throw new Error(`${topic} was not recorded: ${result.reason}`);
      const linked = host !== outsider;
      meetings.push({ uuid: result.uuid, topic, hostEmail: host.email, linked, phase });
      stats.meetings[phase]++;
      if (!linked) stats.meetings.unlinked++;
    };

    // ---- Backlog: recorded and announced (webhooks duplicated, a quarter dropped) before any worker runs ----
    const backlog = Math.max(3, Math.round(3 * options.minutes));
    control.setWebhooks({ ...quietWebhooks, duplicate: true, dropRate: 0.25 });
    for (let index = 0; index < backlog; index++) createMeeting('backlog', meetingRng);
    await sleep(7000, interrupted.signal);
    await control.flushWebhooks();
    control.setWebhooks(quietWebhooks);
    log(`backlog of ${backlog} recordings ready at Zoom (webhooks duplicated, 25 % dropped)`);
    for (let index = 0; index < options.workers; index++) await processes.start('worker');
    log(`${options.workers} worker process(es) started: chaos for ${options.minutes} min`);

    // ---- Chaos ----
    const chaos = new AbortController();
    const stopChaos = () => chaos.abort();
    interrupted.signal.addEventListener('abort', stopChaos);
    const chaosTimer = setTimeout(stopChaos, chaosMs);
    const chaosStart = Date.now();
    let currentFault = 'none';
    let currentWebhooks: WebhookMode = 'normal';
    const countStatus = async (status: string) =>
      Number(
        (await database.executeSql('SELECT count(*)::int AS n FROM recordings WHERE status = $1', [status]))
          .rows[0]?.n,
      );

    const meetingsActor = async () => {
      const rng = root.fork('live-meetings');
      while (await sleep(rng.between(8_000, 25_000), chaos.signal)) {
        const count = rng.chance(0.3) ? 2 : 1;
        for (let index = 0; index < count; index++) createMeeting('live', rng);
      }
    };

    const killerActor = async () => {
      const rng = root.fork('kills');
      const gap = () => rng.between(Math.min(20_000, chaosMs / 5), Math.min(50_000, chaosMs / 3));
      while (await sleep(gap(), chaos.signal)) {
        // Aim at imports in flight: wait (at most 15 s) until a recording is being imported right now
        // (a live lease, touched in the last seconds: not one a killed worker left behind).
        const busy = await pollUntil(
          async () => {
            const row = (
              await database.executeSql(
                `SELECT count(*)::int AS n FROM recordings WHERE status = 'importing'
                   AND claimed_until > now() AND updated_at > now() - interval '5 seconds'`,
              )
            ).rows[0];
            return Number(row?.n) > 0 ? true : undefined;
          },
          { timeoutMs: 15_000, intervalMs: 100, signal: chaos.signal },
        );
        const workers = processes.byRole('worker');
        if (workers.length === 0) continue;
        const wholeFleet = workers.length > 1 && rng.chance(0.12);
        const victims: Member[] = wholeFleet ? [...workers] : [rng.pick(workers)];
        const signal: NodeJS.Signals = wholeFleet || rng.chance(0.6) ? 'SIGKILL' : 'SIGTERM';
        if (wholeFleet) stats.wholeFleetKills++;
        if (busy) stats.killsDuringImport += victims.length;
        const results = await Promise.all(victims.map((victim) => processes.kill(victim, signal)));
        for (const [index, result] of results.entries()) {
          stats.kills[signal as 'SIGKILL' | 'SIGTERM']++;
          if (signal === 'SIGTERM') {
            stats.sigtermExitMs.push(result.exitMs);
            if (result.escalated) stats.sigtermEscalated++;
          }
          log(
            `✗ ${signal} ${victims[index]!.id}${busy ? ' while an import was in flight' : ''}: exited in ${seconds(result.exitMs)} (code ${result.code})${result.escalated ? ', escalated to SIGKILL' : ''}`,
          );
        }
        for (const _victim of victims) {
          const replacement = await processes.start('worker');
          stats.replacements++;
          log(`↻ ${replacement.id} started as a replacement`);
        }
      }
    };

    const faultSettings = (kind: FaultKind, rng: Rng): Partial<FaultSettings> => {
      const errorRates = (endpoints: string[], min: number, max: number) =>
        endpoints.map((endpoint) => ({
          endpoint,
          rate: Number(rng.between(min, max).toFixed(2)),
          status: rng.pick([500, 502, 503, 504] as const),
        }));
      const recordingEndpoints = [
        'GET /v2/meetings/:meetingId/recordings',
        'GET /v2/users/:userId/recordings',
      ];
      const cut = rng.int(256, 1536) * 1024;
      switch (kind) {
        case '5xx':
          return { errorRates: errorRates(recordingEndpoints, 0.3, 0.6) };
        case '5xx-any':
          return { errorRates: errorRates(['*'], 0.15, 0.3) };
        case '429-burst':
          return { rateLimitBurst: { count: rng.int(5, 20), type: 'QPS' } };
        case 'reset-mid-file':
          return { resetDownloadsAfterBytes: cut };
        case 'truncated':
          return { truncateDownloadsAfterBytes: cut };
        case 'slow-api':
          return {
            slowResponses: [
              { endpoint: 'GET /v2/meetings/:meetingId/recordings', delayMs: rng.int(500, 2500) },
            ],
          };
        case 'mixed':
          return {
            errorRates: errorRates(recordingEndpoints, 0.2, 0.4),
            rateLimitBurst: { count: rng.int(3, 10), type: 'QPS' },
            resetDownloadsAfterBytes: cut,
          };
      }
    };

    const faultActor = async () => {
      const rng = root.fork('faults');
      while (await sleep(rng.between(5_000, 20_000), chaos.signal)) {
        const kind = rng.pick(faultKinds);
        const settings = faultSettings(kind, rng);
        control.setFaults(settings);
        currentFault = kind;
        stats.faultWindows[kind] = (stats.faultWindows[kind] ?? 0) + 1;
        log(`⚡ Zoom faults on: ${kind} ${JSON.stringify(settings)}`);
        await sleep(rng.between(10_000, 30_000), chaos.signal);
        control.resetFaults();
        currentFault = 'none';
        log('⚡ Zoom faults off');
      }
    };

    const webhookActor = async () => {
      const rng = root.fork('webhooks');
      while (await sleep(rng.between(15_000, 40_000), chaos.signal)) {
        const mode = rng.pick(webhookModes);
        const dropRate = Number(rng.between(0.3, 0.6).toFixed(2));
        const patch: Partial<WebhookSettings> = {
          ...quietWebhooks,
          duplicate: mode.includes('duplicate'),
          dropRate: mode.includes('drop') ? dropRate : 0,
          outOfOrder: mode.includes('out-of-order'),
          delaySeconds: mode === 'late' ? rng.int(5, 30) : 0,
        };
        if (currentWebhooks.includes('out-of-order') || currentWebhooks === 'late')
          await control.deliverPendingWebhooks();
        control.setWebhooks(patch);
        currentWebhooks = mode;
        stats.webhookModes[mode] = (stats.webhookModes[mode] ?? 0) + 1;
        log(
          `✉ webhooks: ${mode}${mode.includes('drop') ? ` (${dropRate * 100} % dropped)` : ''}${mode === 'late' ? ` (+${patch.delaySeconds} s)` : ''}`,
        );
      }
    };

    const postgresActor = async () => {
      const rng = root.fork('postgres');
      if (!(await sleep(chaosMs / 2, chaos.signal))) return;
      // Work in flight when the database goes away.
      createMeeting('live', rng, true);
      createMeeting('live', rng, true);
      await sleep(3000);
      const restartedAt = Date.now();
      log(
        `⟳ restarting PostgreSQL (${options.pgDowntimeSeconds > 0 ? `stop, ${options.pgDowntimeSeconds} s down, start` : 'pg_ctl restart -m fast'})`,
      );
      const { downMs } = await pg!.restart(options.pgDowntimeSeconds * 1000);
      const upAt = Date.now();
      log(`⟳ PostgreSQL accepts connections again after ${seconds(downMs)}`);
      // A probe meeting right after the restart: webhook → web → queue → worker → imported.
      const probeIndex = meetings.length;
      createMeeting('live', rng, true);
      const probe = meetings[probeIndex]!;
      const readyMs: Record<string, number | null> = {};
      await Promise.all(
        [...processes.members].map(async (member) => {
          const readyAt = await pollUntil(
            async () => {
              const answer = await fetch(`http://127.0.0.1:${member.port}/readyz`, {
                signal: AbortSignal.timeout(2000),
              });
              return answer.ok ? Date.now() : undefined;
            },
            { timeoutMs: 120_000, intervalMs: 200, signal: interrupted.signal },
          );
          readyMs[member.id] = readyAt === undefined ? null : readyAt - restartedAt;
        }),
      );
      const firstAfter = (sql: string) =>
        pollUntil(
          async () => {
            const row = (await database.executeSql(sql, [new Date(upAt)])).rows[0];
            return row?.at ? new Date(row.at as string).getTime() : undefined;
          },
          { timeoutMs: 300_000, intervalMs: 250, signal: interrupted.signal },
        );
      const probeConditions = `webhooks ${currentWebhooks}, faults ${currentFault}`;
      const [firstWrite, firstImport, probeImported] = await Promise.all([
        firstAfter('SELECT min(at) AS at FROM recording_events WHERE at > $1'),
        firstAfter('SELECT min(imported_at) AS at FROM recordings WHERE imported_at > $1'),
        pollUntil(
          async () => {
            const row = (
              await database.executeSql(
                `SELECT imported_at FROM recordings WHERE meeting_uuid = $1 AND status = 'imported'`,
                [probe.uuid],
              )
            ).rows[0];
            return row?.imported_at ? Date.now() : undefined;
          },
          { timeoutMs: 300_000, intervalMs: 250, signal: interrupted.signal },
        ),
      ]);
      const since = (time: number | undefined) => (time === undefined ? null : time - restartedAt);
      stats.pgRestart = {
        atMs: restartedAt - startedAt,
        pgDownMs: downMs,
        readyMs,
        firstWriteMs: since(firstWrite),
        firstImportMs: since(firstImport),
        probeImportMs: since(probeImported),
        probeConditions,
      };
      const show = (ms: number | null) => (ms === null ? 'never (5 min)' : seconds(ms));
      log(
        `⟳ after the PostgreSQL restart (times from its start): /readyz ok on ${Object.entries(readyMs)
          .map(([id, ms]) => `${id} ${show(ms)}`)
          .join(', ')}; first recording write ${show(stats.pgRestart.firstWriteMs)}; first import ${show(
          stats.pgRestart.firstImportMs,
        )}; probe meeting created after the restart imported ${show(stats.pgRestart.probeImportMs)} (${probeConditions})`,
      );
    };

    let lastSeq = 0;
    const sampleRequests = () => {
      for (const entry of control.requestLog()) {
        if (entry.seq <= lastSeq) continue;
        lastSeq = entry.seq;
        stats.zoomRequests++;
        if (entry.status === 429 && !entry.fault) stats.rateLimited++;
        if (!entry.fault) continue;
        const label = entry.fault.startsWith('injected')
          ? `5xx (${entry.route.startsWith('/v2') ? 'API' : 'other'})`
          : entry.fault.startsWith('429')
            ? '429 burst'
            : entry.fault.startsWith('reset')
              ? 'download reset mid-file'
              : entry.fault.startsWith('truncate')
                ? 'download truncated'
                : entry.fault.startsWith('slow')
                  ? 'slow API response'
                  : entry.fault;
        stats.faultResponses[label] = (stats.faultResponses[label] ?? 0) + 1;
      }
    };
    const samplerActor = async () => {
      let tick = 0;
      while (await sleep(3000, chaos.signal)) {
        sampleRequests();
        if (++tick % 10 === 0) {
          const [imported, importing, waiting] = await Promise.all(
            ['imported', 'importing', 'waiting'].map((status) => countStatus(status).catch(() => Number.NaN)),
          );
          log(
            `· ${meetings.length} meetings (${meetings.filter((m) => m.linked).length} linked), imported ${imported}, importing ${importing}, waiting ${waiting}; workers ${processes
              .byRole('worker')
              .map((w) => w.id)
              .join(' ')}; faults ${currentFault}; webhooks ${currentWebhooks}`,
          );
        }
      }
    };

    const actors = [meetingsActor, killerActor, faultActor, webhookActor, postgresActor, samplerActor].map(
      (actor) =>
        actor().catch((error: unknown) => {
          failures.push(
            `chaos actor ${actor.name} failed: ${error instanceof Error ? error.message : error}`,
          );
          log(`! ${actor.name} failed: ${error instanceof Error ? error.stack : error}`);
          chaos.abort();
        }),
    );
    await Promise.all(actors);
    clearTimeout(chaosTimer);
    interrupted.signal.removeEventListener('abort', stopChaos);
    if (interrupted.signal.aborted) return 130;
    stats.chaosEndedAt = Date.now();
    log(`chaos over after ${seconds(stats.chaosEndedAt - chaosStart)}: faults off, webhooks normal`);

    // ---- Settle: no faults, a sweep, then wait until every linked recording is imported ----
    control.resetFaults();
    control.setWebhooks(quietWebhooks);
    await control.deliverPendingWebhooks();
    await processes.settled();
    for (const role of ['web', 'worker'] as const) {
      const wanted = role === 'web' ? options.webs : options.workers;
      while (processes.byRole(role).length < wanted) {
        const missingWebPort = webPorts.find(
          (port) => !processes.byRole('web').some((web) => web.port === port),
        );
        await processes.start(role, role === 'web' ? missingWebPort : undefined);
      }
    }
    // Zoom must have finished processing every file (transcripts come last) before the final sweep.
    let zoomReadyAt = 0;
    for (const meeting of meetings) {
      const recording = await control.getRecording(meeting.uuid);
      const readyAt = Date.parse(recording?.transcriptReadyAt ?? recording?.completesAt ?? '');
      if (readyAt > zoomReadyAt) zoomReadyAt = readyAt;
    }
    const wait = zoomReadyAt - control.now().getTime() + 2000;
    if (wait > 0) await sleep(wait, interrupted.signal);
    const zoomFiles = new Map<string, ZoomFile[]>();
    for (const meeting of meetings) zoomFiles.set(meeting.uuid, await zoomFilesOf(control, meeting.uuid));

    const admin = await signIn(bed.callportUrl, bed.admin.email, testPassword);
    const sweepRequestedAt = new Date();
    const sweep = await admin.request('POST', '/api/integrations/zoom/imports/sweep');
    if (sweep.status !== 202) failures.push(`the final sweep request answered ${sweep.status}`);
    log(
      `sweep requested (${sweep.status}); waiting up to ${options.settleMinutes} min for every linked recording`,
    );

    const linked = meetings.filter((meeting) => meeting.linked);
    const settleDeadline = Date.now() + options.settleMinutes * 60_000;
    let lastReport = Date.now();
    let settled = false;
    let sweepFinished = false;
    while (Date.now() < settleDeadline && !interrupted.signal.aborted) {
      const byUuid = await loadRecordings(database.executeSql).catch(() => undefined);
      const finished = (
        await database
          .executeSql('SELECT last_finished_at FROM import_sweeps')
          .catch(() => ({ rows: [] as Record<string, unknown>[] }))
      ).rows.some(
        (row) => row.last_finished_at && new Date(row.last_finished_at as string) >= sweepRequestedAt,
      );
      sweepFinished ||= finished;
      if (byUuid) {
        const done = linked.filter((meeting) =>
          isDone(zoomFiles.get(meeting.uuid) ?? [], byUuid.get(meeting.uuid)),
        ).length;
        if (done === linked.length && sweepFinished) {
          settled = true;
          break;
        }
        if (Date.now() - lastReport > 20_000) {
          lastReport = Date.now();
          log(
            `… ${done}/${linked.length} linked recordings imported with all files; sweep ${sweepFinished ? 'done' : 'pending'}`,
          );
        }
      }
      await sleep(1000, interrupted.signal);
    }
    sampleRequests();
    if (settled) {
      stats.quiescentAt = Date.now();
      log(
        `every linked recording imported ${seconds(stats.quiescentAt - stats.chaosEndedAt)} after the chaos ended`,
      );
      // Late duplicates (a retried job, a second sweep) would show up now.
      await sleep(5000, interrupted.signal);
    } else {
      if (!sweepFinished) failures.push(`the final sweep did not finish within ${options.settleMinutes} min`);
      const byUuid = await loadRecordings(database.executeSql);
      const stuck = linked
        .map((meeting) => ({ meeting, rows: byUuid.get(meeting.uuid) ?? [] }))
        .filter(({ meeting, rows }) => !isDone(zoomFiles.get(meeting.uuid) ?? [], rows));
      console.log(`\nStuck recordings after ${options.settleMinutes} min (${stuck.length}):`);
      for (const { meeting, rows } of stuck) {
        const row = rows[0];
        const missing = missingFiles(zoomFiles.get(meeting.uuid) ?? [], row).map((file) => file.fileType);
        console.log(
          `  ${meeting.topic} ${meeting.uuid}: ${row ? `${row.status} — ${row.statusReason ?? 'no reason'}; updated ${row.updatedAt}; claimed until ${row.claimedUntil ?? '-'}` : 'no recording row (never discovered)'}${missing.length ? `; files not stored: ${missing.join(', ')}` : ''}${rows.length > 1 ? `; ${rows.length} rows!` : ''}`,
        );
      }
    }

    // ---- Checks ----
    verdict = await verify({
      executeSql: database.executeSql,
      meetings,
      zoomFiles,
      storageRoot: path.join(dataDir, 'recordings'),
    });
    failures.push(...failuresOf(verdict));
    for (const exit of processes.unexpectedExits) {
      failures.push(
        `process crash: ${exit.id} exited on its own (code ${exit.code}, signal ${exit.signal}):\n${exit.tail
          .split('\n')
          .slice(-30)
          .join('\n')}`,
      );
    }
    const jobStates = await database.executeSql(
      `SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = 'import.import-recording' GROUP BY state ORDER BY state`,
    );
    const webhookLog = control.webhookLog();
    const webhookSummary = {
      deliveries: webhookLog.length,
      duplicates: webhookLog.filter((delivery) => delivery.duplicateOf !== null).length,
      dropped: webhookLog.filter((delivery) => delivery.state === 'dropped').length,
      failedAttempts: webhookLog
        .flatMap((delivery) => delivery.attempts)
        .filter((attempt) => attempt.error !== null || attempt.status === null || attempt.status >= 300)
        .length,
    };

    // ---- Summary ----
    const sigterm = [...stats.sigtermExitMs].sort((a, b) => a - b);
    const errorLog = processes.errorLog();
    const errorCounts = new Map<string, number>();
    for (const line of [...errorLog.web, ...errorLog.worker])
      errorCounts.set(line, (errorCounts.get(line) ?? 0) + 1);
    const topErrors = [...errorCounts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([line, n]) => `${n} × ${line.slice(0, 160)}`);
    const readyTimes = Object.values(stats.pgRestart?.readyMs ?? {});
    const showMs = (ms: number | null) => (ms === null ? 'never' : seconds(ms));
    const rows: Array<[string, string]> = [
      ['seed', String(options.seed)],
      [
        'duration',
        `${options.minutes} min of chaos, ${seconds(Date.now() - startedAt)} in all (settled ${stats.quiescentAt ? `${seconds(stats.quiescentAt - stats.chaosEndedAt)} after the chaos` : 'NOT'})`,
      ],
      [
        'processes',
        `${options.webs} web + ${options.workers} worker, PostgreSQL ${pg.version} (own cluster)`,
      ],
      [
        'meetings created',
        `${meetings.length} (backlog ${stats.meetings.backlog}, during the run ${stats.meetings.live}); linked host ${verdict.expectedImports}, unlinked ${stats.meetings.unlinked}`,
      ],
      ['imported', `${verdict.imported} / ${verdict.expectedImports}`],
      ['not imported', String(verdict.notImported.length)],
      [
        'duplicates',
        `${verdict.duplicateRecordings.length} recording rows, ${verdict.duplicateCalls.length} calls; ${verdict.unlinkedCalls.length} calls for the unlinked host; ${verdict.unexpectedRecordings} recordings of meetings the soak never created`,
      ],
      [
        'files checked',
        `${verdict.filesChecked} (${(verdict.bytesChecked / 2 ** 20).toFixed(1)} MB, size + sha256 on disk vs Zoom)`,
      ],
      [
        'integrity failures',
        `${verdict.integrityFailures.length} (+ ${verdict.missingFiles.length} Zoom files not stored, ${verdict.orphanBlobs.length} unreferenced blobs)`,
      ],
      [
        'worker kills',
        `${stats.kills.SIGKILL + stats.kills.SIGTERM}: SIGKILL ${stats.kills.SIGKILL}, SIGTERM ${stats.kills.SIGTERM}; ${stats.killsDuringImport} while an import was in flight, ${stats.wholeFleetKills} × all workers at once`,
      ],
      [
        'SIGTERM exit',
        sigterm.length
          ? `median ${seconds(sigterm[Math.floor(sigterm.length / 2)]!)}, max ${seconds(sigterm[sigterm.length - 1]!)}, ${stats.sigtermEscalated} escalated to SIGKILL`
          : '-',
      ],
      [
        'restarts',
        `${stats.replacements} replacement workers, ${processes.unexpectedExits.length} crashes (unexpected exits), ${processes.spawnFailures.length} failed starts`,
      ],
      [
        'faults injected',
        `${Object.values(stats.faultWindows).reduce((a, b) => a + b, 0)} windows (${Object.entries(
          stats.faultWindows,
        )
          .map(([kind, n]) => `${kind} ${n}`)
          .join(', ')})`,
      ],
      [
        'faulted responses',
        `${Object.entries(stats.faultResponses)
          .map(([kind, n]) => `${kind} ${n}`)
          .join(', ')}; ${stats.rateLimited} real 429s; ${stats.zoomRequests} Zoom requests`,
      ],
      [
        'webhooks',
        `${webhookSummary.deliveries} deliveries, ${webhookSummary.duplicates} duplicates, ${webhookSummary.dropped} dropped, ${webhookSummary.failedAttempts} failed attempts; modes ${Object.entries(
          stats.webhookModes,
        )
          .map(([mode, n]) => `${mode} ${n}`)
          .join(', ')}`,
      ],
      [
        'PostgreSQL restart',
        stats.pgRestart
          ? `at ${seconds(stats.pgRestart.atMs)}: PostgreSQL down ${seconds(stats.pgRestart.pgDownMs)}; every process /readyz ok ${readyTimes.includes(null) ? 'NOT all' : seconds(Math.max(...(readyTimes as number[])))}, first write ${showMs(stats.pgRestart.firstWriteMs)}, first import ${showMs(stats.pgRestart.firstImportMs)}, probe meeting imported ${showMs(stats.pgRestart.probeImportMs)} (${stats.pgRestart.probeConditions}), all from the restart's start`
          : 'not reached',
      ],
      [
        'errors logged',
        `web ${errorLog.web.length}, worker ${errorLog.worker.length}${topErrors.length ? `; most frequent: ${topErrors.join('; ')}` : ''}`,
      ],
      ['import jobs', jobStates.rows.map((row) => `${row.state} ${row.n}`).join(', ')],
      ['result', failures.length === 0 ? 'PASS' : `FAIL (${failures.length} problems)`],
    ];
    const width = Math.max(...rows.map(([name]) => name.length));
    console.log('\nSoak summary');
    for (const [name, value] of rows) console.log(`  ${name.padEnd(width)}  ${value}`);
    if (options.logDir) {
      await fs
        .writeFile(path.join(options.logDir, 'postgres.log'), await pg.logTail(100_000))
        .catch(() => {});
    }
  } catch (error) {
    if (interrupted.signal.aborted) return 130;
    failures.push(`soak aborted: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (pg) console.error(`PostgreSQL log (end):\n${await pg.logTail(20)}`);
  } finally {
    if (fleet && options.logDir) log(`process logs in ${options.logDir}`);
    await cleanup.run();
    clearTimeout(watchdog);
  }
  if (failures.length > 0) {
    console.log(`\nSOAK FAILED (seed ${options.seed}):`);
    for (const failure of failures.slice(0, 60)) console.log(`  - ${failure}`);
    if (failures.length > 60) console.log(`  … and ${failures.length - 60} more`);
    return 1;
  }
  console.log(
    `\nSOAK PASSED: ${verdict?.imported} recordings imported exactly once, ${verdict?.filesChecked} files identical to Zoom's.`,
  );
  return 0;
}

process.exitCode = await main();
// Handles that outlive the soak (keep-alive sockets, pg-boss timers of the setup server) must not hold it.
setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
