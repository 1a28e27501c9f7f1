import { setTimeout as sleep } from 'node:timers/promises';
import PgBoss from 'pg-boss';
import { z } from 'zod';
import type { ExecuteSql } from '../db/index.ts';
import { backoffMs } from '../lib/backoff.ts';
import type { Logger } from '../lib/logger.ts';

/** One entry of the job catalog: a name, its payload schema and how pg-boss should treat it. */
export type JobDefinition<Payload> = {
  name: string;
  payload: z.ZodType<Payload>;
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  timeoutSeconds: number;
  /**
   * `standard`: every send creates a job. `singleton`: at most one queued job per singleton key
   * (pg-boss `short` policy: duplicates of a job not yet started are dropped).
   */
  dedupe?: 'none' | 'queued';
  /** Five-field cron in UTC; the schedule is kept in the database, so only one process fires it. */
  cron?: string;
  /** How many jobs of this kind one worker process runs at once. */
  concurrency?: number;
  /**
   * How often an idle worker asks the database for a job of this kind: 0.5 s for the import path
   * (webhook → call latency), 2 s by default. Every poll is a query, so idle polling is what an idle
   * Callport costs the database.
   */
  pollingIntervalSeconds?: number;
};

/**
 * A job's retry settings: up to `limit` more runs after a failure, the first `delaySeconds` later,
 * each next pause twice as long (pg-boss's retryBackoff) unless `backoff` is false.
 */
export function retryUpTo(
  limit: number,
  options: { delaySeconds: number; backoff?: boolean },
): Pick<JobDefinition<unknown>, 'retryLimit' | 'retryDelaySeconds' | 'retryBackoff'> {
  return {
    retryLimit: limit,
    retryDelaySeconds: options.delaySeconds,
    retryBackoff: options.backoff ?? true,
  };
}

export function defineJob<Payload>(definition: JobDefinition<Payload>): JobDefinition<Payload> {
  return definition;
}

/** What pg-boss's schedule sends a cron job: nothing of ours. */
const cronPayloadSchema = z.object({}).passthrough();

/** A job its cron starts (and only it): it takes no payload. */
export function defineCronJob(
  definition: Omit<JobDefinition<unknown>, 'payload' | 'cron'> & { cron: string },
): JobDefinition<z.infer<typeof cronPayloadSchema>> {
  return { ...definition, payload: cronPayloadSchema };
}

export type JobHandler<Payload> = (
  payload: Payload,
  job: { id: string; retryCount: number },
) => Promise<void>;

type Registration = { definition: JobDefinition<unknown>; handler: JobHandler<unknown> };

export type SendOptions = {
  singletonKey?: string;
  /** Not before this many seconds from now, or (`startAfter`) not before this time. */
  startAfterSeconds?: number;
  startAfter?: Date;
  priority?: number;
  /**
   * A due job whose key is already queued for later (a retry waiting out Zoom's processing) runs now:
   * the queued job's start is brought forward instead of this one being dropped as a duplicate.
   */
  bringForward?: boolean;
};

/**
 * The typed job queue on top of pg-boss, in the same database as everything else. Web processes only
 * send; worker processes also run the handlers. `start()` and `stop()` are idempotent.
 */
export class JobQueue {
  readonly #boss: PgBoss;
  readonly #registrations = new Map<string, Registration>();
  readonly #logger: Logger;
  readonly #executeSql: ExecuteSql;
  readonly #schema: string;
  #startPromise: Promise<void> | undefined;
  #isWorking = false;
  /** pg-boss worker ids per queue, to wake this process's idle workers when work arrives. */
  readonly #workerIds = new Map<string, string[]>();

  constructor(options: { executeSql: ExecuteSql; logger: Logger; schema?: string; maintenance?: boolean }) {
    this.#logger = options.logger;
    this.#executeSql = options.executeSql;
    this.#schema = options.schema ?? 'pgboss';
    this.#boss = new PgBoss({
      // pg-boss 10 records a finished job's outcome without awaiting it: a statement failing because
      // PostgreSQL just restarted would be an unhandled rejection, and end the process (the soak caught
      // one). pg-boss's statements are safe to repeat (a job completes or fails once; a fetch whose
      // answer was lost leaves its job active until it expires and is retried), so a lost connection is
      // retried for about 30 s (20 to 40).
      db: {
        executeSql: (text, values) =>
          retry(() => options.executeSql(text, values), { when: isConnectionLost, attempts: 12 }).catch(
            (error: unknown) => {
              // The same unawaited write after the database was closed (a job still running at
              // shutdown): its outcome is lost, the job runs again once it expires, as after a crash.
              if (/Cannot use a pool after calling end on the pool/.test(String(error))) {
                options.logger.warn({ err: error }, 'job outcome not recorded: the database is closed');
                return { rows: [{ count: 0 }] }; // pg-boss reads the affected count
              }
              throw error;
            },
          ),
      },
      schema: this.#schema,
      supervise: options.maintenance ?? true,
      schedule: options.maintenance ?? true,
      // Cron jobs fire within 5 s of their minute (pg-boss's default check every 30 s lets a
      // once-a-minute job drift between the two halves of the minute).
      cronMonitorIntervalSeconds: 5,
      migrate: true,
    });
    this.#boss.on('error', (error) => this.#logger.error({ err: error }, 'job queue error'));
  }

  register<Payload>(definition: JobDefinition<Payload>, handler: JobHandler<Payload>): void {
    this.#registrations.set(definition.name, {
      definition: definition as JobDefinition<unknown>,
      handler: handler as JobHandler<unknown>,
    });
  }

  /** Installs pg-boss's schema, creates every registered queue and (re)writes the cron schedules. */
  start(): Promise<void> {
    this.#startPromise ??= (async () => {
      // Several processes starting together can deadlock in pg-boss's own setup (PostgreSQL 40P01):
      // each step is idempotent, so a deadlocked one is simply run again.
      await retry(() => this.#boss.start(), { when: isDeadlock });
      for (const { definition } of this.#registrations.values()) {
        await retry(
          () =>
            this.#boss.createQueue(definition.name, {
              name: definition.name,
              policy: definition.dedupe === 'queued' ? 'short' : 'standard',
              retryLimit: definition.retryLimit,
              retryDelay: definition.retryDelaySeconds,
              retryBackoff: definition.retryBackoff,
              expireInSeconds: definition.timeoutSeconds,
            }),
          { when: isDeadlock },
        );
        const { cron } = definition;
        if (cron)
          await retry(() => this.#boss.schedule(definition.name, cron, {}, { tz: 'UTC' }), {
            when: isDeadlock,
          });
      }
    })();
    return this.#startPromise;
  }

  async send<Payload>(
    definition: JobDefinition<Payload>,
    payload: Payload,
    options: SendOptions = {},
  ): Promise<string | null> {
    const data = definition.payload.parse(payload);
    await this.start();
    const id = await this.#boss.send(definition.name, data as object, {
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
      ...(options.startAfter ? { startAfter: options.startAfter } : {}),
      ...(options.priority !== undefined ? { priority: options.priority } : {}),
    });
    const isDue = !options.startAfterSeconds && !options.startAfter;
    if (!id && isDue && options.bringForward && options.singletonKey) {
      const { rows } = await this.#executeSql(
        `UPDATE ${this.#schema}.job SET start_after = now()
         WHERE name = $1 AND singleton_key = $2 AND state = 'created' AND start_after > now()
         RETURNING id`,
        [definition.name, options.singletonKey],
      );
      if (rows.length > 0) this.#wake(definition.name);
      return (rows[0]?.id as string | undefined) ?? null;
    }
    // A worker of this process may be idle until its next poll: wake one now (a due job only).
    if (id && isDue) this.#wake(definition.name);
    return id;
  }

  /**
   * True when a job of this kind with this singleton key was taken by a worker less than
   * `startedWithinSeconds` ago and has not finished: a `queued` dedupe only merges jobs not started
   * yet. A job a killed worker had taken stays "active" until it expires (hours): only a recent start
   * says it runs.
   */
  async isRunning<Payload>(
    definition: JobDefinition<Payload>,
    singletonKey: string,
    startedWithinSeconds: number,
  ): Promise<boolean> {
    await this.start();
    const { rows } = await this.#executeSql(
      `SELECT 1 FROM ${this.#schema}.job WHERE name = $1 AND singleton_key = $2 AND state = 'active'
          AND started_on > now() - make_interval(secs => $3) LIMIT 1`,
      [definition.name, singletonKey, startedWithinSeconds],
    );
    return rows.length > 0;
  }

  /** Starts handlers for every registered job (worker role). */
  async work(): Promise<void> {
    await this.start();
    if (this.#isWorking) return;
    this.#isWorking = true;
    for (const { definition, handler } of this.#registrations.values()) {
      const slots = definition.concurrency ?? 1;
      const pollingIntervalSeconds = definition.pollingIntervalSeconds ?? 2;
      const ids: string[] = [];
      this.#workerIds.set(definition.name, ids);
      for (let slot = 0; slot < slots; slot++) {
        let workerId = '';
        workerId = await this.#boss.work(
          definition.name,
          { batchSize: 1, pollingIntervalSeconds, includeMetadata: true },
          async ([job]) => {
            if (!job) return;
            const parsed = definition.payload.safeParse(job.data);
            if (!parsed.success) {
              // A payload that does not parse will never parse: the job fails at once, without its
              // retries (pg-boss's fail() would schedule them), and pg-boss's completion that follows
              // this return finds it no longer active.
              this.#logger.error(
                { job: definition.name, jobId: job.id, issues: parsed.error.issues },
                'bad job payload',
              );
              await this.#executeSql(
                `UPDATE ${this.#schema}.job SET state = 'failed', completed_on = now(), output = $3::jsonb
                 WHERE name = $1 AND id = $2 AND state = 'active'`,
                [
                  definition.name,
                  job.id,
                  JSON.stringify({ error: 'bad job payload', issues: parsed.error.issues }),
                ],
              );
              return;
            }
            try {
              await handler(parsed.data, { id: job.id, retryCount: job.retryCount });
            } finally {
              // pg-boss waits out the polling interval even after a job; a busy queue should not.
              this.#boss.notifyWorker(workerId);
            }
          },
        );
        ids.push(workerId);
      }
    }
  }

  #wake(name: string) {
    const ids = this.#workerIds.get(name);
    if (!ids?.length) return;
    const id = ids[Math.floor(Math.random() * ids.length)]!;
    this.#boss.notifyWorker(id);
  }

  /** Names of every registered job. */
  queueNames(): string[] {
    return [...this.#registrations.keys()];
  }

  /** Counts of jobs per state, for health pages and tests. */
  /** Jobs not yet active; with `includeActive`, the running ones too (a job not finished yet). */
  async getQueueSize(name: string, options: { includeActive?: boolean } = {}): Promise<number> {
    return this.#boss.getQueueSize(name, options.includeActive ? { before: 'completed' } : undefined);
  }

  /**
   * Jobs waiting in every registered queue, in one statement (pg-boss asks queue by queue; `/metrics`
   * wants them all at each scrape). Same count as `getQueueSize`: jobs not yet active.
   */
  async getQueueSizes(): Promise<Record<string, number>> {
    const names = this.queueNames();
    const { rows } = await this.#executeSql(
      `SELECT name, count(*)::int AS count FROM ${this.#schema}.job
       WHERE name = ANY($1::text[]) AND state < 'active' GROUP BY name`,
      [names],
    );
    const counts = Object.fromEntries(rows.map((row) => [String(row.name), Number(row.count)]));
    return Object.fromEntries(names.map((name) => [name, counts[name] ?? 0]));
  }

  get boss(): PgBoss {
    return this.#boss;
  }

  /** Stops fetching new jobs and waits (up to `timeoutSeconds`) for running ones to finish. */
  async stop(timeoutSeconds = 20): Promise<void> {
    if (!this.#startPromise) return;
    // A start that failed was already reported to whoever awaited it (start, send or work); stopping
    // still stops whatever part of pg-boss it had started.
    await this.#startPromise.catch((error: unknown) =>
      this.#logger.warn({ err: error }, 'job queue stopping after a failed start'),
    );
    await this.#boss.stop({ graceful: true, wait: true, timeout: timeoutSeconds * 1000, close: false });
    this.#startPromise = undefined;
    this.#isWorking = false;
  }
}

/** Runs `step` again while it fails in a way `when` says is passing, with a growing pause (at most 5 s). */
async function retry<T>(
  step: () => Promise<T>,
  options: { when: (error: unknown) => boolean; attempts?: number },
): Promise<T> {
  const attempts = options.attempts ?? 6;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!options.when(error) || attempt >= attempts) throw error;
      await sleep(backoffMs(attempt - 1, { firstMs: 400, maxMs: 5000 }));
    }
  }
}

const isDeadlock = (error: unknown) =>
  (error as { code?: string }).code === '40P01' || /deadlock detected/.test(String(error));

/** The connection to PostgreSQL went away (restart, failover, network): the statement may be repeated. */
function isConnectionLost(error: unknown): boolean {
  const code = String((error as { code?: unknown }).code ?? '');
  return (
    code.startsWith('08') || // connection exception
    ['57P01', '57P02', '57P03'].includes(code) || // shut down by an administrator, crash, starting up
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code) ||
    /Connection terminated|terminating connection/i.test(String(error))
  );
}
