/**
 * blob-store-contract.ts — the behaviour every `BlobStore` owes its callers, as one suite that
 * each implementation's test file runs against itself (blobs.test.ts: files;
 * s3-blob-store.test.ts: an S3-protocol server). A new backend passes this suite or is not one.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { type BlobStore, BlobTooLargeError, SNIFF_BYTES } from './blobs.js';

/** BlobStoreHarness is a store under test plus the ways a test reaches under it. */
export interface BlobStoreHarness {
  readonly store: BlobStore;
  /** corrupt replaces the stored bytes of `sha256` (what an insider with storage access can do). */
  corrupt(sha256: string, bytes: Uint8Array): Promise<void>;
  /** plantForeign puts something that is not a blob beside the blobs (a stray file or object). */
  plantForeign(): Promise<void>;
  /** temporaries lists what in-progress writes left behind (temp files, temporary objects). */
  temporaries(): Promise<string[]>;
  close(): Promise<void>;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** pattern makes `n` bytes that differ at every offset (so a range read off by one shows). */
function pattern(n: number, seed = 0): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return b;
}

/** chunked streams `bytes` in chunks of `size` (as a network upload arrives). */
function chunked(bytes: Buffer, size = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    })(),
  );
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

async function listAll(store: BlobStore): Promise<string[]> {
  const out: string[] = [];
  for await (const h of store.list()) out.push(h);
  return out.sort();
}

export interface ContractOptions {
  /** A stream this large crosses the backend's part size (S3: more than one 5 MiB part). */
  readonly largeBytes?: number;
}

/** blobStoreContract registers the shared suite for the store `open` returns. */
export function blobStoreContract(
  name: string,
  open: () => Promise<BlobStoreHarness>,
  options: ContractOptions = {},
): void {
  const largeBytes = options.largeBytes ?? 3 * 1024 * 1024 + 17;
  describe(`${name}: the BlobStore contract`, () => {
    let h: BlobStoreHarness;
    let store: BlobStore;
    before(async () => {
      h = await open();
      store = h.store;
    });
    after(async () => h?.close());

    describe('put', () => {
      it('stores a buffer under its SHA-256 and returns its size, head and created', async () => {
        const bytes = pattern(10_000, 1);
        const r = await store.put(bytes);
        assert.equal(r.sha256, sha(bytes));
        assert.equal(r.size, bytes.length);
        assert.deepEqual(r.head, bytes.subarray(0, SNIFF_BYTES));
        assert.equal(r.created, true);
        assert.equal(await store.size(r.sha256), bytes.length);
        assert.equal(await store.has(r.sha256), true);
        assert.deepEqual(await readAll(store.get(r.sha256)), bytes);
      });

      it('stores a stream that crosses the part size, hashed on the way, with progress to the last byte', async () => {
        const bytes = pattern(largeBytes, 2);
        const seen: number[] = [];
        const r = await store.put(chunked(bytes), { onProgress: (n) => seen.push(n) });
        assert.equal(r.sha256, sha(bytes));
        assert.equal(r.size, bytes.length);
        assert.equal(seen.at(-1), bytes.length);
        assert.deepEqual(await readAll(store.get(r.sha256)), bytes);
        assert.deepEqual(await h.temporaries(), [], 'no temporary is left after a put');
      });

      it('stores empty content', async () => {
        const r = await store.put(Readable.from([]));
        assert.equal(r.sha256, sha(Buffer.alloc(0)));
        assert.equal(r.size, 0);
        assert.equal(await store.size(r.sha256), 0);
        assert.deepEqual(await readAll(store.get(r.sha256)), Buffer.alloc(0));
      });

      it('stores identical content once: the second put reports created false', async () => {
        const bytes = pattern(5000, 3);
        const first = await store.put(chunked(bytes, 999));
        const again = await store.put(bytes);
        const third = await store.put(chunked(bytes, 4096));
        assert.equal(first.created, true);
        assert.equal(again.created, false);
        assert.equal(third.created, false);
        assert.equal((await listAll(store)).filter((x) => x === first.sha256).length, 1);
      });

      it('survives concurrent puts of the same bytes: one blob, whole', async () => {
        const bytes = pattern(200_000, 4);
        const results = await Promise.all([1, 2, 3, 4].map(() => store.put(chunked(bytes))));
        assert.ok(results.every((r) => r.sha256 === sha(bytes)));
        assert.ok(results.some((r) => r.created));
        assert.deepEqual(await readAll(store.get(sha(bytes))), bytes);
        assert.deepEqual(await h.temporaries(), []);
      });

      describe('when more than maxBytes arrive', () => {
        it('refuses a stream with BLOB_TOO_LARGE and keeps nothing, not even a temporary', async () => {
          const bytes = pattern(largeBytes, 5);
          const listed = await listAll(store);
          await assert.rejects(
            store.put(chunked(bytes), { maxBytes: largeBytes - 1 }),
            (err: unknown) => err instanceof BlobTooLargeError && err.code === 'BLOB_TOO_LARGE',
          );
          assert.equal(await store.has(sha(bytes)), false);
          assert.deepEqual(await listAll(store), listed);
          assert.deepEqual(await h.temporaries(), []);
        });

        it('refuses a buffer with BLOB_TOO_LARGE and keeps nothing', async () => {
          const bytes = pattern(100, 6);
          await assert.rejects(store.put(bytes, { maxBytes: 99 }), BlobTooLargeError);
          assert.equal(await store.has(sha(bytes)), false);
        });

        it('accepts exactly maxBytes', async () => {
          const bytes = pattern(100, 7);
          const r = await store.put(chunked(bytes, 7), { maxBytes: 100 });
          assert.equal(r.size, 100);
        });
      });

      it('keeps nothing when the source fails part-way', async () => {
        const bytes = pattern(300_000, 8);
        const failing = Readable.from(
          (async function* () {
            yield bytes.subarray(0, 100_000);
            yield bytes.subarray(100_000, 200_000);
            throw new Error('connection reset by the uploader');
          })(),
        );
        await assert.rejects(store.put(failing), /connection reset/);
        assert.equal(await store.has(sha(bytes.subarray(0, 200_000))), false);
        assert.deepEqual(await h.temporaries(), []);
      });

      it('keeps nothing when the signal aborts part-way', async () => {
        const bytes = pattern(300_000, 9);
        const ac = new AbortController();
        const source = Readable.from(
          (async function* () {
            yield bytes.subarray(0, 100_000);
            ac.abort(new Error('client went away'));
            yield bytes.subarray(100_000);
          })(),
        );
        await assert.rejects(store.put(source, { signal: ac.signal }), /client went away/);
        assert.equal(await store.has(sha(bytes)), false);
        assert.deepEqual(await h.temporaries(), []);
      });

      describe('with a guard', () => {
        it('runs the guard with the hash around the placing, and returns what placing returned', async () => {
          const bytes = pattern(4000, 10);
          const calls: string[] = [];
          const r = await store.put(chunked(bytes), {
            guard: async (hash, place) => {
              calls.push(hash);
              assert.equal(await store.has(hash), false, 'nothing is in place before place()');
              const placed = await place();
              assert.equal(await store.has(hash), true, 'the bytes are in place after place()');
              return placed;
            },
          });
          assert.deepEqual(calls, [sha(bytes)]);
          assert.equal(r.created, true);
          const again = await store.put(bytes, { guard: (_h, place) => place() });
          assert.equal(again.created, false);
        });

        it('places nothing when the guard refuses before placing', async () => {
          const bytes = pattern(4000, 11);
          await assert.rejects(
            store.put(chunked(bytes), {
              guard: async () => {
                throw new Error('staging refused');
              },
            }),
            /staging refused/,
          );
          assert.equal(await store.has(sha(bytes)), false);
          assert.deepEqual(await h.temporaries(), []);
        });
      });
    });

    describe('get', () => {
      const bytes = pattern(70_000, 12);
      let hash: string;
      before(async () => {
        hash = (await store.put(bytes)).sha256;
      });

      it('reads an inclusive byte range', async () => {
        for (const [start, end] of [
          [0, 0],
          [0, 9],
          [1, 1],
          [65_535, 65_537],
          [69_999, 69_999],
          [12_345, 69_999],
        ] as const) {
          const got = await readAll(store.get(hash, { start, end }));
          assert.deepEqual(got, bytes.subarray(start, end + 1), `get(${start}-${end})`);
        }
      });

      it('fails a missing blob with ENOENT, as a missing file does', async () => {
        const missing = sha(Buffer.from('never stored'));
        await assert.rejects(
          readAll(store.get(missing)),
          (err: NodeJS.ErrnoException) => err.code === 'ENOENT',
        );
        assert.equal(await store.size(missing), undefined);
        assert.equal(await store.has(missing), false);
      });

      it('refuses a name that is not a SHA-256 hex digest (no path or key is built from it)', () => {
        for (const bad of [
          '../../etc/passwd',
          'A'.repeat(64),
          `${'a'.repeat(63)}/`,
          '',
          `${'a'.repeat(64)}\0`,
        ]) {
          assert.throws(() => store.get(bad), /not a SHA-256/, `get(${JSON.stringify(bad)})`);
        }
      });

      it('stops reading when the reader stops (a cancelled download)', async () => {
        const stream = store.get(hash);
        for await (const _ of stream) break;
        assert.equal(stream.destroyed, true);
      });
    });

    describe('verify', () => {
      it('is ok for whole bytes', async () => {
        const bytes = pattern(9000, 13);
        const { sha256 } = await store.put(bytes);
        assert.deepEqual(await store.verify(sha256), { sha256, status: 'ok', actualSize: 9000 });
      });

      it('re-hashes the stored bytes and names corruption with the actual hash and size', async () => {
        const bytes = pattern(9000, 14);
        const { sha256 } = await store.put(bytes);
        const other = pattern(8999, 15);
        await h.corrupt(sha256, other);
        assert.deepEqual(await store.verify(sha256), {
          sha256,
          status: 'corrupt',
          actualSha256: sha(other),
          actualSize: 8999,
        });
      });

      it('says missing for bytes never stored', async () => {
        const missing = sha(Buffer.from('absent'));
        assert.deepEqual(await store.verify(missing), { sha256: missing, status: 'missing' });
      });
    });

    describe('list and remove', () => {
      it('lists every stored blob and nothing else', async () => {
        await h.plantForeign();
        const a = await store.put(pattern(10, 16));
        const b = await store.put(pattern(11, 17));
        const listed = await listAll(store);
        assert.ok(listed.includes(a.sha256) && listed.includes(b.sha256));
        assert.ok(
          listed.every((x) => /^[0-9a-f]{64}$/.test(x)),
          `only hashes: ${listed.join(' ')}`,
        );
        assert.equal(new Set(listed).size, listed.length, 'each once');
      });

      it('removes a blob once: true, then false', async () => {
        const { sha256 } = await store.put(pattern(1234, 18));
        assert.equal(await store.remove(sha256), true);
        assert.equal(await store.has(sha256), false);
        assert.equal(await store.remove(sha256), false);
        assert.ok(!(await listAll(store)).includes(sha256));
        await assert.rejects(
          readAll(store.get(sha256)),
          (err: NodeJS.ErrnoException) => err.code === 'ENOENT',
        );
      });

      it('stores again what was removed', async () => {
        const bytes = pattern(1234, 19);
        const { sha256 } = await store.put(bytes);
        await store.remove(sha256);
        const again = await store.put(chunked(bytes, 100));
        assert.equal(again.created, true);
        assert.deepEqual(await readAll(store.get(sha256)), bytes);
      });
    });

    it('flush makes deferred puts durable and is harmless without any', async () => {
      await store.put(pattern(100, 20), { deferDirSync: true });
      await store.flush();
      await store.flush();
    });

    describe('upload parts (resumable uploads shared by every process)', () => {
      const upload = 'ab'.repeat(16);
      it('keeps each part whole under its name, outside the blobs, and removes them together', async () => {
        const first = pattern(3000, 21);
        const second = pattern(largeBytes, 22);
        assert.equal(await store.putUploadPart(upload, '0'.repeat(16), chunked(first, 700)), first.length);
        assert.equal(await store.putUploadPart(upload, '1'.repeat(16), chunked(second)), second.length);
        assert.equal(await store.putUploadPart(upload, '2'.repeat(16), chunked(Buffer.alloc(0))), 0);
        assert.deepEqual(await readAll(store.getUploadPart(upload, '0'.repeat(16))), first);
        assert.deepEqual(await readAll(store.getUploadPart(upload, '1'.repeat(16))), second);
        assert.deepEqual(await readAll(store.getUploadPart(upload, '2'.repeat(16))), Buffer.alloc(0));
        for (const h of await listAll(store)) assert.notEqual(h, sha(first), 'a part is not a blob');
        await store.removeUploadParts(upload);
        await assert.rejects(readAll(store.getUploadPart(upload, '0'.repeat(16))), { code: 'ENOENT' });
        await store.removeUploadParts(upload);
      });

      it('keeps nothing of a part whose source failed', async () => {
        const failing = Readable.from(
          (async function* () {
            yield pattern(1000, 23);
            throw new Error('the connection dropped');
          })(),
        );
        await assert.rejects(store.putUploadPart(upload, '3'.repeat(16), failing), /connection dropped/);
        await assert.rejects(readAll(store.getUploadPart(upload, '3'.repeat(16))), { code: 'ENOENT' });
        assert.deepEqual(await h.temporaries(), []);
      });

      it('refuses names that are not an upload id and a part name', async () => {
        await assert.rejects(store.putUploadPart('../sha256', '0'.repeat(16), chunked(Buffer.alloc(1))));
        await assert.rejects(async () => store.getUploadPart(upload, '../../x'));
        await assert.rejects(store.removeUploadParts('..'));
      });
    });
  });
}
