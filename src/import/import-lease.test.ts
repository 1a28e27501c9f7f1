import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConnection } from '../connections/index.ts';
import type { LocalBlobStore } from '../storage/index.ts';
import { startZoomTestBed, type ZoomTestBed } from '../test-support/zoom.ts';
import { discoverRecording } from './discover-recording.ts';
import { type ImportDeps, importRecording } from './import-recording.ts';

// A worker that stalls past its lease (a long GC pause, a frozen VM, the database out of reach) finds
// another job importing the recording: it must stop, and write nothing more over that job's work.

const emma = { email: 'emma.dubois@acme.example', firstName: 'Emma', lastName: 'Dubois' };
let bed: ZoomTestBed;
let deps: ImportDeps;

beforeAll(async () => {
  // No worker: the only import runs are the ones these tests start.
  bed = await startZoomTestBed({ scenario: 'empty', zoomUsers: [emma], roles: ['web'] });
  await bed.followGuide([{ email: emma.email, name: 'Emma Dubois' }]);
  bed.recordEverythingToCloud();
  const { importer } = bed.app;
  deps = {
    db: importer.deps.db,
    box: importer.deps.box,
    store: importer.deps.store,
    access: importer.deps.connections.access,
    logger: importer.deps.logger,
  };
}, 120_000);
afterAll(() => bed?.stop());

async function theConnection() {
  const { rows } = await bed.app.database.executeSql('SELECT id FROM zoom_connections');
  return (await findConnection(deps.db, String(rows[0]?.id)))!;
}

/** What Zoom lists of the meeting now (`GET /meetings/{uuid}/recordings`). */
async function zoomListing(meetingUuid: string) {
  return deps.access.clientFor(await theConnection()).getMeetingRecordings(meetingUuid);
}

/** A meeting recorded and discovered (as a sweep or a webhook would), not imported. */
async function discoveredRecording(
  topic: string,
  mp4Bytes?: number,
  more: { transcriptSeconds?: number } = {},
): Promise<string> {
  const meeting = await bed.recordMeeting({
    hostEmail: emma.email,
    topic,
    ...(mp4Bytes ? { fileSizes: { mp4: mp4Bytes } } : {}),
    ...more,
  });
  const listed = await zoomListing(meeting.uuid);
  return (await discoverRecording(deps, await theConnection(), listed, { via: 'manual' })).recordingId;
}

async function stateOf(recordingId: string) {
  const sql = bed.app.database.executeSql;
  const [recording] = (
    await sql('SELECT status, claimed_by_job FROM recordings WHERE id = $1', [recordingId])
  ).rows;
  const calls = (await sql('SELECT id FROM calls WHERE recording_id = $1', [recordingId])).rows;
  const files = (
    await sql('SELECT storage_key FROM recording_files WHERE recording_id = $1 AND storage_key IS NOT NULL', [
      recordingId,
    ])
  ).rows;
  return {
    status: recording?.status,
    holder: recording?.claimed_by_job,
    calls: calls.length,
    files: files.length,
  };
}

/** The complete files in the recording's folder of the local store (partial `.part` files left out). */
async function blobsOf(recordingId: string): Promise<string[]> {
  const { rows } = await bed.app.database.executeSql('SELECT organization_id FROM recordings WHERE id = $1', [
    recordingId,
  ]);
  const folder = path.join(
    (deps.store as LocalBlobStore).root,
    String(rows[0]?.organization_id),
    recordingId,
  );
  const names = await fs.readdir(folder).catch(() => [] as string[]);
  return names.filter((name) => !name.endsWith('.part'));
}

/** Another job takes the recording over, as after this one's lease ran out. */
async function takeOver(recordingId: string) {
  await bed.app.database.executeSql(
    `UPDATE recordings SET claimed_by_job = 'other-job', claimed_until = now() + interval '10 minutes'
      WHERE id = $1 AND claimed_by_job = 'stalled-job'`,
    [recordingId],
  );
}

describe('a lost import lease', () => {
  it('stops the downloads at the next renewal, and records nothing', async () => {
    // A long video: still downloading when the other job takes over.
    const recordingId = await discoveredRecording('Lease lost while downloading', 512 * 2 ** 20);
    // A 1.5 s lease is renewed every half second: the first renewal after the takeover finds it lost.
    const run = importRecording(deps, recordingId, 'stalled-job', { leaseSeconds: 1.5 });
    await expect.poll(async () => (await stateOf(recordingId)).status, { timeout: 10_000 }).toBe('importing');
    await takeOver(recordingId);
    expect(await run).toEqual({ outcome: 'busy' });
    // The video never completed, and nothing was written over the other job's claim.
    expect((await blobsOf(recordingId)).filter((name) => name.endsWith('.mp4'))).toEqual([]);
    expect(await stateOf(recordingId)).toEqual({
      status: 'importing',
      holder: 'other-job',
      calls: 0,
      files: 0,
    });
  }, 60_000);

  it('writes neither the call nor its files when the lease is lost after the downloads', async () => {
    const recordingId = await discoveredRecording('Lease lost after downloading');
    // The meeting summary, read after the downloads, takes long: the other job takes over meanwhile.
    bed.emulator.control.setFaults({
      slowResponses: [{ endpoint: 'GET /v2/meetings/:meetingId/meeting_summary', delayMs: 4_000 }],
    });
    const { rows } = await bed.app.database.executeSql(
      'SELECT count(*)::int AS n FROM recording_files WHERE recording_id = $1',
      [recordingId],
    );
    // A long lease: no renewal comes before the run's last statement, which checks the lease itself.
    const run = importRecording(deps, recordingId, 'stalled-job', { leaseSeconds: 600 });
    // Every file is in the store: the run is reading the summary.
    await expect
      .poll(async () => (await blobsOf(recordingId)).length, { timeout: 20_000, interval: 20 })
      .toBe(rows[0]?.n);
    await takeOver(recordingId);
    expect(await run).toEqual({ outcome: 'busy' });
    expect(await stateOf(recordingId)).toEqual({
      status: 'importing',
      holder: 'other-job',
      calls: 0,
      files: 0,
    });
    bed.emulator.control.setFaults({ slowResponses: [] });
  }, 60_000);
});

describe('a recording listed again while its import runs', () => {
  /** The import jobs queued for the recording (no worker runs here: a queued job stays queued). */
  async function importJobsOf(recordingId: string): Promise<number> {
    const { rows } = await bed.app.database.executeSql(
      `SELECT count(*)::int AS jobs FROM pgboss.job
        WHERE name = 'import.import-recording' AND data->>'recordingId' = $1`,
      [recordingId],
    );
    return Number(rows[0]?.jobs);
  }
  async function sweepLists(recordingId: string) {
    const { rows } = await bed.app.database.executeSql('SELECT meeting_uuid FROM recordings WHERE id = $1', [
      recordingId,
    ]);
    const listed = await zoomListing(String(rows[0]?.meeting_uuid));
    await bed.app.importer.discover(await theConnection(), listed, 'sweep');
  }
  async function importRuns(recordingId: string, lease: string) {
    await bed.app.database.executeSql(
      `UPDATE recordings SET status = 'importing', claimed_by_job = 'running-job',
              claimed_until = now() + $2::interval WHERE id = $1`,
      [recordingId, lease],
    );
  }

  it('queues no second job when Zoom lists nothing that run has not seen', async () => {
    const recordingId = await discoveredRecording('Listed twice while importing');
    await importRuns(recordingId, '10 minutes');
    // Another sweep (or the next 28-day window) lists it again, files unchanged.
    await sweepLists(recordingId);
    expect(await importJobsOf(recordingId)).toBe(0);
  }, 60_000);

  it('queues a job for a file Zoom lists after that run read the files', async () => {
    // The transcript is ready a minute after the video: the run started without it.
    const recordingId = await discoveredRecording('Transcript ready while importing', undefined, {
      transcriptSeconds: 60,
    });
    await importRuns(recordingId, '10 minutes');
    await sweepLists(recordingId);
    expect(await importJobsOf(recordingId)).toBe(0);
    await bed.emulator.control.advanceClock(120);
    await sweepLists(recordingId);
    expect(await importJobsOf(recordingId)).toBe(1);
  }, 60_000);

  it('queues no second job while its job has started and not taken the lease yet', async () => {
    const recordingId = await discoveredRecording('Listed again as its job starts');
    await bed.app.importer.enqueueImport(recordingId, null);
    // A worker has taken the job (as pg-boss marks it) and not yet claimed the recording.
    await bed.app.database.executeSql(
      `UPDATE pgboss.job SET state = 'active', started_on = now()
        WHERE name = 'import.import-recording' AND data->>'recordingId' = $1`,
      [recordingId],
    );
    await sweepLists(recordingId);
    expect(await importJobsOf(recordingId)).toBe(1);
  }, 60_000);

  it('queues a job when the job a worker took long ago never claimed it (that worker was killed)', async () => {
    const recordingId = await discoveredRecording('Listed after its job died unstarted');
    await bed.app.importer.enqueueImport(recordingId, null);
    // pg-boss keeps a killed worker's job "active" until it expires, hours later.
    await bed.app.database.executeSql(
      `UPDATE pgboss.job SET state = 'active', started_on = now() - interval '10 minutes'
        WHERE name = 'import.import-recording' AND data->>'recordingId' = $1`,
      [recordingId],
    );
    await sweepLists(recordingId);
    expect(await importJobsOf(recordingId)).toBe(2);
  }, 60_000);

  it('queues a job when the lease has run out (its worker died)', async () => {
    const recordingId = await discoveredRecording('Listed after its worker died');
    await importRuns(recordingId, '-1 second');
    await sweepLists(recordingId);
    expect(await importJobsOf(recordingId)).toBe(1);
  }, 60_000);
});

describe('a recording skipped while its host was not linked', () => {
  it('gets one import job once its host is linked, however often the link is checked again', async () => {
    const recordingId = await discoveredRecording('Skipped until the host is linked');
    const { executeSql } = bed.app.database;
    // What a sweep's import run decided before Emma was linked (she is now).
    await executeSql(
      "UPDATE recordings SET status = 'skipped', status_reason = 'host_not_linked' WHERE id = $1",
      [recordingId],
    );
    const connectionId = (await theConnection()).id;
    expect(await bed.app.importer.importNowLinkedHosts(connectionId)).toBe(1);
    // A worker takes the job; before it claims the recording, a sweep ends and checks the links again.
    await executeSql(
      `UPDATE pgboss.job SET state = 'active', started_on = now()
        WHERE name = 'import.import-recording' AND data->>'recordingId' = $1`,
      [recordingId],
    );
    expect(await bed.app.importer.importNowLinkedHosts(connectionId)).toBe(0);
    const { rows: jobs } = await executeSql(
      `SELECT state FROM pgboss.job WHERE name = 'import.import-recording' AND data->>'recordingId' = $1`,
      [recordingId],
    );
    expect(jobs).toEqual([{ state: 'active' }]);
    const { rows } = await executeSql('SELECT status, status_reason FROM recordings WHERE id = $1', [
      recordingId,
    ]);
    expect(rows).toEqual([{ status: 'discovered', status_reason: 'host_now_importable' }]);
  }, 60_000);
});
