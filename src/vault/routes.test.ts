/**
 * Evidence over real HTTP (a listening server on loopback): resumable tus uploads that survive
 * three dropped connections, a multipart upload cut off at 50 % that leaves nothing, downloads
 * with Range, and the custody timeline whose proofs verify against the signed checkpoint.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { type TestCaller, tokenAs } from '../../test/support/access.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { buildApp } from '../api/server.js';
import { verifyInclusion } from '../lib/merkle.js';

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const b64 = (v: string) => Buffer.from(v).toString('base64');
const META = `filename ${b64('convoy.bin')},source ${b64('synthetic field upload')},collectedAt ${b64('2016-12-18')},collectedBy ${b64('monitor-03')}`;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

for (const dialect of DIALECTS) {
  describe(`${dialect}: evidence over HTTP`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let port: number;
    let investigator: TestCaller;

    before(async () => {
      s = await openTestStore(dialect);
      app = await buildApp(s.ctx);
      await app.listen({ host: '127.0.0.1', port: 0 });
      port = (app.server.address() as AddressInfo).port;
      investigator = await tokenAs(s.ctx, 'investigator', ['general']);
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    function send(
      method: string,
      path: string,
      headers: Record<string, string>,
      body?: Buffer,
    ): Promise<Res> {
      return new Promise((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, method, path, headers: { ...investigator.headers, ...headers } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    }

    /** sendCutOff writes `part` of a body announced as `total` bytes, then drops the connection. */
    function sendCutOff(
      method: string,
      path: string,
      headers: Record<string, string>,
      part: Buffer,
      total: number,
    ) {
      return new Promise<void>((resolve) => {
        const req = request({
          host: '127.0.0.1',
          port,
          method,
          path,
          headers: { ...investigator.headers, ...headers, 'content-length': String(total) },
        });
        req.on('error', () => resolve());
        req.on('close', () => resolve());
        req.write(part, () => setTimeout(() => req.destroy(), 50));
      });
    }

    /** until polls `done` every 20 ms until it holds or 30 s pass (no fixed sleeps). */
    async function until(done: () => boolean | Promise<boolean>): Promise<void> {
      const deadline = Date.now() + 30_000;
      while (!(await done()) && Date.now() < deadline) await sleep(20);
    }

    /** settledOffset is the upload's offset once it has passed `from` and not moved for 300 ms. */
    async function settledOffset(location: string, from: number): Promise<number> {
      let last = -1;
      let since = Date.now();
      await until(async () => {
        const head = await send('HEAD', location, { 'tus-resumable': '1.0.0' });
        assert.equal(head.status, 200);
        const now = Number(head.headers['upload-offset']);
        if (now !== last) {
          last = now;
          since = Date.now();
        }
        return now > from && Date.now() - since >= 300;
      });
      return last;
    }

    it('resumes a tus upload interrupted three times and ends with the right SHA-256', async () => {
      const file = randomBytes(6 * 1024 * 1024 + 123);
      const created = await send('POST', '/api/uploads', {
        'tus-resumable': '1.0.0',
        'upload-length': String(file.length),
        'upload-metadata': META,
      });
      assert.equal(created.status, 201, created.body.toString());
      const location = String(created.headers.location);
      let offset = 0;
      for (let cut = 1; cut <= 3; cut++) {
        const upTo = Math.floor((file.length * cut) / 4);
        await sendCutOff(
          'PATCH',
          location,
          {
            'tus-resumable': '1.0.0',
            'upload-offset': String(offset),
            'content-type': 'application/offset+octet-stream',
          },
          file.subarray(offset, upTo),
          file.length - offset,
        );
        // The server writes what arrived of the cut-off PATCH at its own pace: wait (bounded)
        // until the offset has advanced and stopped moving, as a tus client's HEAD would see it.
        const now = await settledOffset(location, offset);
        assert.ok(now > offset, `interruption ${cut}: offset advanced from ${offset} to ${now}`);
        offset = now;
      }
      const stale = await send(
        'PATCH',
        location,
        { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
        file.subarray(0, 10),
      );
      assert.equal(stale.status, 409, 'a wrong offset is a conflict');
      const last = await send(
        'PATCH',
        location,
        {
          'tus-resumable': '1.0.0',
          'upload-offset': String(offset),
          'content-type': 'application/offset+octet-stream',
        },
        file.subarray(offset),
      );
      assert.equal(last.status, 204, last.body.toString());
      const ern = String(last.headers['attest-item-ern']);
      const item = JSON.parse((await send('GET', `/api/items/${ern}`, {})).body.toString());
      assert.equal(item.sha256, sha(file));
      assert.equal(item.size, file.length);
      // The parts are gone from the database and from the blob store's scratch space.
      assert.deepEqual(await s.ctx.db.selectFrom('upload_part').selectAll().execute(), []);
      assert.deepEqual(
        existsSync(join(s.dir, 'blobs', 'uploads')) ? readdirSync(join(s.dir, 'blobs', 'uploads')) : [],
        [],
        'the parts’ bytes are removed',
      );
    });

    it('refuses tus requests without the version header, with hostile metadata, or over the limit', async () => {
      assert.equal(
        (await send('POST', '/api/uploads', { 'upload-length': '5', 'upload-metadata': META })).status,
        412,
      );
      const hostile = await send('POST', '/api/uploads', {
        'tus-resumable': '1.0.0',
        'upload-length': '5',
        'upload-metadata': 'filename !!!,source',
      });
      assert.equal(hostile.status, 400);
      assert.match(String(hostile.headers['content-type']), /application\/problem\+json/);
      const huge = await send('POST', '/api/uploads', {
        'tus-resumable': '1.0.0',
        'upload-length': String(5 * 1024 ** 3),
        'upload-metadata': META,
      });
      assert.equal(huge.status, 413);
      const noProvenance = await send('POST', '/api/uploads', {
        'tus-resumable': '1.0.0',
        'upload-length': '5',
        'upload-metadata': `filename ${b64('x')}`,
      });
      assert.equal(noProvenance.status, 422);
      const created = await send('POST', '/api/uploads', {
        'tus-resumable': '1.0.0',
        'upload-length': '5',
        'upload-metadata': META,
      });
      const other = await tokenAs(s.ctx, 'investigator', ['general']);
      const theirs = await send('HEAD', String(created.headers.location), {
        ...other.headers,
        'tus-resumable': '1.0.0',
      });
      assert.equal(theirs.status, 404, "another user's upload is not found");
    });

    it('keeps nothing from a multipart upload cut off at 50 %', async () => {
      const before = await s.ctx.db.selectFrom('item').select('id').execute();
      const blobsBefore = await s.ctx.db.selectFrom('blob').select('sha256').execute();
      const boundary = 'attestboundary';
      const head = Buffer.from(
        [
          `--${boundary}\r\ncontent-disposition: form-data; name="source"\r\n\r\nsynthetic\r\n`,
          `--${boundary}\r\ncontent-disposition: form-data; name="collectedAt"\r\n\r\n2016-12-18\r\n`,
          `--${boundary}\r\ncontent-disposition: form-data; name="collectedBy"\r\n\r\nmonitor-02\r\n`,
          `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="video.bin"\r\ncontent-type: application/octet-stream\r\n\r\n`,
        ].join(''),
      );
      const file = randomBytes(4 * 1024 * 1024);
      const total = head.length + file.length + `\r\n--${boundary}--\r\n`.length;
      // The server's own view of the request: it has seen the cut once its request closes.
      const serverSawCut = new Promise<void>((resolve) =>
        app.server.once('request', (req) => req.once('close', () => resolve())),
      );
      await sendCutOff(
        'POST',
        '/api/items',
        { 'content-type': `multipart/form-data; boundary=${boundary}` },
        Buffer.concat([head, file.subarray(0, file.length / 2)]),
        total,
      );
      // The server notices the cut and removes its temp file at its own pace: wait (bounded) until
      // it has seen the cut and the temp directory has stayed empty for 500 ms.
      await serverSawCut;
      let emptySince = Number.POSITIVE_INFINITY;
      await until(() => {
        if (readdirSync(join(s.dir, 'blobs', 'tmp')).length > 0) emptySince = Number.POSITIVE_INFINITY;
        else emptySince = Math.min(emptySince, Date.now());
        return Date.now() - emptySince >= 500;
      });
      assert.equal((await s.ctx.db.selectFrom('item').select('id').execute()).length, before.length);
      assert.equal((await s.ctx.db.selectFrom('blob').select('sha256').execute()).length, blobsBefore.length);
      assert.deepEqual(readdirSync(join(s.dir, 'blobs', 'tmp')), [], 'no partial temp file');
    });

    it('uploads by multipart, serves Range requests, and logs every view with a provable timeline', async () => {
      const content = Buffer.from('checkpoint Ramouseh 2016-12-18: 12 buses observed');
      const boundary = 'b0undary';
      const body = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\ncontent-disposition: form-data; name="source"\r\n\r\nsynthetic\r\n` +
            `--${boundary}\r\ncontent-disposition: form-data; name="collectedAt"\r\n\r\n2016-12-18T09:30\r\n` +
            `--${boundary}\r\ncontent-disposition: form-data; name="collectedBy"\r\n\r\nmonitor-04\r\n` +
            `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="note.txt"\r\n\r\n`,
        ),
        content,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const up = await send(
        'POST',
        '/api/items',
        { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body,
      );
      assert.equal(up.status, 201, up.body.toString());
      const { item } = JSON.parse(up.body.toString());
      const full = await send('GET', `/api/items/${item.ern}/content`, {});
      assert.equal(full.status, 200);
      assert.deepEqual(full.body, content);
      assert.equal(
        full.headers['repr-digest'],
        `sha-256=:${createHash('sha256').update(content).digest('base64')}:`,
      );
      const part = await send('GET', `/api/items/${item.ern}/content`, { range: 'bytes=11-18' });
      assert.equal(part.status, 206);
      assert.equal(part.body.toString(), 'Ramouseh');
      assert.equal(part.headers['content-range'], `bytes 11-18/${content.length}`);
      const bad = await send('GET', `/api/items/${item.ern}/content`, { range: `bytes=${content.length}-` });
      assert.equal(bad.status, 416);
      const timeline = JSON.parse((await send('GET', `/api/items/${item.ern}/custody`, {})).body.toString());
      assert.deepEqual(
        timeline.entries.map((e: { kind: string }) => e.kind),
        ['ingest', 'view'],
        'ingest, then one view for the two reads of the bytes in this hour (issue 12.14; the refused range is none)',
      );
      // Each entry names its actor by id, as logged, and by username when the actor is an account.
      assert.deepEqual(
        timeline.entries.map((e: { actor: string; actorName: string | null }) => [e.actor, e.actorName]),
        [
          [investigator.userId, investigator.username],
          [investigator.userId, investigator.username],
        ],
      );
      const root = Buffer.from(Buffer.from(timeline.checkpoint.signedNote.split('\n')[2], 'base64'));
      for (const e of timeline.entries) {
        const proof = e.proof.map((h: string) => Buffer.from(h, 'hex'));
        assert.ok(
          verifyInclusion(Buffer.from(e.leafHash, 'hex'), e.seq, timeline.checkpoint.size, proof, root),
          `entry ${e.seq}`,
        );
      }
    });
  });
}
