import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertSafeKey, type BlobStore, type StoredBlob } from './blob-store.ts';

/**
 * Blobs as files under a folder. An upload goes to `<key>.part` and is renamed into place when complete
 * (atomic on one filesystem), so a crash never leaves a truncated file under the real key, and the
 * `.part` file is where a resumed download continues.
 */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local';
  constructor(readonly root: string) {}

  #path(key: string): string {
    assertSafeKey(key);
    return path.join(this.root, key);
  }

  async put(key: string, body: Readable, options: { append?: boolean } = {}): Promise<StoredBlob> {
    const target = this.#path(key);
    const part = `${target}.part`;
    await fs.mkdir(path.dirname(target), { recursive: true });
    const hash = createHash('sha256');
    let size = 0;
    // The body may fail (connection reset) while the partial file is re-read below: keep that error
    // for the pipeline, which sees the destroyed stream and rejects, instead of an unhandled 'error'.
    const keepError = () => {};
    body.on('error', keepError);
    if (options.append) {
      // The hash must cover the bytes already received: read them back once (streamed).
      for await (const chunk of createReadStream(part).on('error', () => {})) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
    }
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      await pipeline(body, counter, createWriteStream(part, { flags: options.append ? 'a' : 'w' }));
    } finally {
      body.off('error', keepError);
    }
    await fs.rename(part, target);
    return { size, sha256: hash.digest('hex') };
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
