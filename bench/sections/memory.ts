import { startBenchCallport, waitForImported } from '../callport-process.ts';
import type { Section } from '../run.ts';

/**
 * Issue 8 section 2: one long recording (2 GB; 512 MB in quick mode) imported by `callport start` in
 * its own process. Its resident memory is sampled from /proc every 50 ms during the import: streaming
 * means the peak stays near the idle process, whatever the file size.
 */
const run: Section = async ({ quick }) => {
  const bigBytes = Number(process.env.BENCH_BIG_BYTES ?? (quick ? 512 : 2048) * 2 ** 20);
  const host = { email: 'seller@bench.test', name: 'Seller One' };
  const bench = await startBenchCallport({ hosts: [host] });
  try {
    const { control } = bench.emulator;
    await new Promise((resolve) => setTimeout(resolve, 2000));
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
      title: `One ${Math.round(bigBytes / 2 ** 20)} MB recording imported by callport start (web + worker, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite embedded'})`,
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
      },
      notes: [
        'The whole Callport process: web server, job queue, importer and, without DATABASE_URL, the embedded PGlite database.',
      ],
    };
  } finally {
    await bench.stop();
  }
};

export default run;
