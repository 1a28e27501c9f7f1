import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3 } from '../test-support/s3.ts';
import type { BlobStore } from './blob-store.ts';
import { openBlobStore } from './index.ts';
import { LocalBlobStore } from './local-store.ts';
import { S3BlobStore } from './s3-store.ts';

let s3: Awaited<ReturnType<typeof startS3>>;
let folder: string;

beforeAll(async () => {
  s3 = await startS3();
  folder = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-blobs-'));
});
afterAll(async () => {
  await s3?.stop();
  await fs.rm(folder, { recursive: true, force: true });
});

const stores: Array<[string, () => BlobStore]> = [
  ['local folder', () => new LocalBlobStore(folder)],
  ['S3 (s3rver)', () => new S3BlobStore({ bucket: s3.bucket, prefix: 'tenant', client: s3.client })],
];

describe.each(stores)('%s', (_name, makeStore) => {
  it('streams a blob in, hashing it, and reads ranges back', async () => {
    const store = makeStore();
    const bytes = randomBytes(10 * 1024 * 1024 + 17);
    const stored = await store.put('org/rec/video.mp4', Readable.from(chunks(bytes, 64 * 1024)), {
      contentType: 'video/mp4',
    });
    expect(stored).toEqual({ size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    expect(await store.stat('org/rec/video.mp4')).toEqual({ size: bytes.length });
    const range = Buffer.concat(
      await (await store.get('org/rec/video.mp4', { start: 100, end: 199 })).toArray(),
    );
    expect(range).toEqual(bytes.subarray(100, 200));
    expect(await store.stat('org/rec/missing.mp4')).toBeUndefined();
  });

  it('deletes one blob or a whole prefix', async () => {
    const store = makeStore();
    await store.put('org2/a/1.txt', Readable.from(['one']));
    await store.put('org2/a/2.txt', Readable.from(['two']));
    await store.put('org2/b/3.txt', Readable.from(['three']));
    expect(await text(await store.get('org2/b/3.txt'))).toBe('three');
    await store.delete('org2/b/3.txt');
    expect(await store.stat('org2/b/3.txt')).toBeUndefined();
    await store.deletePrefix('org2/a');
    expect(await store.stat('org2/a/1.txt')).toBeUndefined();
    expect(await store.stat('org2/a/2.txt')).toBeUndefined();
  });

  it('refuses keys that escape their folder', async () => {
    const store = makeStore();
    await expect(store.put('../etc/passwd', Readable.from(['x']))).rejects.toThrow(/unsafe/);
    await expect(store.get('/abs/path')).rejects.toThrow(/unsafe/);
  });
});

describe('local folder resume', () => {
  it('keeps an interrupted upload as .part and continues it with append, hashing the whole file', async () => {
    const store = new LocalBlobStore(folder);
    const bytes = randomBytes(300_000);
    const failing = Readable.from(
      (async function* () {
        yield bytes.subarray(0, 100_000);
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error('connection reset');
      })(),
    );
    await expect(store.put('resume/file.bin', failing)).rejects.toThrow(/reset/);
    expect(await store.stat('resume/file.bin')).toBeUndefined();
    const done = await store.partialSize('resume/file.bin');
    expect(done).toBe(100_000);
    const stored = await store.put('resume/file.bin', Readable.from([bytes.subarray(done)]), {
      append: true,
    });
    expect(stored).toEqual({ size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    expect(await store.partialSize('resume/file.bin')).toBe(0);
  });
});

describe('local folder', () => {
  it('stores files written at once byte for byte, whatever their chunks', async () => {
    const store = new LocalBlobStore(folder);
    // Chunk sizes from 1,000 bytes to 70,001, files from a few bytes to 2.5 MB.
    const files = [7, 300_001, 1_048_577, 2_500_000, 64 * 1024].map((size, index) => ({
      key: `shared/rec/${index}.bin`,
      bytes: randomBytes(size),
      chunk: [1000, 65_535, 70_001, 4096, 65_536][index]!,
    }));
    const stored = await Promise.all(
      files.map((file) => store.put(file.key, Readable.from(chunks(file.bytes, file.chunk)))),
    );
    expect(stored).toEqual(
      files.map((file) => ({
        size: file.bytes.length,
        sha256: createHash('sha256').update(file.bytes).digest('hex'),
      })),
    );
    for (const file of files)
      expect((await fs.readFile(path.join(folder, file.key))).equals(file.bytes)).toBe(true);
  });

  it('leaves a prefix of the file after a download failed a megabyte in, and resumes from it', async () => {
    const store = new LocalBlobStore(folder);
    // Twenty times: a write still coming after the failure was reported landed in about one run in seven.
    for (let run = 0; run < 20; run++) {
      const key = `resume/long-${run}.bin`;
      const bytes = randomBytes(1_000_003);
      const failing = Readable.from(
        (async function* () {
          yield* chunks(bytes, 60_000);
          throw new Error('connection reset');
        })(),
      );
      await expect(store.put(key, failing)).rejects.toThrow(/reset/);
      // What was still on its way to the disk is fetched again: the partial file only has to be a prefix.
      const part = await fs.readFile(path.join(folder, `${key}.part`));
      expect(part.length).toBeGreaterThan(0);
      // Buffer.equals: vitest's deep equality compares a megabyte byte by byte, for seconds.
      expect(part.equals(bytes.subarray(0, part.length))).toBe(true);
      const rest = Readable.from(chunks(bytes.subarray(part.length), 65_536));
      expect(await store.put(key, rest, { append: true })).toEqual({
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
      expect((await fs.readFile(path.join(folder, key))).equals(bytes)).toBe(true);
    }
  });

  it('stores into a folder another process removed after this store made it', async () => {
    const store = new LocalBlobStore(folder);
    const other = new LocalBlobStore(folder);
    await store.put('gone/rec/a.txt', Readable.from(['one']));
    await other.deletePrefix('gone');
    await store.put('gone/rec/b.txt', Readable.from(['two']));
    expect(await text(await store.get('gone/rec/b.txt'))).toBe('two');
  });
});

describe('openBlobStore', () => {
  it('opens the local folder by default and S3-compatible storage for s3://', async () => {
    expect((await openBlobStore({ storageUrl: undefined, dataDir: folder })).kind).toBe('local');
    const s3Store = await openBlobStore({
      storageUrl: 's3://bucket/prefix',
      dataDir: folder,
      region: 'us-east-1',
    });
    expect(s3Store.kind).toBe('s3');
  });
});

function* chunks(buffer: Buffer, size: number) {
  for (let offset = 0; offset < buffer.length; offset += size) yield buffer.subarray(offset, offset + size);
}
