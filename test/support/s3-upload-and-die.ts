/**
 * s3-upload-and-die.ts — a process that streams 20 MiB into the S3 store, and after 12 MiB (two
 * multipart parts sent or on their way) prints the SHA-256 the whole content and the part sent
 * would have, then waits to be SIGKILLed (s3-blob-store.test.ts). Env: S3_TEST_CLIENT (the SDK
 * client configuration as JSON), S3_TEST_URL (s3://bucket/prefix).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { parseS3Url, S3BlobStore } from '../../src/store/s3-blob-store.js';

const MiB = 1024 * 1024;
const store = new S3BlobStore(parseS3Url(process.env.S3_TEST_URL ?? ''), {
  client: JSON.parse(process.env.S3_TEST_CLIENT ?? '{}'),
  uploadPartBytes: 5 * MiB,
});
const chunk = (i: number) => Buffer.alloc(MiB, i + 1);
const whole = createHash('sha256');
const partial = createHash('sha256');
for (let i = 0; i < 20; i++) {
  whole.update(chunk(i));
  if (i < 12) partial.update(chunk(i));
}
const source = Readable.from(
  (async function* () {
    for (let i = 0; i < 12; i++) yield chunk(i);
    // Give the uploader time to send the parts it has, then say so and hang.
    setTimeout(() => process.stdout.write(`${whole.digest('hex')}\n${partial.digest('hex')}\n`), 500);
    await new Promise(() => {});
  })(),
);
await store.put(source);
