/**
 * blob-location.ts — opens the blob store a deployment is configured with (ATTEST_BLOBS): files
 * under `<data>/blobs` by default, files elsewhere (`/path` or `file:///path`), or an
 * S3-compatible object store (`s3://bucket/prefix`, reached through the ATTEST_S3_* settings).
 * This is the one place that chooses; callers see only `BlobStore`.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import { type BlobStore, LocalBlobStore } from './blobs.js';
import { StoreError } from './errors.js';

/** OpenBlobStore is a blob store and how to let go of it (sockets, for S3). */
export interface OpenBlobStore {
  readonly blobs: BlobStore;
  /** Where the blobs are, for messages: a directory or `s3://bucket/prefix` (no credentials). */
  readonly where: string;
  close(): void;
}

/** openBlobStore opens the deployment's configured store (creating directories, checking the bucket). */
export function openBlobStore(config: Config): Promise<OpenBlobStore> {
  return openBlobStoreAt(config.blobs ?? join(config.dataDir, 'blobs'), config);
}

/**
 * openBlobStoreAt opens the store at `location` (a path, `file:///path` or `s3://bucket/prefix`),
 * with the object store's endpoint and key from `config` — for `attest blobs migrate --to`.
 */
export async function openBlobStoreAt(location: string, config: Config): Promise<OpenBlobStore> {
  if (location.startsWith('s3://')) {
    // Loaded only here: the AWS SDK is a quarter of a second of every start that has no S3.
    const { parseS3Url, S3BlobStore } = await import('./s3-blob-store.js');
    const s3 = new S3BlobStore(parseS3Url(location), {
      client: {
        region: config.s3.region,
        forcePathStyle: config.s3.forcePathStyle,
        ...(config.s3.endpoint ? { endpoint: config.s3.endpoint } : {}),
        ...(config.s3.credentials ? { credentials: config.s3.credentials } : {}),
      },
    });
    try {
      await s3.init();
    } catch (err) {
      s3.close();
      throw err;
    }
    return { blobs: s3, where: s3.url, close: () => s3.close() };
  }
  let dir: string;
  if (location.startsWith('file:')) {
    try {
      dir = fileURLToPath(location);
    } catch (err) {
      throw new StoreError('BLOB_STORE_CONFIG', `not a file:/// URL: "${location}"`, {}, { cause: err });
    }
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new StoreError(
      'BLOB_STORE_CONFIG',
      `blob store "${location.split('://')[0]}://" is not supported: use a directory, file:///path or s3://bucket/prefix`,
    );
  } else {
    if (location.trim() === '') throw new StoreError('BLOB_STORE_CONFIG', 'the blob store location is empty');
    dir = resolve(location);
  }
  const local = new LocalBlobStore(dir);
  await local.init();
  return { blobs: local, where: dir, close: () => {} };
}
