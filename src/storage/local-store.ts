import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertSafeKey, type BlobStore, type StoredBlob } from './blob-store.ts';

/** The size of one file write: a download's 64 KB socket reads are copied into a batch this large. */
const writeBatchBytes = 256 * 2 ** 10;
/** Batch buffers kept for the next files: enough for every file of four imports at once. */
const keptBatchBuffers = 24;

/**
 * Writes a stream to a file in batches, hashing and counting what passes. Each chunk is copied into one
 * of two batch buffers (taken from `pool`, given back at the end) and released at once: the socket's
 * chunks die young, where holding them until their write ended kept them past two garbage collections
 * (promoted, then freed only by a full collection: the embedded import's peak). One buffer is written
 * while the other fills.
 */
class BatchedFileWriter extends Writable {
  size = 0;
  readonly #file: FileHandle;
  readonly #hash: Hash;
  readonly #pool: Buffer[];
  readonly #buffers: Buffer[] = [];
  #current = 0;
  #filled = 0;
  /** The write of the other buffer, if one runs (its failure is kept for whoever waits on it). */
  #writing: Promise<void> = Promise.resolve();

  constructor(file: FileHandle, hash: Hash, pool: Buffer[]) {
    super({ highWaterMark: writeBatchBytes });
    this.#file = file;
    this.#hash = hash;
    this.#pool = pool;
  }

  #buffer(index: number): Buffer {
    this.#buffers[index] ??= this.#pool.pop() ?? Buffer.allocUnsafeSlow(writeBatchBytes);
    return this.#buffers[index];
  }

  /** Starts writing the filled buffer once the other one is written, and switches to that one. */
  async #flush(): Promise<void> {
    const buffer = this.#buffer(this.#current);
    const length = this.#filled;
    await this.#writing;
    // Destroyed meanwhile: the buffers may already serve another file.
    if (this.destroyed) return;
    const writing = writeAll(this.#file, buffer, length);
    writing.catch(() => {});
    this.#writing = writing;
    this.#current = 1 - this.#current;
    this.#filled = 0;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#hash.update(chunk);
    this.size += chunk.length;
    let offset = 0;
    // Synchronous until a buffer is full: no promise per chunk.
    const copy = (): void => {
      while (offset < chunk.length) {
        if (this.destroyed) {
          callback();
          return;
        }
        const buffer = this.#buffer(this.#current);
        const copied = chunk.copy(buffer, this.#filled, offset);
        this.#filled += copied;
        offset += copied;
        if (this.#filled === buffer.length) {
          this.#flush().then(copy, callback);
          return;
        }
      }
      callback();
    };
    copy();
  }

  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      if (this.#filled > 0) await this.#flush();
      await this.#writing;
    })().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Whether the stream completed or failed, what it received is written (a failed download resumes
    // from the partial file's end), then the file is closed.
    this.#writing
      .catch(() => {})
      .then(() =>
        this.#filled > 0 ? writeAll(this.#file, this.#buffer(this.#current), this.#filled) : undefined,
      )
      .catch(() => {})
      .then(() => this.#file.close())
      .then(
        () => callback(error),
        (closeError: unknown) => callback(error ?? (closeError as Error)),
      )
      .finally(() => {
        for (const buffer of this.#buffers.splice(0))
          if (this.#pool.length < keptBatchBuffers) this.#pool.push(buffer);
      });
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
  /** Write batch buffers free for the next file (BatchedFileWriter). */
  readonly #batchBuffers: Buffer[] = [];
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
    const writer = new BatchedFileWriter(file, hash, this.#batchBuffers);
    try {
      // The writer closes the file, whether the pipeline completes or fails.
      await pipeline(body, writer);
    } finally {
      body.off('error', keepError);
      // A failed pipeline settles before the writer has written what it held and closed the file: a
      // retry appending to the partial file must not find a write still coming.
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
