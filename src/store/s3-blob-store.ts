/**
 * s3-blob-store.ts — the content-addressed blob store on an S3-compatible object store (AWS S3,
 * MinIO, Ceph RGW, Garage), behind the same `BlobStore` seam as the local files.
 *
 * Keys mirror the disk layout: `<prefix>sha256/ab/<hash>`. A stream is hashed (SHA-256) on its
 * way up and written under a temporary key `<prefix>tmp/<host>-<pid>-<random>`; only once the
 * hash is known is it copied to its content key (CopyObject, or UploadPartCopy past 5 GiB) and the
 * temporary object deleted. S3 makes an object visible only when its PUT, CopyObject or
 * CompleteMultipartUpload succeeds, so a content key holds the whole bytes or nothing: a failed
 * or killed upload leaves at most a temporary object or an unfinished multipart upload, which
 * `init` removes after a day (a bucket lifecycle rule for `tmp/` does the same; see the README).
 * A whole buffer's hash is known before it is sent, so it is PUT straight to its content key
 * with Content-MD5 (the server refuses bytes damaged on the way).
 *
 * Specs: Amazon S3 API Reference — PutObject, CopyObject (≤ 5 GiB), UploadPartCopy with
 * x-amz-copy-source-range, GetObject with Range (RFC 9110 §14.1.2 byte ranges), ListObjectsV2.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { isSha256Hex } from '../lib/hash.js';
import {
  type BlobStore,
  BlobTooLargeError,
  type BlobVerification,
  type ByteRange,
  checkPartName,
  type PutOptions,
  type PutResult,
  SNIFF_BYTES,
} from './blobs.js';
import { StoreError } from './errors.js';

/** The largest object one CopyObject may copy (S3 API Reference, CopyObject). */
const COPY_OBJECT_LIMIT = 5 * 1024 ** 3;
/** Part size of a multipart copy (1 GiB: 10,000 parts reach far past any item limit). */
const COPY_PART_BYTES = 1024 ** 3;
/** Part size of a multipart upload (S3's minimum part is 5 MiB; larger parts, fewer requests). */
const UPLOAD_PART_BYTES = 16 * 1024 ** 2;
/** Temporary objects and unfinished multipart uploads older than this were abandoned. */
const TMP_MAX_AGE_MS = 24 * 3600 * 1000;

/** S3Location is where the blobs live: a bucket and a key prefix ("" or ending in "/"). */
export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

export interface S3BlobStoreOptions {
  /** The SDK client's configuration (endpoint, region, forcePathStyle, credentials…). */
  readonly client: S3ClientConfig;
  /** Tests lower these to exercise the multipart paths with small objects. */
  readonly copyObjectLimit?: number;
  readonly copyPartBytes?: number;
  readonly uploadPartBytes?: number;
}

/**
 * parseS3Url reads `s3://bucket/prefix` (prefix optional). Bucket names follow S3's rules
 * (3–63 of a-z 0-9 . -); the prefix must be plain path segments, without `..` or empty ones.
 */
export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([^/?#]+)(?:\/([^?#]*))?$/.exec(url);
  if (!m) throw new StoreError('BLOB_STORE_CONFIG', `not an s3://bucket[/prefix] URL: "${url}"`);
  const bucket = m[1] ?? '';
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    throw new StoreError('BLOB_STORE_CONFIG', `"${bucket}" is not a valid S3 bucket name`);
  const raw = (m[2] ?? '').replace(/\/+$/, '');
  if (raw !== '') {
    for (const seg of raw.split('/')) {
      if (seg === '' || seg === '.' || seg === '..' || !/^[A-Za-z0-9._-]+$/.test(seg))
        throw new StoreError(
          'BLOB_STORE_CONFIG',
          `the S3 prefix "${raw}" must be path segments of letters, digits, ".", "_" and "-"`,
        );
    }
  }
  return { bucket, prefix: raw === '' ? '' : `${raw}/` };
}

/** S3BlobStore keeps blobs as objects under `<prefix>sha256/ab/<hash>` in one bucket. */
export class S3BlobStore implements BlobStore {
  readonly location: S3Location;
  readonly #client: S3Client;
  readonly #copyObjectLimit: number;
  readonly #copyPartBytes: number;
  readonly #uploadPartBytes: number;

  constructor(location: S3Location, options: S3BlobStoreOptions) {
    this.location = Object.freeze({ ...location });
    this.#client = new S3Client({
      // Checksums only where the API requires them: S3-compatible servers (MinIO, Ceph, Garage)
      // differ in which of the newer flexible checksums they accept; the content hash is ours.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...options.client,
    });
    this.#copyObjectLimit = options.copyObjectLimit ?? COPY_OBJECT_LIMIT;
    this.#copyPartBytes = options.copyPartBytes ?? COPY_PART_BYTES;
    this.#uploadPartBytes = Math.max(options.uploadPartBytes ?? UPLOAD_PART_BYTES, 5 * 1024 ** 2);
  }

  /** url is `s3://bucket/prefix`, for messages (never credentials). */
  get url(): string {
    return `s3://${this.location.bucket}/${this.location.prefix}`;
  }

  /**
   * init checks that the bucket answers (so a wrong name, endpoint or credential fails at start,
   * not at the first upload) and removes temporary objects and unfinished multipart uploads that
   * a killed process left more than a day ago.
   */
  async init(): Promise<void> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.location.bucket }));
    } catch (err) {
      throw new StoreError(
        'BLOB_STORE_UNAVAILABLE',
        `the blob store ${this.url} does not answer: ${describe(err)}${statusOf(err) === 404 ? ' (no such bucket)' : statusOf(err) === 403 ? ' (access denied: check the key and its policy)' : ''}`,
        {},
        { cause: err },
      );
    }
    await this.cleanTemporaries(new Date(Date.now() - TMP_MAX_AGE_MS));
  }

  /** cleanTemporaries deletes temporary objects and aborts multipart uploads begun before `before`. */
  async cleanTemporaries(before: Date): Promise<number> {
    let removed = 0;
    const Bucket = this.location.bucket;
    const Prefix = this.#tmpPrefix();
    let ContinuationToken: string | undefined;
    do {
      const page = await this.#client.send(new ListObjectsV2Command({ Bucket, Prefix, ContinuationToken }));
      for (const o of page.Contents ?? []) {
        if (o.Key && o.LastModified && o.LastModified < before) {
          await this.#client.send(new DeleteObjectCommand({ Bucket, Key: o.Key }));
          removed++;
        }
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    try {
      const uploads = await this.#client.send(new ListMultipartUploadsCommand({ Bucket, Prefix }));
      for (const u of uploads.Uploads ?? []) {
        if (u.Key && u.UploadId && u.Initiated && u.Initiated < before) {
          await this.#client.send(
            new AbortMultipartUploadCommand({ Bucket, Key: u.Key, UploadId: u.UploadId }),
          );
          removed++;
        }
      }
    } catch (err) {
      // Some S3-compatible servers do not list multipart uploads; their lifecycle rules
      // (AbortIncompleteMultipartUpload) are then the only cleanup, as the README says.
      if (statusOf(err) !== 501 && nameOf(err) !== 'NotImplemented') throw err;
    }
    return removed;
  }

  keyOf(sha256: string): string {
    if (!isSha256Hex(sha256)) throw new Error('not a SHA-256 hex digest');
    return `${this.#sha256Prefix()}${sha256.slice(0, 2)}/${sha256}`;
  }

  #sha256Prefix(): string {
    return `${this.location.prefix}sha256/`;
  }

  #tmpPrefix(): string {
    return `${this.location.prefix}tmp/`;
  }

  #tmpKey(): string {
    const host = hostname()
      .replace(/[^A-Za-z0-9.-]/g, '_')
      .slice(0, 64);
    return `${this.#tmpPrefix()}${host}-${process.pid}-${randomBytes(8).toString('hex')}`;
  }

  async put(
    source: AsyncIterable<Uint8Array> | Readable | Uint8Array,
    options: PutOptions = {},
  ): Promise<PutResult> {
    if (source instanceof Uint8Array) return this.#putBytes(source, options);
    const hash = createHash('sha256');
    const head: Buffer[] = [];
    let headBytes = 0;
    let size = 0;
    const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    const { onProgress, signal } = options;
    // The bytes are hashed as they pass to the uploader; a throw here (over the limit, aborted,
    // the source failed) fails the upload, which then aborts its multipart upload.
    async function* hashed(): AsyncGenerator<Uint8Array> {
      for await (const chunk of source as AsyncIterable<Uint8Array>) {
        signal?.throwIfAborted();
        size += chunk.length;
        if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
        hash.update(chunk);
        if (headBytes < SNIFF_BYTES) {
          const take = chunk.subarray(0, SNIFF_BYTES - headBytes);
          head.push(Buffer.from(take));
          headBytes += take.length;
        }
        onProgress?.(size);
        yield chunk;
      }
    }
    const tmpKey = this.#tmpKey();
    const body = Readable.from(hashed(), { objectMode: false });
    const upload = new Upload({
      client: this.#client,
      params: { Bucket: this.location.bucket, Key: tmpKey, Body: body },
      partSize: this.#uploadPartBytes,
      queueSize: 2,
      leavePartsOnError: false,
    });
    const onAbort = () => void upload.abort().catch(() => {});
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      try {
        await upload.done();
      } catch (err) {
        // The source's own error (limit, abort) is the one to report, not the uploader's wrapper.
        const cause = body.errored ?? err;
        throw signal?.aborted ? (signal.reason ?? cause) : cause;
      }
      const sha256 = hash.digest('hex');
      const place = async (): Promise<boolean> => {
        if ((await this.size(sha256)) === size) return false;
        await this.#copy(tmpKey, this.keyOf(sha256), size);
        return true;
      };
      const created = options.guard ? await options.guard(sha256, place) : await place();
      return { sha256, size, head: Buffer.concat(head), created };
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await this.#deleteQuietly(tmpKey);
    }
  }

  async #putBytes(bytes: Uint8Array, options: PutOptions): Promise<PutResult> {
    const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    if (bytes.length > maxBytes) throw new BlobTooLargeError(maxBytes);
    options.signal?.throwIfAborted();
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const place = async (): Promise<boolean> => {
      if ((await this.size(sha256)) === bytes.length) return false;
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: this.keyOf(sha256),
          Body: bytes,
          ContentLength: bytes.length,
          ContentMD5: createHash('md5').update(bytes).digest('base64'),
          ContentType: 'application/octet-stream',
        }),
      );
      return true;
    };
    const created = options.guard ? await options.guard(sha256, place) : await place();
    options.onProgress?.(bytes.length);
    return { sha256, size: bytes.length, head: Buffer.from(bytes.subarray(0, SNIFF_BYTES)), created };
  }

  /** #copy copies `from` to `to` server-side: one CopyObject, or a multipart copy past its limit. */
  async #copy(from: string, to: string, size: number): Promise<void> {
    const Bucket = this.location.bucket;
    const CopySource = `${Bucket}/${from}`;
    if (size <= this.#copyObjectLimit) {
      await this.#client.send(new CopyObjectCommand({ Bucket, Key: to, CopySource }));
      return;
    }
    const { UploadId } = await this.#client.send(new CreateMultipartUploadCommand({ Bucket, Key: to }));
    if (!UploadId) throw new StoreError('BLOB_STORE_UNAVAILABLE', 'the object store gave no upload id');
    try {
      const parts: { ETag: string; PartNumber: number }[] = [];
      for (let start = 0, n = 1; start < size; start += this.#copyPartBytes, n++) {
        const end = Math.min(start + this.#copyPartBytes, size) - 1;
        const r = await this.#client.send(
          new UploadPartCopyCommand({
            Bucket,
            Key: to,
            UploadId,
            PartNumber: n,
            CopySource,
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        );
        parts.push({ ETag: r.CopyPartResult?.ETag ?? '', PartNumber: n });
      }
      await this.#client.send(
        new CompleteMultipartUploadCommand({ Bucket, Key: to, UploadId, MultipartUpload: { Parts: parts } }),
      );
    } catch (err) {
      await this.#client.send(new AbortMultipartUploadCommand({ Bucket, Key: to, UploadId })).catch(() => {});
      throw err;
    }
  }

  async #deleteQuietly(key: string): Promise<void> {
    await this.#client
      .send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: key }))
      .catch(() => {});
  }

  /** flush does nothing: an object is durable when its PUT or copy is acknowledged. */
  async flush(): Promise<void> {}

  /**
   * get streams the blob (or the inclusive `range`); the request starts when the stream is first
   * read. A missing blob fails the stream with code ENOENT, as a missing file does.
   */
  get(sha256: string, range?: ByteRange): Readable {
    const Key = this.keyOf(sha256);
    const client = this.#client;
    const Bucket = this.location.bucket;
    async function* body(): AsyncGenerator<Uint8Array> {
      let out: GetObjectCommandOutput;
      try {
        out = await client.send(
          new GetObjectCommand({
            Bucket,
            Key,
            Range: range ? `bytes=${range.start}-${range.end}` : undefined,
          }),
        );
      } catch (err) {
        if (isNotFound(err))
          throw Object.assign(new Error(`blob ${sha256} is not in the store`), { code: 'ENOENT' });
        throw err;
      }
      const chunks = out.Body as AsyncIterable<Uint8Array>;
      if (!range) {
        yield* chunks;
        return;
      }
      // A server may ignore Range and send the whole object (RFC 9110 §14.2), or send more than
      // was asked (some S3 emulators read `bytes=0-0` as "from 0"): take the asked range out of
      // whatever Content-Range says arrived, and refuse an answer that does not cover it.
      const sent = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(out.ContentRange ?? '');
      const first = sent ? Number(sent[1]) : 0;
      const last = sent ? Number(sent[2]) : (out.ContentLength ?? 0) - 1;
      if (first > range.start || last < range.end)
        throw new StoreError(
          'BLOB_STORE_UNAVAILABLE',
          `the object store answered bytes ${first}-${last} for ${range.start}-${range.end} of blob ${sha256}`,
        );
      let offset = first;
      for await (const c of chunks) {
        const from = Math.max(range.start - offset, 0);
        const to = Math.min(range.end + 1 - offset, c.length);
        offset += c.length;
        if (to > from) yield from === 0 && to === c.length ? c : c.subarray(from, to);
        if (offset > range.end) return;
      }
    }
    return Readable.from(body(), { objectMode: false, highWaterMark: 1 << 20 });
  }

  #partKey(uploadId: string, part?: string): string {
    checkPartName(uploadId, part);
    return `${this.location.prefix}uploads/${uploadId}/${part ?? ''}`;
  }

  async putUploadPart(uploadId: string, part: string, source: AsyncIterable<Uint8Array>): Promise<number> {
    let size = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of source) {
        size += chunk.length;
        yield chunk;
      }
    }
    // S3 shows an object only once its upload completes: the part is whole or absent.
    const upload = new Upload({
      client: this.#client,
      params: {
        Bucket: this.location.bucket,
        Key: this.#partKey(uploadId, part),
        Body: Readable.from(counted(), { objectMode: false }),
      },
      partSize: this.#uploadPartBytes,
      queueSize: 2,
      leavePartsOnError: false,
    });
    await upload.done();
    return size;
  }

  getUploadPart(uploadId: string, part: string): Readable {
    const Key = this.#partKey(uploadId, part);
    const client = this.#client;
    const Bucket = this.location.bucket;
    async function* body(): AsyncGenerator<Uint8Array> {
      let out: GetObjectCommandOutput;
      try {
        out = await client.send(new GetObjectCommand({ Bucket, Key }));
      } catch (err) {
        if (isNotFound(err))
          throw Object.assign(new Error(`upload part ${part} is not in the store`), { code: 'ENOENT' });
        throw err;
      }
      yield* out.Body as AsyncIterable<Uint8Array>;
    }
    return Readable.from(body(), { objectMode: false, highWaterMark: 1 << 20 });
  }

  async removeUploadParts(uploadId: string, part?: string): Promise<void> {
    const Bucket = this.location.bucket;
    if (part !== undefined) {
      await this.#client.send(new DeleteObjectCommand({ Bucket, Key: this.#partKey(uploadId, part) }));
      return;
    }
    const Prefix = this.#partKey(uploadId);
    let ContinuationToken: string | undefined;
    do {
      const page = await this.#client.send(new ListObjectsV2Command({ Bucket, Prefix, ContinuationToken }));
      for (const o of page.Contents ?? [])
        if (o.Key) await this.#client.send(new DeleteObjectCommand({ Bucket, Key: o.Key }));
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== undefined;
  }

  async size(sha256: string): Promise<number | undefined> {
    try {
      const h = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.keyOf(sha256) }),
      );
      return h.ContentLength;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async verify(sha256: string): Promise<BlobVerification> {
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const c of this.get(sha256) as AsyncIterable<Buffer>) {
        hash.update(c);
        size += c.length;
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { sha256, status: 'missing' };
      throw err;
    }
    const actual = hash.digest('hex');
    return actual === sha256
      ? { sha256, status: 'ok', actualSize: size }
      : { sha256, status: 'corrupt', actualSha256: actual, actualSize: size };
  }

  async *list(): AsyncIterable<string> {
    const Prefix = this.#sha256Prefix();
    let ContinuationToken: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix, ContinuationToken }),
      );
      for (const o of page.Contents ?? []) {
        const name = o.Key?.slice(o.Key.lastIndexOf('/') + 1) ?? '';
        // Only keys exactly where a blob would be: anything else in the prefix is not ours.
        if (isSha256Hex(name) && o.Key === this.keyOf(name)) yield name;
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async remove(sha256: string): Promise<boolean> {
    if (!(await this.has(sha256))) return false;
    await this.#client.send(
      new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.keyOf(sha256) }),
    );
    return true;
  }

  /** close ends the client's sockets. */
  close(): void {
    this.#client.destroy();
  }
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function nameOf(err: unknown): string | undefined {
  return (err as { name?: string; Code?: string })?.Code ?? (err as { name?: string })?.name;
}

function isNotFound(err: unknown): boolean {
  const name = nameOf(err);
  return statusOf(err) === 404 || name === 'NoSuchKey' || name === 'NotFound';
}

/** describe names an SDK failure without its request details (which may carry the endpoint). */
function describe(err: unknown): string {
  const status = statusOf(err);
  const name = nameOf(err) ?? 'error';
  return status ? `${name} (HTTP ${status})` : `${name}: ${(err as Error)?.message ?? String(err)}`;
}
