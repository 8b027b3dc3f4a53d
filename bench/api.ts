/**
 * api — `npm run bench -- api [--seconds 20] [--connections 50]`
 * Starts `attest serve` as a child process on loopback (SQLite, then PostgreSQL), seeds 1,000
 * items, and drives it with autocannon: the authenticated item list and item detail (each detail
 * read appends a `view` entry to the custody log, so it is a write) at 50 connections for 20 s.
 * Reports requests/s, p50/p99 latency and errors (must be 0). Then uploads a 1 GiB file over
 * multipart and compares its throughput with `sha256sum` of the same file.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, createReadStream, openSync, rmSync, writeSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import autocannon from 'autocannon';
import { createApiToken, createUser } from '../src/access/index.js';
import { loadConfig } from '../src/config.js';
import { openStore } from '../src/store/open.js';
import { addContent } from '../src/vault/service.js';
import { scratchDir } from '../test/support/stores.js';
import { fmt, machineLine, startBenchPostgres, time } from './_support.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('--seconds', 20);
const CONNECTIONS = arg('--connections', 50);
const UPLOAD_BYTES = arg('--upload-mib', 1024) * 1024 * 1024;
const bin = new URL('../bin/attest.js', import.meta.url).pathname;

async function seed(env: Record<string, string>): Promise<string> {
  const store = await openStore(loadConfig(env));
  const { user } = await createUser(
    store.ctx,
    { username: 'bench-investigator', role: 'investigator', compartment: '*' },
    { actorId: 'bench' },
  );
  const { token } = await createApiToken(store.ctx, user.id, {
    name: 'bench',
    role: 'investigator',
    compartments: ['*'],
    expiresInDays: 1,
  });
  for (let i = 0; i < 1000; i++) {
    await addContent(store.ctx, Readable.from([Buffer.from(`synthetic evidence ${i}`)]), {
      originalName: `e${i}.txt`,
      provenance: { source: 'bench', collectedAt: '2016-12-18', collectedBy: 'monitor-01' },
      actor: 'bench',
    });
  }
  await store.close();
  return token;
}

async function startServer(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(port)], {
    env: { ...process.env, ...env, ATTEST_QUIET: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('running at') && resolve());
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  return child;
}

async function load(url: string, token: string) {
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
  };
}

function upload(port: number, token: string, path: string, size: number): Promise<number> {
  const boundary = 'attestbench';
  const head = Buffer.from(
    `--${boundary}\r\ncontent-disposition: form-data; name="source"\r\n\r\nbench\r\n` +
      `--${boundary}\r\ncontent-disposition: form-data; name="collectedAt"\r\n\r\nunknown\r\n` +
      `--${boundary}\r\ncontent-disposition: form-data; name="collectedBy"\r\n\r\nunknown\r\n` +
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.bin"\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/items',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + size + tail.length),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 201 ? resolve(res.statusCode) : reject(new Error(`upload ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.write(head);
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    file.pipe(req, { end: false });
    file.on('end', () => req.end(tail));
  });
}

console.log(`api benchmark · ${machineLine()} · ${CONNECTIONS} connections × ${SECONDS} s`);
const pg = await startBenchPostgres();
const bigFile = join(scratchDir('bench-api-'), 'big.bin');
const block = Buffer.alloc(1 << 20);
const fh = openSync(bigFile, 'w');
for (let i = 0; i < UPLOAD_BYTES / block.length; i++) {
  block.writeUInt32BE(i, 0);
  writeSync(fh, block);
}
closeSync(fh);
const base = await time(async () => {
  const r = spawnSync('sha256sum', [bigFile]);
  if (r.status !== 0) throw new Error('sha256sum failed');
});
const baseRate = UPLOAD_BYTES / 1e6 / (base.ms / 1000);
console.log(`upload baseline: sha256sum of ${UPLOAD_BYTES / 2 ** 20} MiB   ${fmt(baseRate)} MB/s`);
try {
  let port = 18080;
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const dir = scratchDir('bench-api-data-');
    const env = {
      ATTEST_DATA: dir,
      DATABASE_URL: dialect === 'postgres' ? await pg.newDatabase('bench_api') : '',
    };
    const token = await seed(env);
    const server = await startServer(env, ++port);
    try {
      const list = await load(`http://127.0.0.1:${port}/api/items?limit=50`, token);
      const detail = await load(`http://127.0.0.1:${port}/api/items/ATT-000500`, token);
      const up = await time(() => upload(port, token, bigFile, UPLOAD_BYTES));
      const upRate = UPLOAD_BYTES / 1e6 / (up.ms / 1000);
      console.log(`${dialect}:`);
      for (const [name, r] of [
        ['GET /api/items?limit=50', list],
        ['GET /api/items/:ern (+view entry)', detail],
      ] as const) {
        console.log(
          `  ${name.padEnd(34)} ${fmt(r.rps, 0)} req/s   p50 ${r.p50} ms   p99 ${r.p99} ms   errors ${r.errors}`,
        );
      }
      console.log(
        `  upload 1 GiB (multipart)            ${fmt(upRate)} MB/s   ${fmt(upRate / baseRate, 2)}× sha256sum`,
      );
    } finally {
      server.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  await pg.stop();
  rmSync(bigFile, { force: true });
}
