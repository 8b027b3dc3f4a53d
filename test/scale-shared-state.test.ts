/**
 * scale-shared-state.test.ts — two API servers (in this process) on one PostgreSQL database and
 * one blob store, each with its own data directory, as two `attest serve` processes run (issue
 * 21.2): a resumable upload begun on server A resumes and completes on server B (and tus
 * concatenation joins partials sent to different servers), and the per-user limit on open event
 * streams counts the streams of both servers, including what a server that died left behind.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/server.js';
import { loadConfig } from '../src/config.js';
import { MAX_STREAMS_PER_USER, planOperations } from '../src/ops/index.js';
import { type OpenStore, openStore } from '../src/store/open.js';
import { loginAs, type TestCaller, tokenAs } from './support/access.js';
import { SMALL_OP, smallPlan } from './support/ops.js';
import { createPgDatabase, DIALECTS, scratchDir } from './support/stores.js';

const COMPARTMENT = 'aleppo';
const TUS = { 'tus-resumable': '1.0.0' };
const b64 = (v: string) => Buffer.from(v).toString('base64');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const META = [
  `filename ${b64('witness-statement.bin')}`,
  `source ${b64('synthetic field team')}`,
  `collectedAt ${b64('2016-12-16')}`,
  `collectedBy ${b64('monitor-04')}`,
  `compartment ${b64(COMPARTMENT)}`,
].join(',');

interface Server {
  readonly store: OpenStore;
  readonly app: FastifyInstance;
  readonly base: string;
}

interface Res {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

async function send(
  base: string,
  caller: TestCaller,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<Res> {
  const res = await fetch(new URL(path, base), {
    method,
    headers: { ...caller.headers, ...headers },
    ...(body ? { body } : {}),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const patch = (offset: number) => ({
  ...TUS,
  'upload-offset': String(offset),
  'content-type': 'application/offset+octet-stream',
});

describe('postgres: two servers share uploads and the event-stream limit (issue 21.2)', {
  skip: !DIALECTS.includes('postgres'),
}, () => {
  const servers: Server[] = [];
  let investigator: TestCaller;
  let coordinator: TestCaller;

  before(async () => {
    const root = scratchDir('shared-state-');
    const databaseUrl = await createPgDatabase();
    for (const name of ['a', 'b']) {
      const store = await openStore(
        loadConfig({
          ATTEST_DATA: join(root, name),
          DATABASE_URL: databaseUrl,
          ATTEST_BLOBS: join(root, 'blobs'),
          ATTEST_KEYS_DIR: join(root, 'keys'),
        }),
      );
      const app = await buildApp(store.ctx);
      await app.listen({ host: '127.0.0.1', port: 0 });
      servers.push({ store, app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` });
    }
    const ctx = servers[0]!.store.ctx;
    await planOperations(ctx, smallPlan(COMPARTMENT), 'test');
    investigator = await tokenAs(ctx, 'investigator', [COMPARTMENT]);
    coordinator = await loginAs(servers[0]!.app, ctx, 'coordinator', [COMPARTMENT]);
  });
  after(async () => {
    for (const s of servers) {
      await s.app.close();
      await s.store.close();
    }
  });

  it('resumes on server B an upload begun on server A', async () => {
    const [a, b] = servers as [Server, Server];
    const bytes = randomBytes(300 * 1024);
    const created = await send(a.base, investigator, 'POST', '/api/uploads', {
      ...TUS,
      'upload-length': String(bytes.length),
      'upload-metadata': META,
    });
    assert.equal(created.status, 201, created.text);
    const location = created.headers.get('location')!;
    const first = await send(
      a.base,
      investigator,
      'PATCH',
      location,
      patch(0),
      bytes.subarray(0, 100 * 1024),
    );
    assert.equal(first.status, 204, first.text);
    assert.equal(first.headers.get('upload-offset'), String(100 * 1024));
    // Server B knows the upload and its offset (server A's data directory holds nothing of it).
    const head = await send(b.base, investigator, 'HEAD', location, TUS);
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('upload-offset'), String(100 * 1024));
    const second = await send(
      b.base,
      investigator,
      'PATCH',
      location,
      patch(100 * 1024),
      bytes.subarray(100 * 1024, 200 * 1024),
    );
    assert.equal(second.status, 204, second.text);
    // Back to A for the last third: any server takes the next PATCH.
    const last = await send(
      a.base,
      investigator,
      'PATCH',
      location,
      patch(200 * 1024),
      bytes.subarray(200 * 1024),
    );
    assert.equal(last.status, 204, last.text);
    const ern = last.headers.get('attest-item-ern');
    assert.match(String(ern), /^ATT-\d{6}$/);
    const item = JSON.parse((await send(b.base, investigator, 'GET', `/api/items/${ern}`)).text);
    assert.equal(item.sha256, sha(bytes), 'the item is the three PATCHes in order');
    assert.equal(item.size, bytes.length);
    const parts = await a.store.ctx.db.selectFrom('upload_part').selectAll().execute();
    assert.deepEqual(parts, [], 'the parts are removed once the item is recorded');
  });

  it('joins partial uploads sent to different servers (tus concatenation)', async () => {
    const [a, b] = servers as [Server, Server];
    const pieces = [randomBytes(70_000), randomBytes(50_000)];
    const urls: string[] = [];
    for (const [i, piece] of pieces.entries()) {
      const server = i === 0 ? a : b;
      const created = await send(server.base, investigator, 'POST', '/api/uploads', {
        ...TUS,
        'upload-length': String(piece.length),
        'upload-concat': 'partial',
      });
      assert.equal(created.status, 201, created.text);
      const url = created.headers.get('location')!;
      assert.equal((await send(server.base, investigator, 'PATCH', url, patch(0), piece)).status, 204);
      urls.push(url);
    }
    const final = await send(a.base, investigator, 'POST', '/api/uploads', {
      ...TUS,
      'upload-concat': `final;${urls.join(' ')}`,
      'upload-metadata': META,
    });
    assert.equal(final.status, 201, final.text);
    const ern = final.headers.get('attest-item-ern');
    const item = JSON.parse((await send(b.base, investigator, 'GET', `/api/items/${ern}`)).text);
    assert.equal(item.sha256, sha(Buffer.concat(pieces)));
  });

  it('counts the event streams of both servers against one per-user limit', async () => {
    const [a, b] = servers as [Server, Server];
    const path = `/api/ops/operations/${SMALL_OP}/events`;
    const open = (server: Server) =>
      new Promise<{ status: number; close: () => void }>((resolve, reject) => {
        const req = request(`${server.base}${path}`, { headers: coordinator.headers }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, close: () => req.destroy() });
        });
        req.on('error', reject);
        req.end();
      });
    const slots = async () =>
      Number(
        (
          await a.store.ctx.db
            .selectFrom('event_stream')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('user_id', '=', coordinator.userId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const streams: { status: number; close: () => void }[] = [];
    try {
      // Half on each server: together they are the user's whole allowance.
      for (let i = 0; i < MAX_STREAMS_PER_USER; i++) {
        const s = await open(i % 2 === 0 ? a : b);
        assert.equal(s.status, 200, `stream ${i + 1}`);
        streams.push(s);
      }
      for (const server of [a, b]) {
        const refused = await send(server.base, coordinator, 'GET', `${path}?follow=false&lastEventId=0`);
        assert.equal(refused.status, 429, 'one more on either server is refused');
        assert.equal(JSON.parse(refused.text).type, 'https://attest.example/problems/too-many-streams');
      }
      // A stream closed on server B frees a slot that server A can give out.
      streams.pop()!.close();
      for (let i = 0; i < 500 && (await slots()) >= MAX_STREAMS_PER_USER; i++)
        await new Promise((r) => setTimeout(r, 20));
      const again = await open(a);
      assert.equal(again.status, 200);
      streams.push(again);
    } finally {
      for (const s of streams) s.close();
    }
    for (let i = 0; i < 500 && (await slots()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await slots(), 0, 'every closed stream gave its slot back');

    // A server that died left its streams' rows: they stop counting once their leases run out.
    const past = new Date(Date.now() - 1000).toISOString();
    await a.store.ctx.db
      .insertInto('event_stream')
      .values(
        Array.from({ length: MAX_STREAMS_PER_USER }, (_, i) => ({
          id: `dead-${i}`,
          user_id: coordinator.userId,
          opened_at: past,
          lease_until: past,
        })),
      )
      .execute();
    const afterDeath = await open(b);
    assert.equal(afterDeath.status, 200, 'expired leases do not count');
    afterDeath.close();
  });
});
