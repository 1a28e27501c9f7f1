import type { Readable } from 'node:stream';

export type StoredBlob = { size: number; sha256: string };

/**
 * Where recordings live: a local folder by default, S3-compatible storage with STORAGE_URL. Writes are
 * streamed (never whole in memory), hashed while streaming, and only visible once complete.
 */
export interface BlobStore {
  readonly kind: 'local' | 's3';
  /**
   * Streams `body` to `key`. With `append`, the bytes continue a partial upload left by an interrupted
   * attempt (see `partialSize`), and size and hash cover the whole object.
   */
  put(key: string, body: Readable, options?: { append?: boolean; contentType?: string }): Promise<StoredBlob>;
  /** Bytes already received for an unfinished upload of `key` (0 when none): where to resume from. */
  partialSize(key: string): Promise<number>;
  /** A ranged read stream (`end` inclusive). */
  get(key: string, range?: { start: number; end?: number }): Promise<Readable>;
  stat(key: string): Promise<{ size: number } | undefined>;
  delete(key: string): Promise<void>;
  deletePrefix(prefix: string): Promise<void>;
}

/** Keys are relative paths of safe segments: no `..`, no absolute paths, no backslashes. */
export function assertSafeKey(key: string): void {
  if (
    !key ||
    key.startsWith('/') ||
    key.includes('\\') ||
    key.split('/').some((part) => part === '..' || part === '')
  ) {
    throw new Error(`unsafe storage key: ${key}`);
  }
}
