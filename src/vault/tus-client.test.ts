/**
 * tus-client.test.ts — resumable uploads driven by the real `tus-js-client` (issue 19.1) against a
 * listening server on both databases: chunked with abort and resume, creation-with-upload,
 * parallel uploads joined by the concatenation extension (the partials are never items; only the
 * final upload is, with one ingest entry), and the protocol details clients read (Tus-Version on
 * 412, Upload-Metadata on HEAD, Upload-Expires as an HTTP date, advertised extensions).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import * as tus from 'tus-js-client';
import { type TestCaller, tokenAs } from '../../test/support/access.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { buildApp } from '../api/server.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const METADATA = {
  filename: 'قافلة-الراشدين.mp4',
  source: 'synthetic field upload',
  collectedAt: '2016-12-18',
  collectedBy: 'monitor-05',
  compartment: 'general',
};

for (const dialect of DIALECTS) {
  describe(`${dialect}: tus-js-client against /api/uploads (issue 19.1)`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let endpoint: string;
    let caller: TestCaller;

    before(async () => {
      s = await openTestStore(dialect);
      app = await buildApp(s.ctx);
      await app.listen({ host: '127.0.0.1', port: 0 });
      endpoint = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/uploads`;
      caller = await tokenAs(s.ctx, 'investigator', ['general']);
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    const count = async (table: 'item' | 'custody_entry' | 'upload') =>
      Number(
        (
          await s.ctx.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    /** run uploads `file` with tus-js-client; resolves with the upload URL and the item's ERN. */
    function run(
      file: Buffer,
      options: Partial<tus.UploadOptions> = {},
      control: (upload: tus.Upload) => void = () => {},
    ): Promise<{ url: string; ern: string | undefined; aborted: boolean }> {
      return new Promise((resolve, reject) => {
        let ern: string | undefined;
        const upload = new tus.Upload(file, {
          endpoint,
          headers: caller.headers,
          metadata: METADATA,
          retryDelays: [50, 100, 200],
          ...options,
          onAfterResponse: (_req, res) => {
            ern = res.getHeader('Attest-Item-Ern') ?? ern;
          },
          onError: reject,
          onSuccess: () => resolve({ url: upload.url!, ern, aborted: false }),
        });
        control(upload);
        upload.start();
      });
    }

    async function itemByErn(ern: string) {
      return s.ctx.db.selectFrom('item').selectAll().where('ern', '=', ern).executeTakeFirstOrThrow();
    }

    it('uploads in chunks, survives an abort, resumes from the server offset, and ends with the right SHA-256', async () => {
      const file = randomBytes(3 * 256 * 1024 + 17);
      let firstUrl = '';
      // Abort after the first chunk: the promise of the first run never settles, so race it.
      await new Promise<void>((resolve, reject) => {
        const upload = new tus.Upload(file, {
          endpoint,
          headers: caller.headers,
          metadata: METADATA,
          chunkSize: 256 * 1024,
          onError: reject,
          onChunkComplete: () => {
            firstUrl = upload.url!;
            upload.abort().then(() => resolve(), reject);
          },
        });
        upload.start();
      });
      const head = await fetch(new URL(firstUrl, endpoint), {
        method: 'HEAD',
        headers: { ...caller.headers, 'tus-resumable': '1.0.0' },
      });
      assert.equal(head.headers.get('upload-offset'), String(256 * 1024), 'one chunk kept');
      const items = await count('item');
      const { ern } = await run(file, { uploadUrl: firstUrl, chunkSize: 256 * 1024 });
      assert.ok(ern, 'the last PATCH names the item');
      const item = await itemByErn(ern);
      assert.equal(item.blob_sha256, sha(file));
      assert.equal(item.original_name, METADATA.filename, 'Arabic file name kept');
      assert.equal(await count('item'), items + 1);
    });

    it('sends the first bytes with the creation request (creation-with-upload)', async () => {
      const file = randomBytes(40_000);
      const { ern } = await run(file, { uploadDataDuringCreation: true });
      assert.ok(ern, 'created and completed in one POST');
      assert.equal((await itemByErn(ern)).blob_sha256, sha(file));
    });

    it('keeps the collection place as item metadata, and refuses a malformed one before any byte (issue 17)', async () => {
      const file = randomBytes(20_000);
      const { ern } = await run(file, {
        metadata: { ...METADATA, place: 'الراموسة، حلب', placePcode: 'SY020000' },
      });
      const item = await itemByErn(ern!);
      assert.deepEqual(JSON.parse(item.metadata), {
        collectionPlace: 'الراموسة، حلب',
        collectionPcode: 'SY020000',
      });
      const uploads = await count('upload');
      const bads: Record<string, string>[] = [
        { placePcode: 'Aleppo' },
        { place: 'x'.repeat(201) },
        { place: 'a\u0007b' },
      ];
      for (const bad of bads) {
        await assert.rejects(
          run(file, { metadata: { ...METADATA, ...bad }, retryDelays: [] }),
          /400|invalid-provenance/,
        );
      }
      assert.equal(await count('upload'), uploads, 'nothing stored for a refused upload');
    });

    it('joins parallel uploads into one item; the partials never become items or custody entries', async () => {
      const file = randomBytes(5 * 100_000 + 3);
      const items = await count('item');
      const entries = await count('custody_entry');
      const { url, ern } = await run(file, { parallelUploads: 3 });
      assert.ok(ern, 'the final upload names the item');
      assert.equal((await itemByErn(ern)).blob_sha256, sha(file));
      assert.equal(await count('item'), items + 1, 'one item, not one per partial');
      const ingests = await s.ctx.db
        .selectFrom('custody_entry')
        .select('kind')
        .where('seq', '>=', entries)
        .execute();
      assert.deepEqual(
        ingests.map((e) => e.kind),
        ['ingest'],
        'one ingest entry',
      );
      const final = await fetch(new URL(url, endpoint), {
        method: 'HEAD',
        headers: { ...caller.headers, 'tus-resumable': '1.0.0' },
      });
      assert.match(String(final.headers.get('upload-concat')), /^final;\/api\/uploads\/[0-9a-f]{32}( |$)/);
      assert.equal(final.headers.get('attest-item-ern'), ern);
      // The parts are gone from the database and from the blob store's scratch space.
      assert.deepEqual(await s.ctx.db.selectFrom('upload_part').selectAll().execute(), []);
      assert.deepEqual(
        existsSync(join(s.dir, 'blobs', 'uploads')) ? readdirSync(join(s.dir, 'blobs', 'uploads')) : [],
        [],
        'the parts’ bytes are removed',
      );
    });

    it('answers what tus clients read: 412 with Tus-Version, HEAD with Upload-Metadata, HTTP dates, extensions', async () => {
      const h = { ...caller.headers };
      const options = await fetch(endpoint, { method: 'OPTIONS', headers: h });
      assert.equal(options.status, 204);
      assert.deepEqual(String(options.headers.get('tus-extension')).split(',').sort(), [
        'concatenation',
        'creation',
        'creation-with-upload',
        'expiration',
        'termination',
      ]);
      const noVersion = await fetch(endpoint, { method: 'POST', headers: { ...h, 'upload-length': '3' } });
      assert.equal(noVersion.status, 412);
      assert.equal(noVersion.headers.get('tus-version'), '1.0.0');
      assert.equal(noVersion.headers.get('tus-resumable'), '1.0.0', 'refusals carry Tus-Resumable too');
      const meta = Object.entries(METADATA)
        .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
        .join(',');
      const created = await fetch(endpoint, {
        method: 'POST',
        headers: { ...h, 'tus-resumable': '1.0.0', 'upload-length': '3', 'upload-metadata': meta },
      });
      assert.equal(created.status, 201);
      const expires = String(created.headers.get('upload-expires'));
      assert.match(
        expires,
        /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
        'IMF-fixdate',
      );
      const location = new URL(String(created.headers.get('location')), endpoint);
      const head = await fetch(location, { method: 'HEAD', headers: { ...h, 'tus-resumable': '1.0.0' } });
      assert.equal(head.headers.get('upload-metadata'), meta);
      assert.equal(head.headers.get('upload-length'), '3');
      assert.equal(head.headers.get('upload-offset'), '0');
      assert.equal(head.headers.get('upload-expires'), expires);
      assert.equal(head.headers.get('cache-control'), 'no-store');
    });

    it('refuses a final upload before storing anything: foreign, incomplete or ordinary parts, bytes to a final upload', async () => {
      const h = { ...caller.headers, 'tus-resumable': '1.0.0' };
      const meta = Object.entries(METADATA)
        .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
        .join(',');
      const partial = async (who: Record<string, string>, bytes: Buffer, send = bytes) => {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: {
            ...who,
            'tus-resumable': '1.0.0',
            'upload-length': String(bytes.length),
            'upload-concat': 'partial',
            'content-type': 'application/offset+octet-stream',
          },
          body: send,
        });
        assert.equal(res.status, 201);
        return String(res.headers.get('location'));
      };
      const mine = await partial(h, Buffer.from('abc'));
      const incomplete = await partial(h, Buffer.from('abcdef'), Buffer.from('abc'));
      const stranger = await tokenAs(s.ctx, 'investigator', ['general']);
      const theirs = await partial(stranger.headers, Buffer.from('xyz'));
      const items = await count('item');
      const uploads = await count('upload');
      const final = (parts: string[], extra: Record<string, string> = {}) =>
        fetch(endpoint, {
          method: 'POST',
          headers: { ...h, 'upload-metadata': meta, 'upload-concat': `final;${parts.join(' ')}`, ...extra },
        });
      assert.equal((await final([mine, theirs])).status, 404, 'another user’s partial is not found');
      assert.equal((await final([mine, incomplete])).status, 400, 'an incomplete partial');
      assert.equal((await final([mine, mine])).status, 400, 'a partial named twice');
      assert.equal((await final(['/api/items/ATT-000001'])).status, 400, 'not an upload');
      assert.equal(
        (await final([mine], { 'upload-length': '3' })).status,
        400,
        'Upload-Length on a final upload',
      );
      const noProvenance = await fetch(endpoint, {
        method: 'POST',
        headers: { ...h, 'upload-concat': `final;${mine}` },
      });
      assert.equal(noProvenance.status, 422);
      assert.equal(await count('item'), items, 'nothing recorded');
      assert.equal(await count('upload'), uploads, 'no final upload left behind');
      const ok = await final([mine]);
      assert.equal(ok.status, 201);
      const patch = await fetch(new URL(String(ok.headers.get('location')), endpoint), {
        method: 'PATCH',
        headers: { ...h, 'upload-offset': '3', 'content-type': 'application/offset+octet-stream' },
        body: Buffer.from('more'),
      });
      assert.equal(patch.status, 403, 'tus §concatenation: PATCH to a final upload is 403');
      assert.equal(
        ((await patch.json()) as { type: string }).type,
        'https://attest.example/problems/final-upload',
      );
    });
  });
}
