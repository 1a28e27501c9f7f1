import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { spawnCallport } from '../../src/test-support/processes.ts';
import { freePort } from '../../src/test-support/zoom.ts';
import { startBenchCallport, waitForImported } from '../callport-process.ts';
import type { Section } from '../run.ts';
import { rssMbOf } from '../support.ts';

/**
 * Issue 8 section 2: one long recording (2 GB; 512 MB in quick mode) imported by `callport start` in
 * its own process. Its resident memory is sampled from /proc every 50 ms during the import: streaming
 * means the peak stays near the idle process, whatever the file size.
 */
const run: Section = async ({ quick }) => {
  // With DATABASE_URL, both databases in the same run: PostgreSQL, then the embedded PGlite.
  const results = [];
  if (process.env.DATABASE_URL) results.push(await measure(quick, 'PostgreSQL'));
  results.push(await measure(quick, 'PGlite'));
  const fresh = await freshStart();
  results.push(fresh);
  return {
    title: `One ${results[0]!.fileMb} MB recording imported by callport start (web + worker), ${results.map((result) => result.database).join(' and ')}`,
    rows: results.flatMap((result) => result.rows.map((row) => ({ database: result.database, ...row }))),
    summary: Object.fromEntries(
      results.flatMap((result) =>
        Object.entries(result.summary).map(([key, value]) => [`${result.database}.${key}`, value]),
      ),
    ),
    notes: [
      'The whole Callport process: web server, job queue, importer and, with PGlite, the embedded database. The import runs on a data folder that exists already (`callport users create-admin` created it, as at any start after the first); "PGlite, fresh data folder" is `callport start` on an empty folder, with nothing imported: its idle memory and its peak since it started (creating the folder included).',
    ],
  };
};

async function measure(quick: boolean, database: 'PostgreSQL' | 'PGlite') {
  const bigBytes = Number(process.env.BENCH_BIG_BYTES ?? (quick ? 512 : 2048) * 2 ** 20);
  const host = { email: 'seller@bench.test', name: 'Seller One' };
  const bench = await startBenchCallport({
    hosts: [host],
    ...(database === 'PGlite' ? { database: 'embedded' as const } : {}),
  });
  try {
    const { control } = bench.emulator;
    await setTimeout(2000);
    const idle = await bench.memory();
    let peakDuringImport = idle.rssMb;
    const sampler = setInterval(() => {
      bench
        .memory()
        .then(({ rssMb }) => {
          peakDuringImport = Math.max(peakDuringImport, rssMb);
        })
        .catch(() => {});
    }, 50);
    control.simulateMeeting({
      hostEmail: host.email,
      topic: 'Two hours',
      durationMinutes: 120,
      synthetic: true,
      fileSizes: { mp4: bigBytes },
      processingSeconds: 0,
      transcriptSeconds: 0,
    });
    await control.advanceClock(5);
    await control.flushWebhooks();
    const seconds = await waitForImported(bench, 1, 30 * 60_000);
    clearInterval(sampler);
    const after = await bench.memory();
    return {
      database,
      fileMb: Math.round(bigBytes / 2 ** 20),
      rows: [
        { moment: 'idle, before the import', rssMb: idle.rssMb },
        { moment: 'peak during the import (sampled every 50 ms)', rssMb: peakDuringImport },
        { moment: 'after the import', rssMb: after.rssMb },
        { moment: 'peak since the process started (VmHWM)', rssMb: after.peakMb },
      ],
      summary: {
        fileMb: Math.round(bigBytes / 2 ** 20),
        importSeconds: Math.round(seconds * 10) / 10,
        idleRssMb: idle.rssMb,
        peakRssDuringImportMb: peakDuringImport,
        growthDuringImportMb: peakDuringImport - idle.rssMb,
        processPeakRssMb: after.peakMb,
        // The Node and V8 flags the process ran with (bin/callport.js logs them at start).
        nodeFlags: bench.nodeFlags.join(' '),
        v8Flags: bench.v8Flags.join(' '),
      },
    };
  } finally {
    await bench.stop();
  }
}

export default run;

/** `callport start` (embedded) on an empty data folder: what the first start of a new install costs. */
async function freshStart() {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-bench-fresh-'));
  const port = await freePort();
  const child = await spawnCallport(
    'start',
    {
      CALLPORT_DATA_DIR: dataDir,
      CALLPORT_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
      // Credentials of a Zoom app no one connects: not sandbox mode (no emulator in the process).
      ZOOM_CLIENT_ID: 'bench-fresh',
      ZOOM_CLIENT_SECRET: randomBytes(16).toString('hex'),
      ZOOM_WEBHOOK_SECRET_TOKEN: randomBytes(16).toString('hex'),
    },
    { readyTimeoutMs: 180_000 },
  );
  try {
    await setTimeout(2000);
    const memory = await rssMbOf(child.child.pid!);
    return {
      database: 'PGlite, fresh data folder',
      fileMb: 0,
      rows: [
        { moment: 'idle after the first start (nothing imported)', rssMb: memory.rssMb },
        { moment: 'peak since the process started (VmHWM)', rssMb: memory.peakMb },
      ],
      summary: { idleRssMb: memory.rssMb, processPeakRssMb: memory.peakMb },
    };
  } finally {
    await child.kill('SIGTERM');
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
