/**
 * s3-blob-store.test.ts — the S3 store passes the same BlobStore contract as the file store,
 * against an S3-protocol server on loopback (s3rver) or a real one (ATTEST_TEST_S3_URL; see
 * test/support/s3.ts), plus what only an object store has: multipart uploads and copies, a
 * killed upload, stale temporaries, and strict parsing of `s3://` locations.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { startTestS3, type TestS3 } from '../../test/support/s3.js';
import { loadConfig } from '../config.js';
import { openBlobStoreAt } from './blob-location.js';
import { blobStoreContract } from './blob-store-contract.js';
import { StoreError } from './errors.js';
import { parseS3Url, S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';

const KILLED_UPLOAD = fileURLToPath(new URL('../../test/support/s3-upload-and-die.ts', import.meta.url));
const MiB = 1024 * 1024;

async function keysUnder(s3: TestS3, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.raw.send(
      new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${s3.prefix}${prefix}`, ContinuationToken }),
    );
    for (const o of page.Contents ?? []) if (o.Key) out.push(o.Key.slice(s3.prefix.length));
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return out.sort();
}

function storeOn(s3: TestS3, extra: Partial<S3BlobStoreOptions> = {}): S3BlobStore {
  return new S3BlobStore(parseS3Url(s3.url), { client: s3.client, ...extra });
}

let server: TestS3 | undefined;
async function sharedServer(): Promise<TestS3> {
  server ??= await startTestS3();
  return server;
}
after(async () => server?.stop());

blobStoreContract(
  's3',
  async () => {
    // Each open gets its own prefix on the shared server.
    const s3 = await startTestS3();
    const store = storeOn(s3);
    await store.init();
    return {
      store,
      async corrupt(sha256, bytes) {
        await s3.raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: store.keyOf(sha256), Body: bytes }));
      },
      async plantForeign() {
        for (const Key of [
          `sha256/ab/notes.txt`,
          `sha256/cd/ab${'0'.repeat(62)}`,
          `sha256/${'e'.repeat(64)}`,
        ])
          await s3.raw.send(
            new PutObjectCommand({ Bucket: s3.bucket, Key: `${s3.prefix}${Key}`, Body: 'x' }),
          );
      },
      temporaries: () => keysUnder(s3, 'tmp/'),
      async close() {
        store.close();
        await s3.stop();
      },
    };
  },
  // More than one 5 MiB part, so the multipart path (and its abort) is what the suite tests.
  { largeBytes: 11 * MiB + 3 },
);

describe('s3: what only the object store has', () => {
  let s3: TestS3;
  before(async () => {
    s3 = await sharedServer();
  });

  it('copies past the single-copy limit with a multipart copy (UploadPartCopy ranges)', async () => {
    const store = storeOn(s3, { copyObjectLimit: 1 * MiB, copyPartBytes: 5 * MiB });
    try {
      const bytes = Buffer.alloc(12 * MiB + 5);
      for (let i = 0; i < bytes.length; i += 4096) bytes[i] = (i / 4096) & 0xff;
      const r = await store.put(Readable.from([bytes.subarray(0, 7 * MiB), bytes.subarray(7 * MiB)]));
      assert.equal(r.sha256, createHash('sha256').update(bytes).digest('hex'));
      assert.deepEqual(await store.verify(r.sha256), {
        sha256: r.sha256,
        status: 'ok',
        actualSize: bytes.length,
      });
      assert.deepEqual(await keysUnder(s3, 'tmp/'), []);
    } finally {
      store.close();
    }
  });

  it('a process killed in the middle of an upload leaves nothing under a content key', async () => {
    const env = { ...process.env, S3_TEST_CLIENT: JSON.stringify(s3.client), S3_TEST_URL: s3.url };
    const expected = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', KILLED_UPLOAD], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env,
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        // The child prints the hash it would have stored once two parts are up, then waits.
        if (/^[0-9a-f]{64}\n[0-9a-f]{64}\n/.test(out)) child.kill('SIGKILL');
      });
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('close', (_code, signal) =>
        signal === 'SIGKILL' ? resolve(out.trim()) : reject(new Error(`child ended with ${signal}: ${err}`)),
      );
    });
    const [whole, partial] = expected.split('\n');
    assert.match(whole ?? '', /^[0-9a-f]{64}$/);
    const store = storeOn(s3);
    try {
      for (const hash of [whole ?? '', partial ?? '']) {
        assert.equal(await store.has(hash), false, `nothing under the content key of ${hash}`);
        for await (const h of store.list()) assert.notEqual(h, hash);
      }
    } finally {
      store.close();
    }
  });

  it('cleanTemporaries removes temporary objects older than the cut-off and keeps newer ones', async () => {
    const store = storeOn(s3);
    try {
      const key = `${s3.prefix}tmp/otherhost-1-deadbeef`;
      await s3.raw.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: 'left by a killed process' }),
      );
      assert.equal(await store.cleanTemporaries(new Date(Date.now() - 3600_000)), 0);
      assert.deepEqual(await keysUnder(s3, 'tmp/'), ['tmp/otherhost-1-deadbeef']);
      assert.equal(await store.cleanTemporaries(new Date(Date.now() + 3600_000)), 1);
      assert.deepEqual(await keysUnder(s3, 'tmp/'), []);
    } finally {
      store.close();
      await s3.raw.send(
        new DeleteObjectCommand({ Bucket: s3.bucket, Key: `${s3.prefix}tmp/otherhost-1-deadbeef` }),
      );
    }
  });

  it('opens from configuration (ATTEST_BLOBS, ATTEST_S3_*) and fails clearly on a missing bucket', async () => {
    const config = loadConfig({ ATTEST_DATA: '/nonexistent-unused', ...s3.env });
    const opened = await openBlobStoreAt(config.blobs ?? '', config);
    try {
      assert.equal(opened.where, s3.url);
      const r = await opened.blobs.put(Buffer.from('through configuration'));
      assert.equal(await opened.blobs.has(r.sha256), true);
    } finally {
      opened.close();
    }
    await assert.rejects(
      openBlobStoreAt('s3://no-such-bucket-attest/x', config),
      (err: unknown) =>
        err instanceof StoreError &&
        err.code === 'BLOB_STORE_UNAVAILABLE' &&
        /no-such-bucket-attest/.test(err.message),
    );
  });

  it('never puts the secret key in the configuration it prints', () => {
    const config = loadConfig({
      ATTEST_DATA: '/x',
      ...s3.env,
      ATTEST_S3_SECRET_ACCESS_KEY: 'very-secret-value',
    });
    assert.doesNotMatch(JSON.stringify(config), /very-secret-value/);
    assert.equal(typeof config.s3.credentials, 'function');
  });
});

describe('parseS3Url (attacker-free, but typed by hand: strict)', () => {
  it('reads a bucket and an optional prefix', () => {
    assert.deepEqual(parseS3Url('s3://attest-blobs'), { bucket: 'attest-blobs', prefix: '' });
    assert.deepEqual(parseS3Url('s3://attest-blobs/'), { bucket: 'attest-blobs', prefix: '' });
    assert.deepEqual(parseS3Url('s3://attest-blobs/prod/vault'), {
      bucket: 'attest-blobs',
      prefix: 'prod/vault/',
    });
    assert.deepEqual(parseS3Url('s3://attest-blobs/prod/'), { bucket: 'attest-blobs', prefix: 'prod/' });
  });

  it('refuses anything else with BLOB_STORE_CONFIG', () => {
    for (const bad of [
      's3:/attest',
      'http://attest/x',
      's3://',
      's3://AB',
      's3://Upper-Case',
      's3://a',
      's3://bucket/../etc',
      's3://bucket/a//b',
      's3://bucket/./a',
      's3://bucket/a?x=1',
      's3://bucket/a#f',
      's3://bucket/spa ce',
      's3://bucket/ملف',
      's3://user:pass@bucket/a',
    ]) {
      assert.throws(
        () => parseS3Url(bad),
        (err: unknown) => err instanceof StoreError && err.code === 'BLOB_STORE_CONFIG',
        `parseS3Url(${JSON.stringify(bad)})`,
      );
    }
  });
});
