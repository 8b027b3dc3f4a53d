/**
 * s3.ts — an S3-protocol server for tests. By default @20minutes/s3rver (a maintained fork of
 * s3rver: the S3 REST API on disk, in this process, on a loopback port). With
 * ATTEST_TEST_S3_URL=http://ACCESS_KEY:SECRET@host:9000/bucket[/prefix] the same tests run
 * against a real MinIO, Ceph RGW or AWS bucket instead (path-style); each use gets its own
 * random prefix under it, so runs never see each other's objects.
 *
 * s3rver rebuilds the signed path of bucket-level requests without the trailing slash the AWS
 * SDK v3 sends, so it would refuse every ListObjectsV2 as SignatureDoesNotMatch; it runs with
 * allowMismatchedSignatures (it still parses the Authorization header). Signatures are checked
 * for real when the suite runs against a real server.
 *
 * s3rver's DeleteObject also removes the object's "directory" when it looks empty, with a
 * recursive rm: an object being written there at the same moment (another upload's temporary,
 * a blob in the same shard) is deleted with it. S3 has no directories; the patch below makes
 * DeleteObject remove only the object's own files, as a real server would.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import S3rver from '@20minutes/s3rver';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { scratchDir } from './stores.js';

interface FilesystemStoreProto {
  getResourcePath(bucket: string, key: string, resource: string): string;
  deleteObject(bucket: string, key: string): Promise<void>;
}
const FilesystemStore = createRequire(import.meta.url)('@20minutes/s3rver/lib/stores/filesystem.js') as {
  prototype: FilesystemStoreProto;
};
FilesystemStore.prototype.deleteObject = async function deleteObject(bucket, key) {
  await Promise.all(
    ['object', 'object.md5', 'metadata.json'].map((r) =>
      unlink(this.getResourcePath(bucket, key, r)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      }),
    ),
  );
};

// The SDK warns once per process that its releases after January 2027 will need Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface TestS3 {
  /** Where the store's objects go: `s3://bucket/prefix/`. */
  readonly url: string;
  readonly bucket: string;
  readonly prefix: string;
  /** The SDK client configuration that reaches the server. */
  readonly client: S3ClientConfig;
  /** The environment that makes `loadConfig` choose this store (ATTEST_BLOBS, ATTEST_S3_*). */
  readonly env: Record<string, string>;
  /** Whether this is a real server (ATTEST_TEST_S3_URL) rather than s3rver. */
  readonly real: boolean;
  /** A raw client, for tests that reach under the store (corrupt an object, list temporaries). */
  readonly raw: S3Client;
  stop(): Promise<void>;
}

/** startTestS3 starts s3rver on loopback (or uses ATTEST_TEST_S3_URL) with a fresh prefix. */
export async function startTestS3(): Promise<TestS3> {
  const prefix = `t-${randomBytes(6).toString('hex')}`;
  const real = process.env.ATTEST_TEST_S3_URL;
  let endpoint: string;
  let bucket: string;
  let base = '';
  let accessKeyId = 'S3RVER';
  let secretAccessKey = 'S3RVER';
  let stopServer = async () => {};
  if (real) {
    const u = new URL(real);
    const [b, ...rest] = u.pathname.replace(/^\/+|\/+$/g, '').split('/');
    if (!b)
      throw new Error('ATTEST_TEST_S3_URL must name a bucket: http://KEY:SECRET@host:port/bucket[/prefix]');
    bucket = b;
    base = rest.length ? `${rest.join('/')}/` : '';
    accessKeyId = decodeURIComponent(u.username);
    secretAccessKey = decodeURIComponent(u.password);
    endpoint = `${u.protocol}//${u.host}`;
  } else {
    bucket = 'attest-test';
    const dir = scratchDir('s3rver-');
    const server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: dir,
      allowMismatchedSignatures: true,
      configureBuckets: [{ name: bucket }],
    });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    stopServer = async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const full = `${base}${prefix}`;
  const client: S3ClientConfig = {
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  const raw = new S3Client(client);
  return {
    url: `s3://${bucket}/${full}/`,
    bucket,
    prefix: `${full}/`,
    client,
    real: Boolean(real),
    raw,
    env: {
      ATTEST_BLOBS: `s3://${bucket}/${full}`,
      ATTEST_S3_ENDPOINT: endpoint,
      ATTEST_S3_PATH_STYLE: '1',
      ATTEST_S3_ACCESS_KEY_ID: accessKeyId,
      ATTEST_S3_SECRET_ACCESS_KEY: secretAccessKey,
    },
    async stop() {
      raw.destroy();
      await stopServer();
    },
  };
}
