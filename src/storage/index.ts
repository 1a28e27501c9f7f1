import path from 'node:path';
import type { BlobStore } from './blob-store.ts';
import { LocalBlobStore } from './local-store.ts';

export { assertSafeKey, type BlobStore, type StoredBlob } from './blob-store.ts';
export { LocalBlobStore } from './local-store.ts';

/**
 * The blob store from configuration: `s3://bucket/prefix` (endpoint from `storageEndpoint`, credentials
 * from the standard AWS chain) or, by default, `<dataDir>/recordings`.
 */
export async function openBlobStore(options: {
  storageUrl: string | undefined;
  dataDir: string;
  storageEndpoint?: string | undefined;
  region?: string | undefined;
}): Promise<BlobStore> {
  if (!options.storageUrl) return new LocalBlobStore(path.join(options.dataDir, 'recordings'));
  const url = new URL(options.storageUrl);
  if (url.protocol === 'file:') return new LocalBlobStore(url.pathname);
  if (url.protocol !== 's3:')
    throw new Error(`STORAGE_URL must start with s3:// or file:// (got ${url.protocol})`);
  // The AWS SDK (about 20 MB a process keeps) is loaded only for S3-compatible storage.
  const { S3BlobStore } = await import('./s3-store.ts');
  return new S3BlobStore({
    bucket: url.hostname,
    prefix: url.pathname,
    endpoint: options.storageEndpoint,
    region: options.region,
  });
}
