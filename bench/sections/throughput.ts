import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LocalBlobStore } from '../../src/storage/index.ts';
import { openRecordingDownload } from '../../src/zoom/index.ts';
import type { Section } from '../run.ts';
import { startBenchZoom, trackPeakRss } from '../support.ts';

/**
 * Issue 8 sections 1 and 2, on the import's byte path: every file is fetched with the import's own
 * download code (Bearer, 302 to the signed URL without the header, content-type check) and streamed
 * into the blob store (sha256 while streaming, .part then rename). The machine's limit is the same
 * downloads drained to nowhere, with the same concurrency, in the same run.
 */
const run: Section = async ({ quick }) => {
  const meetings = quick ? 20 : 200;
  const mp4Bytes = 5 * 1024 * 1024;
  const bigBytes = quick ? 512 * 1024 * 1024 : 2 * 1024 * 1024 * 1024;
  const concurrency = 4;
  const bench = await startBenchZoom();
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-bench-'));
  try {
    const { control } = bench.emulator;
    control.setRateLimits({ enabled: false });
    control.updateAccountSettings({ recording: { cloud_recording: true, auto_recording: 'cloud' } });
    const host = control.createUser({ email: 'seller@bench.test', firstName: 'Seller', lastName: 'One' });
    const urls: Array<{ url: string; size: number }> = [];
    for (let i = 0; i < meetings; i++) {
      const meeting = control.simulateMeeting({
        hostId: String(host.id),
        topic: `Backlog ${i}`,
        durationMinutes: 30,
        synthetic: true,
        fileSizes: { mp4: mp4Bytes, m4a: 512 * 1024 },
        processingSeconds: 0,
        transcriptSeconds: 0,
      });
      urls.push(...(await fileUrls(bench, meeting.uuid)));
    }
    const big = control.simulateMeeting({
      hostId: String(host.id),
      topic: 'Two hours',
      durationMinutes: 120,
      synthetic: true,
      fileSizes: { mp4: bigBytes },
      processingSeconds: 0,
      transcriptSeconds: 0,
    });
    await control.advanceClock(5);
    const totalBytes = urls.reduce((sum, file) => sum + file.size, 0);

    const plain = await timed(() =>
      parallel(urls, concurrency, async (file) => {
        const download = await openRecordingDownload(file.url, { token: bench.accessToken });
        await pipeline(download.body, new Writable({ write: (_chunk, _encoding, done) => done() }));
      }),
    );
    const store = new LocalBlobStore(folder);
    let index = 0;
    const callport = await timed(() =>
      parallel(urls, concurrency, async (file) => {
        const download = await openRecordingDownload(file.url, { token: bench.accessToken });
        await store.put(`bench/${index++}.bin`, download.body);
      }),
    );

    const [bigFile] = (await fileUrls(bench, big.uuid)).filter((file) => file.size === bigBytes);
    const baseline = Math.round(process.memoryUsage().rss / 2 ** 20);
    const memory = trackPeakRss();
    const bigDownload = await openRecordingDownload(bigFile!.url, {
      token: bench.accessToken,
      timeoutMs: 600_000,
    });
    const bigStored = await timed(() => store.put('bench/big.mp4', bigDownload.body));
    const peak = memory.stop();

    const mbps = (bytes: number, seconds: number) => Math.round((bytes / 2 ** 20 / seconds) * 10) / 10;
    const plainMbps = mbps(totalBytes, plain.seconds);
    const callportMbps = mbps(totalBytes, callport.seconds);
    return {
      title: `${urls.length} files of ${meetings} meetings (${Math.round(totalBytes / 2 ** 20)} MB), concurrency ${concurrency}; one ${Math.round(bigBytes / 2 ** 20)} MB file`,
      rows: [
        {
          path: 'plain parallel downloader (machine limit)',
          seconds: round(plain.seconds),
          mbPerSecond: plainMbps,
        },
        {
          path: 'Callport byte path (download + sha256 + store)',
          seconds: round(callport.seconds),
          mbPerSecond: callportMbps,
        },
        {
          path: `one ${Math.round(bigBytes / 2 ** 20)} MB file into the store`,
          seconds: round(bigStored.seconds),
          mbPerSecond: mbps(bigBytes, bigStored.seconds),
        },
      ],
      summary: {
        throughputRatio: Math.round((callportMbps / plainMbps) * 100) / 100,
        plainMbPerSecond: plainMbps,
        callportMbPerSecond: callportMbps,
        bigFileMb: Math.round(bigBytes / 2 ** 20),
        rssBeforeBigFileMb: baseline,
        peakRssDuringBigFileMb: peak,
        peakGrowthMb: Math.round(peak - baseline),
      },
      notes: [
        'Bytes come from the in-process emulator over loopback: both paths share the same source and CPU.',
        'The whole process (PGlite, emulator) is in the RSS figure; the growth during the big file is what streaming costs.',
      ],
    };
  } finally {
    await bench.stop();
    await fs.rm(folder, { recursive: true, force: true });
  }
};

async function fileUrls(bench: Awaited<ReturnType<typeof startBenchZoom>>, uuid: string) {
  const recording = (await bench.emulator.control.getRecording(uuid))!;
  return recording.files
    .filter((file) => file.fileType === 'MP4' || file.fileType === 'M4A')
    .map((file) => ({ url: file.downloadUrl, size: file.size }));
}

async function timed<T>(work: () => Promise<T>) {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

async function parallel<T>(items: T[], concurrency: number, worker: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await worker(items[next++]!);
    }),
  );
}

function round(value: number) {
  return Math.round(value * 100) / 100;
}

export default run;
