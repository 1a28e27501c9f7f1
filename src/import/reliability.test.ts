import { and, gt, inArray, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../db/index.ts';
import { type CallportProcess, spawnCallport } from '../test-support/processes.ts';
import { startZoomTestBed, type ZoomTestBed } from '../test-support/zoom.ts';

type StoredFile = {
  recordingId: string;
  fileType: string;
  storedSize: number | null;
  sha256: string | null;
  fileKey: string;
};

async function linkTeam(bed: ZoomTestBed, emails: string[]) {
  await bed.followGuide(emails.map((email) => ({ email, name: email.split('@')[0]! })));
  bed.recordEverythingToCloud();
}

type SimulateMeetingOptions = Parameters<ZoomTestBed['emulator']['control']['simulateMeeting']>[0];

/**
 * Zoom holds `count` meetings with synthetic media, `meetingOf(i)` the i-th, each processed a second
 * after it ends and its transcript a second later; the clock moves 5 s and the webhooks are delivered.
 * Returns their UUIDs.
 */
async function holdSyntheticMeetings(
  bed: ZoomTestBed,
  count: number,
  meetingOf: (
    i: number,
  ) => Omit<SimulateMeetingOptions, 'synthetic' | 'processingSeconds' | 'transcriptSeconds'>,
): Promise<string[]> {
  const { control } = bed.emulator;
  const uuids = Array.from(
    { length: count },
    (_, i) =>
      control.simulateMeeting({
        synthetic: true,
        processingSeconds: 1,
        transcriptSeconds: 1,
        ...meetingOf(i),
      }).uuid,
  );
  await control.advanceClock(5);
  await control.flushWebhooks();
  return uuids;
}

/** How many of these recordings are imported. */
async function importedCount(bed: ZoomTestBed, uuids: string[]): Promise<number> {
  const rows = await bed.app.database.db.select().from(schema.recordings);
  return rows.filter((row) => uuids.includes(row.meetingUuid) && row.status === 'imported').length;
}

/** Recordings claimed by an import job whose claim still stands, and by which job. */
async function liveClaims(bed: ZoomTestBed, uuids: string[]) {
  return bed.app.database.db
    .select({ job: schema.recordings.claimedByJob, status: schema.recordings.status })
    .from(schema.recordings)
    .where(
      and(
        inArray(schema.recordings.meetingUuid, uuids),
        isNotNull(schema.recordings.claimedByJob),
        gt(schema.recordings.claimedUntil, new Date()),
      ),
    );
}

/** Every recording imported once, one call each, and every stored file identical to Zoom's. */
async function expectExactlyOnce(bed: ZoomTestBed, uuids: string[]) {
  const { db } = bed.app.database;
  const recordings = (await db.select().from(schema.recordings)).filter((r) => uuids.includes(r.meetingUuid));
  const ids = new Set(recordings.map((r) => r.id));
  const calls = (await db.select().from(schema.calls)).filter((call) => ids.has(call.recordingId));
  expect(recordings.map((r) => r.status)).toEqual(uuids.map(() => 'imported'));
  expect(calls.length).toBe(new Set(calls.map((call) => call.recordingId)).size);
  expect(calls.length).toBe(uuids.length);
  const files = (await db.select().from(schema.recordingFiles)) as StoredFile[];
  for (const recording of recordings) {
    const zoom = (await bed.emulator.control.getRecording(recording.meetingUuid))!;
    for (const zoomFile of zoom.files.filter((f) =>
      ['MP4', 'M4A', 'TRANSCRIPT', 'CHAT', 'TIMELINE'].includes(f.fileType),
    )) {
      const stored = files.find(
        (f) =>
          f.recordingId === recording.id &&
          (f.fileKey === zoomFile.id || f.fileKey.startsWith(`${zoomFile.fileType}:`)),
      );
      expect({
        file: `${recording.topic} ${zoomFile.fileType}`,
        size: stored?.storedSize,
        sha256: stored?.sha256,
      }).toEqual({
        file: `${recording.topic} ${zoomFile.fileType}`,
        size: zoomFile.size,
        sha256: zoomFile.sha256,
      });
    }
  }
}

describe('import under faults', () => {
  let bed: ZoomTestBed;
  beforeAll(async () => {
    bed = await startZoomTestBed({
      env: { SWEEP_INTERVAL_MINUTES: '60', IMPORT_RETRY_DELAY_SECONDS: '1' },
    });
    await linkTeam(bed, ['emma.dubois@acme.example', 'hugo.thomas@acme.example']);
  });
  afterAll(() => bed?.stop());

  it('imports 100 % exactly once through 5xx, 429 bursts, resets mid-file and duplicated or dropped webhooks', async () => {
    const { control } = bed.emulator;
    control.setWebhooks({ duplicate: true, dropRate: 0.4 });
    control.setFaults({
      errorRates: [
        { endpoint: 'GET /v2/meetings/:meetingId/recordings', rate: 0.3 },
        { endpoint: 'GET /v2/users/:userId/recordings', rate: 0.3 },
      ],
      rateLimitBurst: { count: 4, type: 'QPS' },
      resetDownloadsAfterBytes: 150_000,
    });
    const uuids = await holdSyntheticMeetings(bed, 6, (i) => ({
      hostEmail: i % 2 ? 'hugo.thomas@acme.example' : 'emma.dubois@acme.example',
      topic: `Faulty ${i}`,
      durationMinutes: 2,
      fileSizes: { mp4: 400_000, m4a: 120_000 },
      ...(i === 4
        ? {
            segments: [
              { startMinute: 0, endMinute: 1 },
              { startMinute: 1.2, endMinute: 2 },
            ],
          }
        : {}),
    }));
    // Resets go on until a download that resumed (206, from the bytes a cut attempt had stored) is cut
    // in its turn: each attempt resumes where the last one stopped.
    await expect
      .poll(
        () =>
          control
            .requestLog()
            .some((entry) => entry.status === 206 && entry.fault?.startsWith('reset') === true),
        { timeout: 90_000, interval: 500 },
      )
      .toBe(true);
    control.setFaults({ resetDownloadsAfterBytes: null });
    // Dropped webhooks are found by the sweep; sweeping again must not duplicate anything.
    await bed.admin.request('POST', '/api/integrations/zoom/imports/sweep');
    await expect.poll(() => importedCount(bed, uuids), { timeout: 90_000, interval: 1000 }).toBe(6);
    await bed.sweepNow();
    control.resetFaults();
    await expectExactlyOnce(bed, uuids);
  }, 150_000);
});

describe.skipIf(!process.env.DATABASE_URL)('import across worker crashes (PostgreSQL)', () => {
  let bed: ZoomTestBed;
  let worker: CallportProcess | undefined;
  beforeAll(async () => {
    bed = await startZoomTestBed({
      roles: ['web'],
      env: { SWEEP_INTERVAL_MINUTES: '60' },
    });
    await linkTeam(bed, ['emma.dubois@acme.example']);
  });
  afterAll(async () => {
    await worker?.kill('SIGKILL');
    await bed?.stop();
  });

  it('loses and duplicates nothing when the worker is killed with SIGKILL again and again', async () => {
    const { control } = bed.emulator;
    const uuids = await holdSyntheticMeetings(bed, 5, (i) => ({
      hostEmail: 'emma.dubois@acme.example',
      topic: `Backlog ${i}`,
      durationMinutes: 5,
      fileSizes: { mp4: 30_000_000, m4a: 3_000_000 },
    }));
    // Slow downloads so that kills land mid-file.
    control.setFaults({ slowResponses: [{ endpoint: 'GET /rec/signed/:fileKey/:fileName', delayMs: 300 }] });
    const env = {
      DATABASE_URL: (bed.app.database as { url?: string }).url!,
      CALLPORT_ENCRYPTION_KEY: bed.app.config.CALLPORT_ENCRYPTION_KEY!,
      CALLPORT_DATA_DIR: bed.app.config.dataDir,
      ...bed.zoomAppEnv,
      SWEEP_INTERVAL_MINUTES: '60',
      IMPORT_RETRY_DELAY_SECONDS: '1',
      WORKER_CONCURRENCY: '2',
    };
    // Each worker is killed while it holds an import: once a job no earlier worker ran has claimed a
    // recording (a claimed recording is free again a lease after its worker dies, 60 s).
    const killedJobs = new Set<string>();
    for (let round = 0; round < 4; round++) {
      worker = await spawnCallport('worker', env);
      const isThisWorkers = (claim: { job: string | null }) => !killedJobs.has(claim.job!);
      await expect
        .poll(async () => (await liveClaims(bed, uuids)).some(isThisWorkers), {
          timeout: 150_000,
          interval: 200,
        })
        .toBe(true);
      await worker.kill('SIGKILL');
      // Killed mid-import: the claim it held is still there, the recording not imported (a finished
      // import gives its claim back in the statement that marks it imported).
      const held = (await liveClaims(bed, uuids)).filter(isThisWorkers);
      expect(held.length, `round ${round}`).toBeGreaterThan(0);
      expect(held.map((claim) => claim.status).filter((status) => status === 'imported')).toEqual([]);
      for (const claim of held) killedJobs.add(claim.job!);
    }
    control.setFaults({ slowResponses: [] });
    worker = await spawnCallport('worker', env);
    // The last killed worker's recordings stay claimed for a lease (60 s) and their jobs "active" in
    // the queue: the minute's dispatcher queues them again once their claim has lapsed and they have not
    // changed for 90 s, so up to 90 + 60 s after the kill, then the import. 180 s left too little for a
    // loaded machine (4 of 5 in CI, the fifth re-queued about 120 s after the kill in a quiet run).
    await expect
      .poll(() => importedCount(bed, uuids), {
        timeout: 300_000,
        interval: 1000,
        message: 'every recording imported after the last kill',
      })
      .toBe(5);
    await expectExactlyOnce(bed, uuids);
  }, 900_000);
});
