import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { wantedFileTypes } from '../../src/import/index.ts';
import type { RecordingInfo } from '../../src/zoom-emulator/index.ts';
import { importedSoFar, startBenchCallport, waitForImported } from '../callport-process.ts';
import type { Section } from '../run.ts';
import { localPostgresCpuSeconds, runBaselineDownloader } from '../support.ts';

/**
 * Issue 8 section 1: a backlog in the emulator, imported by the real product (`callport start` in its
 * own process: sweep → one import job per meeting → download, sha256, store, call and transcript in
 * the database), against a plain parallel downloader (its own process too) fetching the same files
 * with the same concurrency: the machine's limit.
 */
const run: Section = async ({ quick }) => {
  const meetings = Number(process.env.BENCH_MEETINGS ?? (quick ? 24 : 200));
  const mp4Bytes = Number(process.env.BENCH_MP4_BYTES ?? 4.5 * 2 ** 20);
  const concurrency = 4;
  const hosts = Array.from({ length: 4 }, (_, index) => ({
    email: `seller${index + 1}@bench.test`,
    name: `Seller ${index + 1}`,
  }));
  const bench = await startBenchCallport({ hosts, env: { WORKER_CONCURRENCY: String(concurrency) } });
  try {
    const { control } = bench.emulator;
    control.setWebhooks({ enabled: false });
    const uuids: string[] = [];
    for (let index = 0; index < meetings; index++) {
      const meeting = control.simulateMeeting({
        hostEmail: hosts[index % hosts.length]!.email,
        topic: `Backlog ${index + 1}`,
        durationMinutes: 30,
        synthetic: true,
        fileSizes: { mp4: mp4Bytes, m4a: 512 * 1024 },
        processingSeconds: 0,
        transcriptSeconds: 0,
      });
      uuids.push(meeting.uuid);
    }
    await control.advanceClock(5);
    const files: RecordingInfo['files'] = [];
    for (const uuid of uuids) {
      const recording = (await control.getRecording(uuid))!;
      files.push(...recording.files.filter((file) => wantedFileTypes.has(file.fileType)));
    }
    const totalBytes = files.reduce((sum, file) => sum + file.size, 0);

    const token = bench.otherAppToken();
    // Two baselines: the network alone (bytes drained), and a plain downloader saving each file to
    // the same disk as Callport's store, as `curl -O` would (no hashing, no database).
    const plainRun = async (saveTo: string | undefined) => {
      const { result, stderr } = await runBaselineDownloader<{
        bytes: number;
        seconds: number;
        cpuSeconds: number;
      }>('plain-download.ts', { urls: files.map((file) => file.downloadUrl), token, concurrency, saveTo });
      if (result.bytes !== totalBytes)
        throw new Error(`plain downloader got ${result.bytes} of ${totalBytes} bytes\n${stderr}`);
      return result;
    };
    const drained = await plainRun(undefined);
    const saveDir = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-plain-'));
    const saved = await plainRun(saveDir).finally(() => fs.rm(saveDir, { recursive: true, force: true }));

    // Nothing may be imported before the timed window (a sweep started earlier would find the backlog).
    const early = await importedSoFar(bench);
    if (early > 0) throw new Error(`${early} recordings were imported before "Importer maintenant"`);
    const cpuBefore = await bench.cpuSeconds();
    const postgresCpuBefore = await localPostgresCpuSeconds();
    const windowStart = process.hrtime.bigint();
    const swept = await bench.admin.request('POST', '/api/integrations/zoom/imports/sweep');
    if (swept.status !== 202) throw new Error(`sweep refused: ${swept.status} ${await swept.text()}`);
    const seconds = await waitForImported(bench, meetings, 30 * 60_000);
    const cpu = (await bench.cpuSeconds()) - cpuBefore;
    const postgresCpuAfter = await localPostgresCpuSeconds();
    const postgresCpu =
      postgresCpuBefore !== undefined && postgresCpuAfter !== undefined
        ? postgresCpuAfter - postgresCpuBefore
        : undefined;
    // The timed window on the monotonic clock in µs, the clock of V8's CPU profile timestamps: a
    // profile of the Callport process (BENCH_PROFILE_DIR) can be cut to the import.
    if (process.env.BENCH_PROFILE_DIR)
      console.error(
        `import window (monotonic µs): ${windowStart / 1000n} ${process.hrtime.bigint() / 1000n}`,
      );
    const memory = await bench.memory();
    // What the import jobs did (Prometheus counters): any run beyond one import per meeting is extra work.
    const metrics = await (await fetch(`${bench.url}/metrics`)).text();
    const outcomes = [...metrics.matchAll(/^callport_imports_total\{outcome="(\w+)"\} (\d+)/gm)]
      .map(([, outcome, count]) => `${outcome} ${count}`)
      .join(', ');

    const mbps = (bytes: number, time: number) => Math.round((bytes / 2 ** 20 / time) * 10) / 10;
    const msPerMb = (cpuSeconds: number) => round((cpuSeconds * 1000) / (totalBytes / 2 ** 20));
    const drainedMbps = mbps(totalBytes, drained.seconds);
    const savedMbps = mbps(totalBytes, saved.seconds);
    const callportMbps = mbps(totalBytes, seconds);
    const ratio = (value: number, limit: number) => Math.round((value / limit) * 100) / 100;
    return {
      title: `${meetings} meetings, ${files.length} files, ${Math.round(totalBytes / 2 ** 20)} MB; concurrency ${concurrency} (WORKER_CONCURRENCY); ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`,
      rows: [
        {
          path: 'plain parallel downloader, bytes drained (network limit)',
          seconds: round(drained.seconds),
          mbPerSecond: drainedMbps,
        },
        {
          path: 'plain parallel downloader saving each file (machine limit)',
          seconds: round(saved.seconds),
          mbPerSecond: savedMbps,
        },
        {
          path: 'Callport import (sweep → jobs → download, sha256, store, call)',
          seconds: round(seconds),
          mbPerSecond: callportMbps,
        },
      ],
      summary: {
        throughputRatio: ratio(callportMbps, savedMbps),
        ratioToNetworkLimit: ratio(callportMbps, drainedMbps),
        networkMbPerSecond: drainedMbps,
        plainMbPerSecond: savedMbps,
        callportMbPerSecond: callportMbps,
        callportCpuSeconds: round(cpu),
        callportCpuMsPerMb: msPerMb(cpu),
        // The database's share on PostgreSQL (its own processes; PGlite runs inside Callport's).
        ...(postgresCpu === undefined
          ? {}
          : {
              postgresCpuMsPerMb: msPerMb(postgresCpu),
              callportAndPostgresCpuMsPerMb: msPerMb(cpu + postgresCpu),
            }),
        // The same measure for the plain downloader saving the files, in the same run: CPU time per
        // unit of work grows with the machine's load (shared cores), for any program.
        plainCpuMsPerMb: msPerMb(saved.cpuSeconds),
        callportPeakRssMb: memory.peakMb,
        importJobOutcomes: outcomes,
      },
      notes: [
        'throughputRatio compares Callport with the downloader saving files (the machine limit); ratioToNetworkLimit with bytes only drained.',
        'All run in their own process against the same in-process emulator over loopback; the emulator generates the synthetic bytes in the benchmark process for both.',
        'The Callport time starts when "Importer maintenant" is pressed and ends at the last "recording imported" line of Callport\'s log (read in the bench process, so waiting costs Callport nothing; then checked against /metrics and the Imports tab): discovery, queueing, database writes and transcripts included. CPU ms per MB: Callport\'s process over that window, the plain downloader\'s over its own run; on a PostgreSQL of this machine, postgresCpuMsPerMb is every PostgreSQL process over the same window (run nothing else beside the bench).',
      ],
    };
  } finally {
    await bench.stop();
  }
};

function round(value: number) {
  return Math.round(value * 100) / 100;
}

export default run;
