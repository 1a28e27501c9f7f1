import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ExecuteSql } from '../db/index.ts';
import { createLogger } from '../lib/logger.ts';
import { createTestDatabase } from '../test-support/database.ts';
import { defineJob, type JobDefinition, JobQueue } from './queue.ts';

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;

const lostConnection = () =>
  Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });

/** A test job: no retries, polled every 0.5 s, with what the test changes. */
const testJob = <Payload>(name: string, changes: Partial<JobDefinition<Payload>> = {}) =>
  defineJob<Payload>({
    name,
    payload: z.object({}).passthrough() as unknown as z.ZodType<Payload>,
    retryLimit: 0,
    retryDelaySeconds: 1,
    retryBackoff: false,
    timeoutSeconds: 60,
    pollingIntervalSeconds: 0.5,
    ...changes,
  });

/**
 * A queue on a fresh test database, given to `use`, then stopped and the database closed; its statements
 * go through `executeSqlOf` when a test puts something between the queue and the database.
 */
async function withQueue(
  use: (queue: JobQueue, database: TestDatabase) => Promise<void>,
  executeSqlOf: (database: TestDatabase) => ExecuteSql = (database) => database.executeSql,
): Promise<void> {
  const database = await createTestDatabase();
  const queue = new JobQueue({
    executeSql: executeSqlOf(database),
    logger: createLogger({ level: 'silent' }),
  });
  try {
    await use(queue, database);
  } finally {
    await queue.stop();
    await database.close();
  }
}

describe('job queue', () => {
  it('records a finished job although PostgreSQL drops the connection at that moment', async () => {
    // The next `failNext` statements fail as they would while PostgreSQL restarts.
    let failNext = 0;
    const failingWhenAsked =
      (database: TestDatabase): ExecuteSql =>
      async (text, values) => {
        if (failNext > 0) {
          failNext--;
          throw lostConnection();
        }
        return database.executeSql(text, values);
      };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await withQueue(async (queue, database) => {
        const job = testJob('test.connection-lost');
        let runs = 0;
        queue.register(job, async () => {
          runs++;
          // pg-boss's next statement is the one recording that this job completed.
          failNext = 2;
        });
        await queue.work();
        const id = await queue.send(job, {});
        await expect
          .poll(
            async () =>
              (await database.executeSql('SELECT state FROM pgboss.job WHERE id = $1', [id])).rows[0]?.state,
            { timeout: 20_000 },
          )
          .toBe('completed');
        expect(runs).toBe(1);
        expect(unhandled).toEqual([]);
      }, failingWhenAsked);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('fails a job whose payload does not parse, at once and without running it', async () => {
    await withQueue(async (queue, database) => {
      const job = testJob('test.bad-payload', {
        payload: z.object({ recordingId: z.uuid() }),
        retryLimit: 3,
      });
      let runs = 0;
      queue.register(job, async () => {
        runs++;
      });
      await queue.work();
      // An older version's payload, or a hand-made job: send() validates, so go around it.
      const id = await queue.boss.send(job.name, { recordingId: 'not-a-uuid' });
      const stateOf = async () =>
        (await database.executeSql('SELECT state, retry_count FROM pgboss.job WHERE id = $1', [id])).rows[0];
      await expect.poll(async () => (await stateOf())?.state, { timeout: 20_000 }).toBe('failed');
      expect((await stateOf())?.retry_count).toBe(0);
      expect(runs).toBe(0);
    });
  });

  it('brings a job queued for later forward when the same job is asked for now, without a second one', async () => {
    await withQueue(async (queue, database) => {
      const job = testJob('test.deduped', { dedupe: 'queued' });
      const ran: string[] = [];
      queue.register(job, async (payload) => {
        ran.push(String((payload as { run?: string }).run));
      });
      await queue.work();
      const later = await queue.send(
        job,
        { run: 'retry' },
        { singletonKey: 'rec-1', startAfterSeconds: 600 },
      );
      expect(later).not.toBeNull();
      // Without bringForward a due duplicate is dropped, and the queued one still waits ten minutes.
      expect(await queue.send(job, { run: 'dropped' }, { singletonKey: 'rec-1' })).toBeNull();
      expect(await queue.send(job, { run: 'now' }, { singletonKey: 'rec-1', bringForward: true })).toBe(
        later,
      );
      await expect.poll(() => ran, { timeout: 20_000 }).toEqual(['retry']);
      const { rows } = await database.executeSql(
        "SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND singleton_key = 'rec-1'",
        [job.name],
      );
      expect(rows[0]?.n).toBe(1);
    });
  });

  it('counts the jobs waiting in every queue in one statement, as pg-boss counts one queue', async () => {
    await withQueue(async (queue) => {
      const [busy, idle] = [testJob('test.busy'), testJob('test.idle')];
      queue.register(busy, async () => {});
      queue.register(idle, async () => {});
      await queue.send(busy, {});
      await queue.send(busy, {});
      await queue.send(busy, {}, { startAfterSeconds: 3600 });
      expect(await queue.getQueueSizes()).toEqual({
        'test.busy': await queue.getQueueSize('test.busy'),
        'test.idle': 0,
      });
      expect(await queue.getQueueSize('test.busy')).toBe(3);
    });
  });
});
