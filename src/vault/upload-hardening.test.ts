/**
 * upload-hardening.test.ts — the upload attacks of issue 12, over real HTTP (a listening server on
 * loopback) on both databases: duplicate detection that crossed compartments (12.1), concurrent
 * tus PATCHes that interleaved (12.6), and hostile multipart bodies answered with 500/413 (12.11).
 * Each attack is replayed as reported and must now get the safe answer.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { type TestCaller, tokenAs } from '../../test/support/access.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { createApiToken } from '../access/index.js';
import { buildApp } from '../api/server.js';

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const PROBLEMS = 'https://attest.example/problems/';
const b64 = (v: string) => Buffer.from(v).toString('base64');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const TUS = { 'tus-resumable': '1.0.0' };

/** multipartBody builds a form-data body: `fields` in order, then each file part. */
function multipartBody(
  boundary: string,
  fields: [string, string][],
  files: { name: string; bytes: Buffer }[],
): Buffer {
  const parts: Buffer[] = fields.map(([k, v]) =>
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
  );
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${f.name}"\r\n` +
          'content-type: application/octet-stream\r\n\r\n',
      ),
      f.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

const provenance = (source: string, compartment: string, title: string): [string, string][] => [
  ['source', source],
  ['collectedAt', '2016-12-18'],
  ['collectedBy', 'monitor-09'],
  ['compartment', compartment],
  ['title', title],
];

for (const dialect of DIALECTS) {
  describe(`${dialect}: upload hardening (issue 12)`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let port: number;
    let alpha: TestCaller;
    let witness: TestCaller;

    before(async () => {
      s = await openTestStore(dialect);
      app = await buildApp(s.ctx);
      await app.listen({ host: '127.0.0.1', port: 0 });
      port = (app.server.address() as AddressInfo).port;
      alpha = await tokenAs(s.ctx, 'investigator', ['alpha']);
      witness = await tokenAs(s.ctx, 'investigator', ['witness']);
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    function send(
      caller: TestCaller,
      method: string,
      path: string,
      headers: Record<string, string>,
      body?: Buffer,
    ): Promise<Res> {
      return new Promise((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, method, path, headers: { ...caller.headers, ...headers } },
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

    const problemType = (res: Res) => {
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/, res.body.toString());
      return (JSON.parse(res.body.toString()) as { type: string }).type.replace(PROBLEMS, '');
    };

    async function upload(caller: TestCaller, compartment: string, title: string, bytes: Buffer) {
      const boundary = `b${randomBytes(8).toString('hex')}`;
      const body = multipartBody(boundary, provenance(`source of ${title}`, compartment, title), [
        { name: `${title}.bin`, bytes },
      ]);
      return send(
        caller,
        'POST',
        '/api/items',
        { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body,
      );
    }

    async function tusUpload(caller: TestCaller, compartment: string, title: string, bytes: Buffer) {
      const meta = [
        `filename ${b64(`${title}.bin`)}`,
        `title ${b64(title)}`,
        `source ${b64(`source of ${title}`)}`,
        `collectedAt ${b64('2016-12-18')}`,
        `collectedBy ${b64('monitor-09')}`,
        `compartment ${b64(compartment)}`,
      ].join(',');
      const created = await send(caller, 'POST', '/api/uploads', {
        ...TUS,
        'upload-length': String(bytes.length),
        'upload-metadata': meta,
      });
      assert.equal(created.status, 201, created.body.toString());
      const location = String(created.headers.location);
      const done = await send(
        caller,
        'PATCH',
        location,
        { ...TUS, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
        bytes,
      );
      assert.equal(done.status, 204, done.body.toString());
      return String(done.headers['attest-item-ern']);
    }

    const countRows = async (table: 'item' | 'blob' | 'custody_entry') =>
      Number(
        (
          await s.ctx.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    describe('issue 12.1: duplicate detection stays inside the caller’s compartments', () => {
      it('multipart: bytes held only in witness become a new alpha item, and the reply is the same as for new bytes', async () => {
        const hidden = randomBytes(2048);
        const held = await upload(witness, 'witness', 'witness-statement', hidden);
        assert.equal(held.status, 201, held.body.toString());
        const heldItem = JSON.parse(held.body.toString()).item;

        const blobsBefore = await countRows('blob');
        const res = await upload(alpha, 'alpha', 'alpha-copy', hidden);
        const fresh = await upload(alpha, 'alpha', 'alpha-fresh', randomBytes(2048));
        assert.equal(res.status, 201, 'recorded for the uploader, not a 200 duplicate');
        assert.equal(res.status, fresh.status);
        const got = JSON.parse(res.body.toString());
        const want = JSON.parse(fresh.body.toString());
        assert.equal(got.status, 'added');
        assert.deepEqual(Object.keys(got.item).sort(), Object.keys(want.item).sort());
        assert.deepEqual(Object.keys(res.headers).sort(), Object.keys(fresh.headers).sort());
        assert.equal(got.item.compartment, 'alpha');
        assert.equal(got.item.title, 'alpha-copy');
        assert.equal(got.item.source, 'source of alpha-copy');
        assert.notEqual(got.item.ern, heldItem.ern);
        assert.equal(got.item.sha256, heldItem.sha256, 'same bytes');
        for (const secret of [heldItem.ern, heldItem.id, 'witness', heldItem.title, heldItem.originalName])
          assert.ok(!res.body.toString().includes(secret), `reply names ${secret}`);
        assert.equal(
          await countRows('blob'),
          blobsBefore + 1,
          'the held blob is reused; only the fresh one is new',
        );

        const again = await upload(alpha, 'alpha', 'alpha-again', hidden);
        assert.equal(again.status, 200, 'a re-upload finds the caller’s own item');
        assert.equal(JSON.parse(again.body.toString()).item.ern, got.item.ern);

        const both = await tokenAs(s.ctx, 'investigator', ['alpha', 'witness']);
        const seen = await upload(both, 'alpha', 'seen-by-both', hidden);
        assert.equal(seen.status, 200, 'an item the caller may read is a duplicate');
        assert.equal(JSON.parse(seen.body.toString()).item.ern, heldItem.ern);
      });

      it('tus: the completed upload answers the caller’s own new ERN, never the witness one', async () => {
        const hidden = randomBytes(4096);
        const heldErn = await tusUpload(witness, 'witness', 'witness-video', hidden);
        const ern = await tusUpload(alpha, 'alpha', 'alpha-video', hidden);
        assert.notEqual(ern, heldErn);
        const item = JSON.parse((await send(alpha, 'GET', `/api/items/${ern}`, {})).body.toString());
        assert.equal(item.compartment, 'alpha');
        assert.equal(item.title, 'alpha-video');
        assert.equal(item.sha256, sha(hidden));
        assert.equal((await send(alpha, 'GET', `/api/items/${heldErn}`, {})).status, 404);
        const entries = await s.ctx.db
          .selectFrom('custody_entry')
          .select('payload')
          .where('kind', '=', 'ingest')
          .execute();
        assert.ok(
          entries.some((e) => e.payload.includes(ern)),
          'the uploader’s item has its own ingest entry',
        );
        assert.equal(await tusUpload(alpha, 'alpha', 'alpha-video-2', hidden), ern, 'own re-upload');
      });
    });

    describe('issue 12.6: one PATCH writes to an upload at a time', () => {
      async function create(length: number): Promise<string> {
        const meta = `filename ${b64('f.bin')},source ${b64('s')},collectedAt ${b64('2016-12-18')},collectedBy ${b64('m')},compartment ${b64('alpha')}`;
        const created = await send(alpha, 'POST', '/api/uploads', {
          ...TUS,
          'upload-length': String(length),
          'upload-metadata': meta,
        });
        assert.equal(created.status, 201, created.body.toString());
        return String(created.headers.location);
      }
      const patchHeaders = (offset: number) => ({
        ...TUS,
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
      });

      it('a token scoped away from the upload’s compartment neither reads, finishes nor deletes it', async () => {
        const both = await tokenAs(s.ctx, 'investigator', ['alpha', 'witness']);
        const meta = `filename ${b64('w.bin')},title ${b64('secret witness file')},source ${b64('s')},collectedAt ${b64('2016-12-18')},collectedBy ${b64('m')},compartment ${b64('witness')}`;
        const created = await send(both, 'POST', '/api/uploads', {
          ...TUS,
          'upload-length': '8',
          'upload-metadata': meta,
        });
        assert.equal(created.status, 201, created.body.toString());
        const location = String(created.headers.location);
        // The same user, through a token that holds alpha only.
        const { token } = await createApiToken(s.ctx, both.userId, {
          name: 'alpha only',
          role: 'investigator',
          compartments: ['alpha'],
          expiresInDays: 1,
        });
        const alphaOnly = {
          ...both,
          compartments: ['alpha'],
          headers: { ...both.headers, authorization: `Bearer ${token}` },
        };
        const head = await send(alphaOnly, 'HEAD', location, TUS);
        assert.equal(head.status, 404);
        assert.equal(head.headers['upload-metadata'], undefined);
        const patch = await send(alphaOnly, 'PATCH', location, patchHeaders(0), Buffer.from('12345678'));
        assert.equal(patch.status, 404);
        assert.equal(
          (
            await s.ctx.db
              .selectFrom('item')
              .select('id')
              .where('title', '=', 'secret witness file')
              .execute()
          ).length,
          0,
        );
        const del = await send(alphaOnly, 'DELETE', location, TUS);
        assert.equal(del.status, 404);
        // The token that may write there still can: the upload survived the refused DELETE.
        const done = await send(both, 'PATCH', location, patchHeaders(0), Buffer.from('12345678'));
        assert.equal(done.status, 204, done.body.toString());
      });

      it('refuses a second PATCH and a DELETE with 409 while the first is writing; the item is the first body', async () => {
        const location = await create(256 * 1024);
        const id = location.split('/').pop()!;
        const first = randomBytes(256 * 1024);
        // PATCH A: announce the whole body, send the first half, hold the rest back.
        let holdA: () => void = () => {};
        const a = new Promise<Res>((resolve, reject) => {
          const req = request(
            {
              host: '127.0.0.1',
              port,
              method: 'PATCH',
              path: location,
              headers: { ...alpha.headers, ...patchHeaders(0), 'content-length': String(first.length) },
            },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () =>
                resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
              );
            },
          );
          req.on('error', reject);
          req.write(first.subarray(0, 128 * 1024));
          holdA = () => req.end(first.subarray(128 * 1024));
        });
        // Wait (bounded) until A holds the lock. Its bytes become a part of the upload (and the
        // offset moves) when its request ends: the offset stays 0 meanwhile.
        const deadline = Date.now() + 30_000;
        for (;;) {
          const row = await s.ctx.db
            .selectFrom('upload')
            .selectAll()
            .where('id', '=', id)
            .executeTakeFirstOrThrow();
          if (row.lock_token) break;
          assert.ok(Date.now() < deadline, 'PATCH A never took the lock');
          await sleep(20);
        }
        const head = await send(alpha, 'HEAD', location, TUS);
        assert.equal(head.headers['upload-offset'], '0', 'a PATCH in progress has stored no part yet');
        const b = await send(alpha, 'PATCH', location, patchHeaders(0), randomBytes(256 * 1024));
        assert.equal(b.status, 409);
        assert.equal(problemType(b), 'upload-locked');
        const resumeB = await send(
          alpha,
          'PATCH',
          location,
          patchHeaders(128 * 1024),
          randomBytes(128 * 1024),
        );
        assert.equal(resumeB.status, 409, 'even at the offset A has reached');
        assert.equal(problemType(resumeB), 'upload-locked');
        const del = await send(alpha, 'DELETE', location, TUS);
        assert.equal(del.status, 409);
        const stranger = await tokenAs(s.ctx, 'investigator', ['alpha']);
        const theirs = await send(stranger, 'PATCH', location, patchHeaders(0), randomBytes(16));
        assert.equal(theirs.status, 404, 'another user learns nothing about the lock');

        holdA();
        const res = await a;
        assert.equal(res.status, 204, res.body.toString());
        const ern = String(res.headers['attest-item-ern']);
        const item = JSON.parse((await send(alpha, 'GET', `/api/items/${ern}`, {})).body.toString());
        assert.equal(item.sha256, sha(first), 'the item is exactly the body of PATCH A');
        const late = await send(alpha, 'PATCH', location, patchHeaders(0), randomBytes(16));
        assert.equal(late.status, 409);
        assert.equal(problemType(late), 'conflict', 'a finished upload takes no more bytes');
      });

      it('three PATCHes racing at offset 0, nine times: each item is exactly one of the bodies', async () => {
        for (let run = 0; run < 9; run++) {
          const length = 192 * 1024;
          const location = await create(length);
          const bodies = [randomBytes(length), randomBytes(length), randomBytes(length)];
          const results = await Promise.all(
            bodies.map((body) => send(alpha, 'PATCH', location, patchHeaders(0), body)),
          );
          const won = results.filter((r) => r.status === 204);
          assert.equal(won.length, 1, `run ${run}: ${results.map((r) => r.status)}`);
          for (const r of results.filter((x) => x.status !== 204)) {
            assert.equal(r.status, 409, `run ${run}`);
            assert.ok(['upload-locked', 'conflict'].includes(problemType(r)));
          }
          const ern = String(won[0]!.headers['attest-item-ern']);
          const item = JSON.parse((await send(alpha, 'GET', `/api/items/${ern}`, {})).body.toString());
          assert.ok(
            bodies.some((body) => sha(body) === item.sha256),
            `run ${run}: the stored bytes are one of the bodies`,
          );
        }
      });
    });

    describe('issue 12.11: hostile multipart bodies are 400 problems with nothing stored', () => {
      it('refuses __proto__ and other prototype field names, a missing boundary, two files', async () => {
        const items = await countRows('item');
        const entries = await countRows('custody_entry');
        const boundary = 'hostileboundary';
        const form = { 'content-type': `multipart/form-data; boundary=${boundary}` };
        const file = { name: 'a.bin', bytes: Buffer.from('first file') };
        for (const name of ['__proto__', 'constructor', 'hasOwnProperty']) {
          const res = await send(
            alpha,
            'POST',
            '/api/items',
            form,
            multipartBody(boundary, [[name, '{"polluted":true}'], ...provenance('s', 'alpha', 't')], [file]),
          );
          assert.equal(res.status, 400, `${name}: ${res.body}`);
          assert.equal(problemType(res), 'invalid-request', name);
          assert.equal(({} as Record<string, unknown>).polluted, undefined);
        }
        const body = multipartBody(boundary, provenance('s', 'alpha', 't'), [file]);
        for (const contentType of [
          'multipart/form-data',
          'multipart/form-data; boundary=',
          'multipart/form-data; charset=utf-8',
        ]) {
          const res = await send(alpha, 'POST', '/api/items', { 'content-type': contentType }, body);
          assert.equal(res.status, 400, `${contentType}: ${res.body}`);
          assert.equal(problemType(res), 'invalid-request', contentType);
        }
        const two = await send(
          alpha,
          'POST',
          '/api/items',
          form,
          multipartBody(boundary, provenance('s', 'alpha', 't'), [
            file,
            { name: 'b.bin', bytes: Buffer.from('second') },
          ]),
        );
        assert.equal(two.status, 400, two.body.toString());
        assert.equal(problemType(two), 'invalid-request');
        assert.match(JSON.parse(two.body.toString()).detail, /one file per request/);
        const garbage = await send(
          alpha,
          'POST',
          '/api/items',
          form,
          Buffer.from(`--${boundary}\r\nno headers here`),
        );
        assert.ok([400, 422].includes(garbage.status), `garbage: ${garbage.status} ${garbage.body}`);
        assert.equal(await countRows('item'), items, 'no item recorded');
        assert.equal(await countRows('custody_entry'), entries, 'no custody entry');
      });
    });

    describe('invisible and direction-changing characters in provenance and titles', () => {
      const HOSTILE = [
        ['source', 'field team 3\u202E'],
        ['source', 'field team 3\u2066'],
        ['source', 'field\u0085team 3'],
        ['collectedBy', 'monitor\u202D-09'],
        ['title', 'report\u202Efdp.exe'],
        ['title', 'report\u0090'],
      ] as const;
      it('multipart: refuses C0/C1 controls and bidi overrides with a problem and stores nothing', async () => {
        for (const [field, value] of HOSTILE) {
          const items = await countRows('item');
          const blobs = await countRows('blob');
          const boundary = `b${randomBytes(8).toString('hex')}`;
          const fields = provenance('field team 3', 'alpha', 'a title').map(([k, v]): [string, string] => [
            k,
            k === field ? value : v,
          ]);
          const res = await send(
            alpha,
            'POST',
            '/api/items',
            { 'content-type': `multipart/form-data; boundary=${boundary}` },
            multipartBody(boundary, fields, [{ name: 'x.bin', bytes: randomBytes(64) }]),
          );
          // A title is an ordinary field (invalid-request); provenance has its own problem.
          assert.equal(res.status, field === 'title' ? 400 : 422, `${field}: ${res.body.toString()}`);
          assert.equal(problemType(res), field === 'title' ? 'invalid-request' : 'invalid-provenance');
          assert.equal(await countRows('item'), items);
          assert.equal(await countRows('blob'), blobs);
        }
      });
      it('tus: refuses them at creation, before any byte', async () => {
        for (const [field, value] of HOSTILE) {
          const meta = {
            filename: 'x.bin',
            title: 'a title',
            source: 'field team 3',
            collectedAt: '2016-12-18',
            collectedBy: 'monitor-09',
            compartment: 'alpha',
            [field]: value,
          };
          const created = await send(alpha, 'POST', '/api/uploads', {
            ...TUS,
            'upload-length': '5',
            'upload-metadata': Object.entries(meta)
              .map(([k, v]) => `${k} ${b64(v)}`)
              .join(','),
          });
          assert.equal(created.status, field === 'title' ? 400 : 422, `${field}: ${created.body.toString()}`);
        }
      });
      it('keeps the zero-width non-joiner a Persian title needs', async () => {
        const ok = await upload(alpha, 'alpha', 'گزارش\u200Cها', randomBytes(32));
        assert.equal(ok.status, 201, ok.body.toString());
        assert.equal(JSON.parse(ok.body.toString()).item.title, 'گزارش\u200Cها');
      });
    });
  });
}
