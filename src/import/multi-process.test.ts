import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/index.ts';
import { createTestDatabase } from '../test-support/database.ts';
import { type LoadBalancer, startLoadBalancer } from '../test-support/load-balancer.ts';
import { type CallportProcess, spawnCallport } from '../test-support/processes.ts';
import { startS3 } from '../test-support/s3.ts';
import { freePort, startZoomTestBed, type ZoomTestBed } from '../test-support/zoom.ts';

// The scale-out deployment for real: two `callport web` and two `callport worker` processes sharing
// PostgreSQL and S3-compatible storage (s3rver: it checks no signatures), behind a round-robin load
// balancer that receives Zoom's webhooks. The setup (organisation, OAuth connection, user links) runs
// through an in-process web server on the same database, which then hands its port to the balancer.
const isPostgres = Boolean(process.env.DATABASE_URL);
const emma = 'emma.dubois@acme.example';

describe.skipIf(!isPostgres)('import with two web and two worker processes on PostgreSQL and S3', () => {
  let database: Database & { url?: string };
  let s3: Awaited<ReturnType<typeof startS3>>;
  let bed: ZoomTestBed;
  let balancer: LoadBalancer | undefined;
  let dataDir: string;
  const processes: CallportProcess[] = [];
  const webPorts: number[] = [];
  const workerPorts: number[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    s3 = await startS3();
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-multi-'));
    const encryptionKey = randomBytes(32).toString('base64');
    bed = await startZoomTestBed({
      roles: ['web'],
      // The in-process server must not close the shared database when it stops.
      database: { ...database, close: async () => {} },
      env: { CALLPORT_ENCRYPTION_KEY: encryptionKey },
    });
    await bed.followGuide([{ email: emma, name: 'Emma Dubois' }]);
    bed.recordEverythingToCloud();
    await bed.app.stop();

    const env = {
      DATABASE_URL: database.url!,
      CALLPORT_ENCRYPTION_KEY: encryptionKey,
      CALLPORT_DATA_DIR: dataDir,
      ...bed.zoomAppEnv,
      SWEEP_INTERVAL_MINUTES: '600',
      IMPORT_RETRY_DELAY_SECONDS: '1',
      WORKER_CONCURRENCY: '2',
      ...s3.env,
    };
    // One after the other: four cold starts at once on a 2-core machine can take minutes.
    for (const role of ['web', 'web', 'worker', 'worker'] as const) {
      const port = await freePort();
      (role === 'web' ? webPorts : workerPorts).push(port);
      const portVariable = role === 'web' ? 'PORT' : 'METRICS_PORT';
      processes.push(
        await spawnCallport(role, { ...env, [portVariable]: String(port) }, { readyTimeoutMs: 120_000 }),
      );
    }
    balancer = await startLoadBalancer(Number(new URL(bed.callportUrl).port), webPorts);
  }, 600_000);

  afterAll(async () => {
    await Promise.all(processes.map((child) => child.kill('SIGKILL')));
    await balancer?.close();
    await bed?.emulator.close();
    await s3?.stop();
    await database?.close();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  const metricsOf = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const sample = (metrics: string, pattern: RegExp) =>
    [...metrics.matchAll(pattern)].reduce((sum, match) => sum + Number(match[1]), 0);
  const importedCount = async (topicPrefix: string) =>
    Number(
      (
        await database.executeSql(
          `SELECT count(*)::int AS n FROM recordings WHERE status = 'imported' AND topic LIKE $1`,
          [`${topicPrefix}%`],
        )
      ).rows[0]!.n,
    );
  const meet = (topic: string) =>
    bed.emulator.control.simulateMeeting({
      hostEmail: emma,
      topic,
      durationMinutes: 2,
      processingSeconds: 1,
      transcriptSeconds: 1,
      fileSizes: { mp4: 6 * 1024 * 1024, m4a: 512 * 1024 },
    });

  it('imports every recording exactly once, with webhooks answered by either web process', async () => {
    // Emma's backfill (BACKFILL_DAYS at its default) brings her two completed sandbox recordings first.
    await expect.poll(() => importedCount(''), { timeout: 120_000, interval: 500 }).toBe(2);
    // Zoom sends duplicate deliveries; the balancer spreads each pair over both web processes.
    bed.emulator.control.setWebhooks({ duplicate: true });
    const meetings = Array.from({ length: 8 }, (_, index) => meet(`Multi ${index + 1}`));
    expect(meetings.every((meeting) => meeting.recorded)).toBe(true);
    await bed.emulator.control.advanceClock(5);
    await bed.emulator.control.flushWebhooks();

    await expect.poll(() => importedCount('Multi'), { timeout: 180_000, interval: 500 }).toBe(8);

    const perMeeting = await database.executeSql(
      `SELECT r.meeting_uuid, count(c.id)::int AS calls FROM recordings r LEFT JOIN calls c ON c.recording_id = r.id
       WHERE r.topic LIKE 'Multi%' GROUP BY r.meeting_uuid`,
    );
    expect(perMeeting.rows.map((row) => row.calls)).toEqual(Array(8).fill(1));
    expect(balancer!.forwarded.every((count) => count > 0)).toBe(true);
    for (const port of webPorts) {
      expect(sample(await metricsOf(port), /^callport_webhook_accepted_total (\d+)/gm)).toBeGreaterThan(0);
    }

    // The stored files are Zoom's bytes, once each, in the bucket.
    const files = await database.executeSql(
      `SELECT f.storage_key, f.sha256, f.file_type, r.meeting_uuid FROM recording_files f
       JOIN recordings r ON r.id = f.recording_id WHERE f.storage_key IS NOT NULL`,
    );
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, MaxKeys: 1000 }));
    expect(listed.KeyCount).toBe(files.rows.length);
    const video = files.rows.find((row) => row.file_type === 'MP4')!;
    const zoomFile = (await bed.emulator.control.getRecording(String(video.meeting_uuid)))!.files.find(
      (file) => file.fileType === 'MP4',
    )!;
    const object = await s3.client.send(
      new GetObjectCommand({ Bucket: s3.bucket, Key: `recordings/${String(video.storage_key)}` }),
    );
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(zoomFile.sha256);
    expect(video.sha256).toBe(zoomFile.sha256);

    // Import counters move in the workers' /metrics (METRICS_PORT).
    let imported = 0;
    for (const port of workerPorts) {
      imported += sample(await metricsOf(port), /^callport_imports_total\{outcome="imported"\} (\d+)/gm);
    }
    expect(imported).toBe(2 + 8);
  }, 300_000);

  it('loses no job when a worker is stopped in the middle of imports', async () => {
    bed.emulator.control.setWebhooks({ duplicate: false });
    for (let index = 0; index < 6; index++) meet(`Handover ${index + 1}`);
    await bed.emulator.control.advanceClock(5);
    await bed.emulator.control.flushWebhooks();
    await expect
      .poll(
        async () =>
          Number(
            (
              await database.executeSql(
                `SELECT count(*)::int AS n FROM recordings WHERE topic LIKE 'Handover%' AND status = 'importing'`,
              )
            ).rows[0]!.n,
          ),
        { timeout: 60_000, interval: 100 },
      )
      .toBeGreaterThan(0);
    const stopped = processes.find((child) => child.role === 'worker')!;
    expect(await stopped.kill('SIGTERM')).toBe(0);
    expect(stopped.output()).toContain('shutting down');

    await expect.poll(() => importedCount('Handover'), { timeout: 240_000, interval: 500 }).toBe(6);
    const duplicates = await database.executeSql(
      `SELECT recording_id FROM calls GROUP BY recording_id HAVING count(*) > 1`,
    );
    expect(duplicates.rows).toEqual([]);
    const survivor = workerPorts[1]!;
    expect(
      sample(await metricsOf(survivor), /^callport_imports_total\{outcome="imported"\} (\d+)/gm),
    ).toBeGreaterThan(0);
  }, 300_000);
});
