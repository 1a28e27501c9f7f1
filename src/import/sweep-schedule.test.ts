import { afterEach, describe, expect, it } from 'vitest';
import { startZoomTestBed, type ZoomTestBed } from '../test-support/zoom.ts';
import { sweepConnectionJob } from './jobs.ts';

// Sweeps on time: each full sweep is queued to start SWEEP_INTERVAL_MINUTES after the previous one
// started, whatever the phase of the once-a-minute dispatcher, and never swallows a sweep asked for now.

let bed: ZoomTestBed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

type SweepJob = { key: string; data: Record<string, unknown>; startAfter: number; state: string };

async function sweepJobs(test: ZoomTestBed, states = ['created']): Promise<SweepJob[]> {
  const { rows } = await test.app.database.executeSql(
    `SELECT singleton_key, data, start_after, state FROM pgboss.job
      WHERE name = 'import.sweep-connection' AND state::text = ANY($1::text[]) ORDER BY created_on`,
    [states],
  );
  return rows.map((row) => ({
    key: String(row.singleton_key),
    data: row.data as Record<string, unknown>,
    startAfter: new Date(row.start_after as string).getTime(),
    state: String(row.state),
  }));
}

async function connectionIdOf(test: ZoomTestBed): Promise<string> {
  return String((await test.app.database.executeSql('SELECT id FROM zoom_connections', [])).rows[0]?.id);
}

async function setLastSweepStart(test: ZoomTestBed, connectionId: string, at: number) {
  await test.app.database.executeSql(
    `INSERT INTO import_sweeps (connection_id, last_started_at) VALUES ($1, $2)
     ON CONFLICT (connection_id) DO UPDATE SET last_started_at = excluded.last_started_at`,
    [connectionId, new Date(at).toISOString()],
  );
}

async function lastSweepStart(test: ZoomTestBed, connectionId: string): Promise<number | null> {
  const { rows } = await test.app.database.executeSql(
    'SELECT last_started_at FROM import_sweeps WHERE connection_id = $1',
    [connectionId],
  );
  const at = rows[0]?.last_started_at;
  return at ? new Date(at as string).getTime() : null;
}

describe('sweep schedule', () => {
  it('queues the next sweep at the last start plus the interval, apart from "Importer maintenant"', async () => {
    // No worker: queued sweeps stay in the queue, where their start times can be read.
    bed = await startZoomTestBed({ roles: ['web'], env: { SWEEP_INTERVAL_MINUTES: '1' } });
    const test = bed;
    await test.connect();
    const connectionId = await connectionIdOf(test);
    await expect.poll(async () => (await sweepJobs(test)).map((job) => job.data)).toEqual([{ connectionId }]);
    // As if the connect's sweep had just run, 23.456 s ago: it leaves the queue, its start is recorded.
    await test.app.database.executeSql(
      "DELETE FROM pgboss.job WHERE name = 'import.sweep-connection' AND state = 'created'",
      [],
    );
    const startedAt = Date.now() - 23_456;
    await setLastSweepStart(test, connectionId, startedAt);

    // Two dispatcher runs (the cron's, at whatever second of the minute): one sweep, due exactly then.
    await test.app.importer.dispatchSweeps();
    await test.app.importer.dispatchSweeps();
    expect(await sweepJobs(test)).toEqual([
      {
        key: `${connectionId}:scheduled`,
        data: { connectionId, after: startedAt },
        startAfter: startedAt + 60_000,
        state: 'created',
      },
    ]);

    // "Importer maintenant" and a reconnect's sweep start now: the scheduled one waiting does not swallow them.
    const asked = Date.now();
    expect((await test.admin.request('POST', '/api/integrations/zoom/imports/sweep')).statusCode).toBe(202);
    const jobs = await sweepJobs(test);
    expect(jobs.map((job) => [job.key, job.data])).toEqual([
      [`${connectionId}:scheduled`, { connectionId, after: startedAt }],
      [connectionId, { connectionId }],
    ]);
    expect(jobs[1]!.startAfter).toBeLessThanOrEqual(asked + 1000);
  });

  it('skips a scheduled sweep that another sweep overtook, and schedules the next from the newer start', async () => {
    bed = await startZoomTestBed({ env: { SWEEP_INTERVAL_MINUTES: '60' } });
    const test = bed;
    await test.connect();
    const connectionId = await connectionIdOf(test);
    // The connect's sweep has run: its start is the last one.
    await expect.poll(() => lastSweepStart(test, connectionId), { timeout: 30_000 }).not.toBeNull();
    await expect
      .poll(async () => (await sweepJobs(test, ['created', 'retry', 'active'])).length, { timeout: 30_000 })
      .toBe(0);
    const last = (await lastSweepStart(test, connectionId))!;

    // A sweep scheduled after an older start (a manual sweep ran before its time came): not due any more.
    const stale = await test.app.queue.send(sweepConnectionJob, { connectionId, after: last - 5000 });
    await expect
      .poll(async () =>
        (await sweepJobs(test, ['completed'])).filter((job) => job.data.after === last - 5000),
      )
      .toHaveLength(1);
    expect(stale).toBeTruthy();
    expect(await lastSweepStart(test, connectionId)).toBe(last);
    expect(await sweepJobs(test)).toEqual([
      {
        key: `${connectionId}:scheduled`,
        data: { connectionId, after: last },
        startAfter: last + 3_600_000,
        state: 'created',
      },
    ]);

    // The one scheduled after the last start runs (here at once, as when its time has come).
    await test.app.database.executeSql(
      "DELETE FROM pgboss.job WHERE name = 'import.sweep-connection' AND state = 'created'",
      [],
    );
    await test.app.queue.send(sweepConnectionJob, { connectionId, after: last });
    await expect.poll(() => lastSweepStart(test, connectionId), { timeout: 30_000 }).toBeGreaterThan(last);
  });
});
