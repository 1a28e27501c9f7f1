import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertSafeKey, type BlobStore, type StoredBlob } from './blob-store.ts';

/**
 * Writes a stream to a file as it arrives, one write per chunk, hashing and counting what passes. A
 * download's chunks are the socket's reads (up to 64 KB): written at once, each is copied into the page
 * cache while still in the processor's cache, and it dies young. Copying them into larger write
 * batches first (256 KB, to make fewer writes) cost more than it saved: for 2,000 MB over loopback,
 * 4.2-4.9 ms of CPU per MB against 2.7-3.1 written chunk by chunk, most of it in the kernel's copies of
 * the larger, colder writes (docs/performance.md, 2026-12-04).
 */
class HashingFileWriter extends Writable {
  size = 0;
  readonly #file: FileHandle;
  readonly #hash: Hash;
  /** The write in progress, if any (one at a time: the file is a prefix of the stream at every moment). */
  #writing: Promise<void> = Promise.resolve();

  constructor(file: FileHandle, hash: Hash) {
    // About two socket reads wait while one is written before the download is paused.
    super({ highWaterMark: 128 * 2 ** 10 });
    this.#file = file;
    this.#hash = hash;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#hash.update(chunk);
    const writing = writeAll(this.#file, chunk, chunk.length).then(() => {
      this.size += chunk.length;
    });
    this.#writing = writing.catch(() => {});
    writing.then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Whether the stream completed or failed, the write under way ends before the file is closed: what
    // it holds is a prefix of the file, which a failed download resumes from.
    this.#writing
      .then(() => this.#file.close())
      .then(
        () => callback(error),
        (closeError: unknown) => callback(error ?? (closeError as Error)),
      );
  }
}

async function writeAll(file: FileHandle, buffer: Buffer, length: number): Promise<void> {
  for (let written = 0; written < length; ) {
    written += (await file.write(buffer, written, length - written)).bytesWritten;
  }
}

/**
 * Blobs as files under a folder. An upload goes to `<key>.part` and is renamed into place when complete
 * (atomic on one filesystem), so a crash never leaves a truncated file under the real key, and the
 * `.part` file is where a resumed download continues.
 */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local';
  /**
   * Folders this store made lately (or is making): a recording's files, stored at once, share one,
   * made once instead of once per file.
   */
  readonly #madeFolders = new Map<string, Promise<void>>();
  constructor(readonly root: string) {}

  #makeFolder(folder: string): Promise<void> {
    let made = this.#madeFolders.get(folder);
    if (!made) {
      if (this.#madeFolders.size >= 256) this.#madeFolders.clear();
      made = fs.mkdir(folder, { recursive: true }).then(() => {});
      // A failure is not kept: the next file tries again.
      made.catch(() => this.#madeFolders.delete(folder));
      this.#madeFolders.set(folder, made);
    }
    return made;
  }

  /** Opens `part`; a folder removed since this store made it (its recording erased by another process) is made again. */
  async #openPart(part: string, flags: 'a' | 'w'): Promise<FileHandle> {
    try {
      return await fs.open(part, flags);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.#madeFolders.delete(path.dirname(part));
      await this.#makeFolder(path.dirname(part));
      return fs.open(part, flags);
    }
  }

  #path(key: string): string {
    assertSafeKey(key);
    return path.join(this.root, key);
  }

  async put(key: string, body: Readable, options: { append?: boolean } = {}): Promise<StoredBlob> {
    const target = this.#path(key);
    const part = `${target}.part`;
    await this.#makeFolder(path.dirname(target));
    const hash = createHash('sha256');
    let size = 0;
    // The body may fail (connection reset) while the partial file is re-read below: keep that error
    // for the pipeline, which sees the destroyed stream and rejects, instead of an unhandled 'error'.
    const keepError = () => {};
    body.on('error', keepError);
    let file: FileHandle;
    try {
      file = await this.#openPart(part, options.append ? 'a' : 'w');
    } catch (error) {
      body.destroy();
      body.off('error', keepError);
      throw error;
    }
    if (options.append) {
      // The hash must cover the bytes already received: read them back once (streamed).
      for await (const chunk of createReadStream(part).on('error', () => {})) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
    }
    const writer = new HashingFileWriter(file, hash);
    try {
      // The writer closes the file, whether the pipeline completes or fails.
      await pipeline(body, writer);
    } finally {
      body.off('error', keepError);
      // A failed pipeline settles before the writer's write under way has ended and the file is closed:
      // a retry appending to the partial file must not find a write still coming.
      if (!writer.closed) await new Promise((resolve) => writer.once('close', resolve));
    }
    await fs.rename(part, target);
    return { size: size + writer.size, sha256: hash.digest('hex') };
  }

  async partialSize(key: string): Promise<number> {
    return (await fs.stat(`${this.#path(key)}.part`).catch(() => undefined))?.size ?? 0;
  }

  async get(key: string, range?: { start: number; end?: number }): Promise<Readable> {
    const file = this.#path(key);
    await fs.access(file);
    return createReadStream(
      file,
      range ? { start: range.start, ...(range.end === undefined ? {} : { end: range.end }) } : {},
    );
  }

  async stat(key: string) {
    const stats = await fs.stat(this.#path(key)).catch(() => undefined);
    return stats ? { size: stats.size } : undefined;
  }

  async delete(key: string): Promise<void> {
    const file = this.#path(key);
    await fs.rm(file, { force: true });
    await fs.rm(`${file}.part`, { force: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertSafeKey(prefix);
    const removed = path.join(this.root, prefix);
    for (const folder of this.#madeFolders.keys())
      if (folder === removed || folder.startsWith(`${removed}${path.sep}`)) this.#madeFolders.delete(folder);
    // An import still writing into the folder (its recording was just erased) can add a file between
    // the listing and the rmdir (ENOTEMPTY): Node's own retries take the newcomer too.
    await fs.rm(path.join(this.root, prefix), {
      recursive: true,
      force: true,
      maxRetries: 5,
      retryDelay: 50,
    });
  }
}
