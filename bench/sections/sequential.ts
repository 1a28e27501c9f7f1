import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { wantedFileTypes } from '../../src/import/index.ts';
import { type NetworkProfileInput, networkProfiles } from '../../src/zoom-emulator/index.ts';
import { importedSoFar, startBenchCallport, waitForImported } from '../callport-process.ts';
import type { Section } from '../run.ts';
import { runBaselineDownloader } from '../support.ts';

const dayMs = 86_400_000;

/**
 * Callport against what teams use instead: a sequential per-user downloader (list users, each user's
 * recordings a month window at a time, then file after file saved to disk; no hashing, no database),
 * on the same emulator backlog, in the same run: once over loopback, once with the emulator's
 * Zoom-like network profile (latency on every request, a per-stream bandwidth limit), where
 * downloading several files at once is what makes the difference.
 */
const run: Section = async ({ quick }) => {
  const concurrency = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 8);
  // Loopback: a backlog the size issue 22 compared the alternative on (100 meetings, about 1 GB: 9.5 +
  // 0.5 MiB of media each, and a transcript). With 24 meetings Callport's whole import took 1.2 s, of
  // which its first imports (listing, queueing, the first downloads) took half a second. Zoom-like:
  // fewer, smaller files, since the profile's per-stream bandwidth makes the sequential downloader take
  // minutes.
  const phases: Array<{ network: NetworkProfileInput & string; meetings: number; mp4: number; m4a: number }> =
    [
      { network: 'off', meetings: quick ? 12 : 100, mp4: 9.5 * 2 ** 20, m4a: 512 * 1024 },
      { network: 'zoom', meetings: quick ? 8 : 16, mp4: 1.5 * 2 ** 20, m4a: 256 * 1024 },
    ];
  const hosts = Array.from({ length: 4 }, (_, index) => ({
    email: `seller${index + 1}@bench.test`,
    name: `Seller ${index + 1}`,
  }));
  const bench = await startBenchCallport({ hosts, env: { WORKER_CONCURRENCY: String(concurrency) } });
  const saveDir = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-sequential-'));
  const rows: Array<Record<string, string | number>> = [];
  const summary: Record<string, string | number> = {};
  try {
    const { control } = bench.emulator;
    control.setWebhooks({ enabled: false });
    const token = bench.otherAppToken();
    let imported = 0;
    for (const [phase, spec] of phases.entries()) {
      control.setNetwork(spec.network);
      const uuids: string[] = [];
      for (let index = 0; index < spec.meetings; index++) {
        const meeting = control.simulateMeeting({
          hostEmail: hosts[index % hosts.length]!.email,
          topic: `Backlog ${phase + 1}.${index + 1}`,
          durationMinutes: 30,
          synthetic: true,
          fileSizes: { mp4: spec.mp4, m4a: spec.m4a },
          processingSeconds: 0,
          transcriptSeconds: 0,
        });
        uuids.push(meeting.uuid);
      }
      await control.advanceClock(5);
      let totalBytes = 0;
      let fileCount = 0;
      for (const uuid of uuids)
        for (const file of (await control.getRecording(uuid))!.files)
          if (wantedFileTypes.has(file.fileType)) {
            totalBytes += file.size;
            fileCount++;
          }
      const now = control.now().getTime();
      // The same span as Callport's first import here (BACKFILL_DAYS=2), the same file types.
      const { result: sequential, stderr } = await runBaselineDownloader<{
        bytes: number;
        files: number;
        requests: number;
        seconds: number;
        cpuSeconds: number;
      }>('sequential-download.ts', {
        apiUrl: bench.emulator.apiUrl,
        token,
        from: new Date(now - 2 * dayMs).toISOString().slice(0, 10),
        to: new Date(now + dayMs).toISOString().slice(0, 10),
        fileTypes: [...wantedFileTypes],
        saveTo: saveDir,
        meetings: uuids,
      });
      if (sequential.bytes !== totalBytes || sequential.files !== fileCount)
        throw new Error(
          `sequential downloader got ${sequential.files} files, ${sequential.bytes} of ${totalBytes} bytes\n${stderr}`,
        );
      await fs.rm(saveDir, { recursive: true, force: true });
      await fs.mkdir(saveDir);

      // Nothing of this backlog may be imported before the timed window (a sweep still running).
      const early = (await importedSoFar(bench)) - imported;
      if (early !== 0) throw new Error(`${early} meetings imported before "Importer maintenant"`);
      const cpuBefore = await bench.cpuSeconds();
      const swept = await bench.admin.request('POST', '/api/integrations/zoom/imports/sweep');
      if (swept.status !== 202) throw new Error(`sweep refused: ${swept.status} ${await swept.text()}`);
      const seconds = await waitForImported(bench, imported + spec.meetings, 30 * 60_000);
      imported += spec.meetings;
      const cpu = (await bench.cpuSeconds()) - cpuBefore;

      const mb = totalBytes / 2 ** 20;
      const label = spec.network === 'off' ? 'loopback' : `${spec.network} profile`;
      const speedup = round(sequential.seconds / seconds);
      const callportCpuMsPerMb = round((cpu * 1000) / mb);
      rows.push(
        {
          network: label,
          path: 'sequential downloader (per user, file after file, saved)',
          meetings: spec.meetings,
          files: fileCount,
          mb: round(mb),
          seconds: round(sequential.seconds),
          mbPerSecond: round(mb / sequential.seconds),
          cpuMsPerMb: round((sequential.cpuSeconds * 1000) / mb),
          requests: sequential.requests,
        },
        {
          network: label,
          path: `Callport import (sweep → jobs → download, sha256, store, call), WORKER_CONCURRENCY ${concurrency}`,
          meetings: spec.meetings,
          files: fileCount,
          mb: round(mb),
          seconds: round(seconds),
          mbPerSecond: round(mb / seconds),
          cpuMsPerMb: callportCpuMsPerMb,
          requests: 'n/a',
        },
      );
      summary[spec.network === 'off' ? 'loopbackSpeedup' : 'zoomProfileSpeedup'] = speedup;
      summary[spec.network === 'off' ? 'loopbackCallportCpuMsPerMb' : 'zoomProfileCallportCpuMsPerMb'] =
        callportCpuMsPerMb;
    }
    summary.targets = 'loopbackSpeedup ≥ 1, zoomProfileSpeedup ≥ 5';
    summary.callportPeakRssMb = (await bench.memory()).peakMb;
  } finally {
    bench.emulator.control.setNetwork('off');
    await bench.stop();
    await fs.rm(saveDir, { recursive: true, force: true });
  }
  return {
    title: `Callport vs a sequential per-user downloader, same backlog, same run, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}; loopback, then the emulator's zoom network profile (${JSON.stringify(networkProfiles.zoom)})`,
    rows,
    summary,
    notes: [
      'Speedup = sequential downloader seconds / Callport seconds on the same meetings (each phase a fresh backlog: a second set of meetings for the Zoom-like phase; the downloader lists the first set again there and leaves it, Callport finds it already imported).',
      'Sequential downloader: its own process; GET /users, then per user GET /users/{id}/recordings per month window (the span Callport backfills here, 2 days: one window), then each wanted file (MP4, M4A, TRANSCRIPT, CHAT, TIMELINE) downloaded and saved one at a time, as the common open-source downloaders do. No hashing, no database.',
      'Callport: `callport start` in its own process, timed from "Importer maintenant" to every meeting imported (listing, queueing, downloads hashed and stored, call and transcript in the database).',
      "Zoom profile: every REST answer waits apiLatencyMs, every download (the 302, then the file's first byte) downloadLatencyMs, and each file is served at downloadBytesPerSecond per stream: see docs/emulator.md#network-profile for the numbers and where they come from.",
    ],
  };
};

function round(value: number) {
  return Math.round(value * 100) / 100;
}

export default run;
