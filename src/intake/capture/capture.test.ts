/**
 * capture.test.ts — web capture against a local HTTP server (never the internet): the WARC 1.1
 * record set with redirects, request/response pairs, IP, dates and SHA-256 digests; the WARC as
 * the item with its text extracted by intake; and hostile pages: endless redirects, a body that
 * never ends, a server that never answers, and addresses a capture must not reach.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WARCParser } from 'warcio';
import { DIALECTS, openTestStore, type TestStore } from '../../../test/support/stores.js';
import { itemEntries } from '../../custody/index.js';
import { JobRegistry, Worker } from '../../store/job-worker.js';
import { INTAKE_JOB_KINDS } from '../index.js';
import { intakeState } from '../service.js';
import { isBlockedAddress, parseCaptureUrl } from './fetch.js';
import { captureUrl } from './service.js';

const PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><title>تقرير</title></head><body><h1>Convoy at Ramouseh</h1><p>وصلت القافلة إلى الراموسة</p></body></html>';

let server: Server;
let base: string;
const open = new Set<import('node:http').ServerResponse>();

before(async () => {
  server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    switch (req.url) {
      case '/page':
        // Chunked on purpose: the WARC keeps the de-chunked body and says so in a header.
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Set-Cookie': 'a=1' });
        res.write(PAGE.slice(0, 40));
        res.end(PAGE.slice(40));
        return;
      case '/moved':
        res.writeHead(302, { Location: '/page' });
        res.end('moved');
        return;
      case '/loop':
        res.writeHead(302, { Location: '/loop' });
        res.end();
        return;
      case '/endless': {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        const chunk = Buffer.alloc(16 * 1024, 0x61);
        const pump = () => {
          while (res.write(chunk)) {}
          res.once('drain', pump);
        };
        pump();
        return;
      }
      case '/silent':
        return; // never answers
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const LOCAL = {
  ATTEST_CAPTURE_ALLOW_PRIVATE: '1',
  ATTEST_CAPTURE_MAX_BYTES: String(256 * 1024),
  ATTEST_CAPTURE_MAX_REDIRECTS: '3',
  // Long enough for a loaded machine to answer a local request; the silent server waits it out.
  ATTEST_CAPTURE_TIMEOUT_MS: '5000',
};

async function itemCount(store: TestStore): Promise<number> {
  const r = await store.ctx.db
    .selectFrom('item')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function warcRecords(store: TestStore, sha256: string) {
  const chunks: Buffer[] = [];
  for await (const c of store.ctx.blobs.get(sha256)) chunks.push(c as Buffer);
  const out: {
    type: string;
    uri: string | null | undefined;
    headers: Map<string, string>;
    status?: string | number;
    body: Buffer;
  }[] = [];
  for await (const record of new WARCParser([Buffer.concat(chunks)])) {
    const headers = new Map<string, string>();
    for (const [k, v] of record.warcHeaders.headers as unknown as Iterable<[string, string]>)
      headers.set(k.toLowerCase(), v);
    const status = record.warcType === 'response' ? record.httpHeaders?.statusCode : undefined;
    out.push({
      type: record.warcType,
      uri: record.warcTargetURI,
      headers,
      ...(status !== undefined ? { status } : {}),
      body: Buffer.from(await record.readFully(false)),
    });
  }
  return out;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: web capture`, () => {
    let store: TestStore;
    before(async () => {
      store = await openTestStore(dialect, LOCAL);
      store.setTime('2016-12-16T09:30:00.000Z');
    });
    after(() => store.close());

    it('stores the page and its redirect as a WARC 1.1 record set; the WARC is the item', async () => {
      const r = await captureUrl(store.ctx, { url: `${base}/moved`, actor: 'user-1', source: 'tip line' });
      assert.equal(r.status, 200);
      assert.equal(r.redirects, 1);
      assert.equal(r.finalUrl, `${base}/page`);
      assert.equal(r.item.mediaType, 'application/warc');
      assert.equal(r.item.collectedAt, '2016-12-16T09:30:00.000Z');
      assert.equal(r.item.source, 'tip line');
      const records = await warcRecords(store, r.item.sha256);
      assert.deepEqual(
        records.map((x) => [x.type, x.uri ?? null, x.status ?? null]),
        [
          ['warcinfo', null, null],
          ['response', `${base}/moved`, 302],
          ['request', `${base}/moved`, null],
          ['response', `${base}/page`, 200],
          ['request', `${base}/page`, null],
        ],
      );
      for (const rec of records) assert.equal(rec.headers.get('warc-date'), '2016-12-16T09:30:00.000Z');
      const page = records[3]!;
      assert.equal(page.body.toString('utf8'), PAGE, 'the body as the server sent it (de-chunked)');
      assert.equal(page.headers.get('warc-ip-address'), '127.0.0.1');
      assert.match(page.headers.get('warc-payload-digest') ?? '', /^sha256:[0-9a-f]{64}$/);
      assert.equal(records[4]!.headers.get('warc-concurrent-to'), page.headers.get('warc-record-id'));
      const entries = await itemEntries(store.ctx, r.item.id);
      assert.deepEqual(
        entries.map((e) => e.kind),
        ['ingest'],
      );
    });

    it("runs intake on the capture: the page's body, then its text, become derived items", async () => {
      const r = await captureUrl(store.ctx, { url: `${base}/page`, actor: 'user-1' });
      const worker = new Worker(store.ctx, new JobRegistry(INTAKE_JOB_KINDS), { id: 'worker:capture' });
      while (await worker.runOnce()) {}
      const state = await intakeState(store.ctx, r.item);
      assert.equal(state.state, 'done', JSON.stringify(state.job));
      const body = state.derived.find((d) => d.kind === 'body');
      assert.ok(body, 'the page body');
      assert.match(body.item.mediaType, /^text\/html/);
      const bodyState = await intakeState(store.ctx, body.item);
      const text = bodyState.derived.find((d) => d.kind === 'text');
      assert.ok(text, JSON.stringify(bodyState.job));
      const chunks: Buffer[] = [];
      for await (const c of store.ctx.blobs.get(text.item.sha256)) chunks.push(c as Buffer);
      assert.match(Buffer.concat(chunks).toString('utf8'), /وصلت القافلة إلى الراموسة/);
    });

    it('fails a page that redirects forever, recording nothing', async () => {
      const before = await itemCount(store);
      await assert.rejects(captureUrl(store.ctx, { url: `${base}/loop`, actor: 'user-1' }), {
        code: 'TOO_MANY_REDIRECTS',
      });
      assert.equal(await itemCount(store), before);
    });

    it('stops a body that never ends at the byte limit, recording nothing', async () => {
      const before = await itemCount(store);
      await assert.rejects(captureUrl(store.ctx, { url: `${base}/endless`, actor: 'user-1' }), {
        code: 'CAPTURE_TOO_LARGE',
        message: /more than 262144 bytes/,
      });
      assert.equal(await itemCount(store), before);
    });

    it('gives up on a server that never answers, at the time limit', async () => {
      await assert.rejects(captureUrl(store.ctx, { url: `${base}/silent`, actor: 'user-1' }), {
        code: 'TIMEOUT',
      });
    });
  });
}

describe('capture addresses', () => {
  it('refuses loopback, private, link-local and mapped addresses by default', async () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '100.64.0.1',
    ])
      assert.equal(isBlockedAddress(ip), true, ip);
    for (const ip of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'])
      assert.equal(isBlockedAddress(ip), false, ip);
    const store = await openTestStore('sqlite');
    try {
      for (const url of [
        `${base}/page`,
        'http://localhost:9/',
        'http://[::1]:9/',
        'http://169.254.169.254/latest/meta-data/',
      ]) {
        await assert.rejects(captureUrl(store.ctx, { url, actor: 'user-1' }), { code: 'INVALID_URL' }, url);
      }
    } finally {
      await store.close();
    }
  });

  it('accepts only absolute http(s) URLs without credentials', () => {
    for (const bad of [
      'file:///etc/passwd',
      'ftp://example.org/',
      'javascript:alert(1)',
      '/relative',
      'http://user:pw@example.org/',
      `http://example.org/${'a'.repeat(5000)}`,
    ])
      assert.throws(() => parseCaptureUrl(bad), { code: 'INVALID_URL' }, bad);
    assert.equal(parseCaptureUrl('https://example.org/a?b=1#frag').toString(), 'https://example.org/a?b=1');
  });
});
