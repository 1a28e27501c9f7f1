import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { PassThrough, Transform } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { assertSafeKey, type BlobStore, type StoredBlob } from './blob-store.ts';

export type S3StoreOptions = {
  bucket: string;
  prefix: string;
  endpoint?: string | undefined;
  region?: string | undefined;
  client?: S3Client;
};

/**
 * Blobs in an S3-compatible bucket. Uploads are multipart and streamed (lib-storage keeps a few parts
 * in flight, never the whole file), hashed while streaming; the object appears only when the upload
 * completes. S3 cannot append, so an interrupted upload restarts from zero (`partialSize` is 0).
 * Server-side checksums: the AWS SDK's default (`requestChecksumCalculation: WHEN_SUPPORTED`) sends a
 * CRC32 of every part, which S3 verifies before accepting it; Callport keeps its own SHA-256 as well.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3';
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(options: S3StoreOptions) {
    this.#bucket = options.bucket;
    this.#prefix = options.prefix.replace(/^\/+|\/+$/g, '');
    this.#client =
      options.client ??
      new S3Client({
        region: options.region ?? 'us-east-1',
        ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      });
  }

  #key(key: string): string {
    assertSafeKey(key);
    return this.#prefix ? `${this.#prefix}/${key}` : key;
  }

  async put(key: string, body: Readable, options: { contentType?: string } = {}): Promise<StoredBlob> {
    const hash = createHash('sha256');
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    const stream = body.pipe(counter).pipe(new PassThrough());
    body.once('error', (error) => stream.destroy(error));
    const upload = new Upload({
      client: this.#client,
      params: {
        Bucket: this.#bucket,
        Key: this.#key(key),
        Body: stream,
        ...(options.contentType ? { ContentType: options.contentType } : {}),
      },
      queueSize: 2,
      partSize: 8 * 1024 * 1024,
      leavePartsOnError: false,
    });
    await upload.done();
    return { size, sha256: hash.digest('hex') };
  }

  async partialSize(): Promise<number> {
    return 0;
  }

  async get(key: string, range?: { start: number; end?: number }): Promise<Readable> {
    const response = await this.#client.send(
      new GetObjectCommand({
        Bucket: this.#bucket,
        Key: this.#key(key),
        ...(range ? { Range: `bytes=${range.start}-${range.end ?? ''}` } : {}),
      }),
    );
    return response.Body as Readable;
  }

  async stat(key: string) {
    try {
      const head = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }),
      );
      return { size: Number(head.ContentLength ?? 0) };
    } catch (error) {
      if (
        (error as { name?: string }).name === 'NotFound' ||
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
      ) {
        return undefined;
      }
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertSafeKey(prefix);
    const full = `${this.#key(prefix)}/`;
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: full, ContinuationToken: token }),
      );
      const objects = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
      if (objects.length > 0) {
        await this.#client.send(
          new DeleteObjectsCommand({ Bucket: this.#bucket, Delete: { Objects: objects } }),
        );
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}
