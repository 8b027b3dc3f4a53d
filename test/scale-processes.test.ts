/**
 * scale-processes.test.ts — the scale tier as deployed (issue 21.2): two `attest serve` processes
 * and two `attest worker` processes on one PostgreSQL, with blobs in one S3 store and one shared
 * keys directory but a data directory each. Uploads (ten of them identical) and observations go
 * through both servers at once while SSE clients of both servers listen; then `attest verify`
 * passes, custody indices and ERNs are dense and unique, the identical uploads are one item, and
 * every SSE client saw every event of the operation exactly once.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { loadConfig } from '../src/config.js';
import { planOperations } from '../src/ops/index.js';
import { openStore } from '../src/store/open.js';
import { tokenAs } from './support/access.js';
import { ATTEST_BIN, runCli } from './support/cli.js';
import { deviceFor, SMALL_OP, sighting, smallPlan, type TestDevice } from './support/ops.js';
import { startTestS3, type TestS3 } from './support/s3.js';
import { createPgDatabase, DIALECTS, scratchDir } from './support/stores.js';

const COMPARTMENT = 'aleppo';

interface Served {
  readonly child: ChildProcess;
  readonly base: string;
}

/** serve starts `attest serve` on a free port and resolves once it prints where it listens. */
function serve(env: NodeJS.ProcessEnv): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ATTEST_BIN, 'serve', '--port', '0', '--workers', '0'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) resolve({ child, base: m[1] });
    });
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => reject(new Error(`attest serve exited ${code}: ${err.slice(-2000)}`)));
  });
}

function worker(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [ATTEST_BIN, 'worker', '--concurrency', '2'], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, delay(10_000).then(() => child.kill('SIGKILL'))]);
}

/** SseClient reads an operation's event stream with fetch and records every event id it gets. */
class SseClient {
  readonly ids: number[] = [];
  readonly #abort = new AbortController();
  readonly done: Promise<void>;

  constructor(base: string, headers: Record<string, string>) {
    this.done = this.#run(base, headers).catch((err) => {
      if (!this.#abort.signal.aborted) throw err;
    });
  }

  async #run(base: string, headers: Record<string, string>): Promise<void> {
    // From the start (lastEventId=0), so that events written before it connected count too.
    const res = await fetch(`${base}/api/ops/operations/${SMALL_OP}/events?lastEventId=0`, {
      headers,
      signal: this.#abort.signal,
    });
    assert.equal(res.status, 200);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (\d+)$/m.exec(block);
        if (id?.[1]) this.ids.push(Number(id[1]));
        end = buffer.indexOf('\n\n');
      }
    }
  }

  close(): void {
    this.#abort.abort();
  }
}

const postgres = DIALECTS.includes('postgres');

describe('scale tier: 2 servers and 2 workers on one PostgreSQL (issue 21.2)', { skip: !postgres }, () => {
  let s3: TestS3;
  let env: (name: string) => NodeJS.ProcessEnv;
  let databaseUrl: string;
  const children: ChildProcess[] = [];
  const servers: Served[] = [];
  let investigator: Record<string, string>;
  let coordinator: Record<string, string>;
  let monitor: Record<string, string>;
  let device: TestDevice;

  before(async () => {
    s3 = await startTestS3();
    databaseUrl = await createPgDatabase();
    const root = scratchDir('scale-');
    const keysDir = join(root, 'shared-keys');
    env = (name) => ({
      ...s3.env,
      ATTEST_DATA: join(root, name),
      ATTEST_KEYS_DIR: keysDir,
      DATABASE_URL: databaseUrl,
      ATTEST_QUIET: '1',
      // Checkpoints often, so that both servers sign several while the test runs.
      ATTEST_CHECKPOINT_EVERY: '5',
      ATTEST_CHECKPOINT_SECONDS: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    // The plan, the users and the monitor's device, written once before the processes start.
    const setup = await openStore(loadConfig(env('setup')));
    try {
      await planOperations(setup.ctx, smallPlan(COMPARTMENT), 'test');
      investigator = (await tokenAs(setup.ctx, 'investigator', [COMPARTMENT])).headers;
      coordinator = (await tokenAs(setup.ctx, 'coordinator', [COMPARTMENT])).headers;
      const m = await tokenAs(setup.ctx, 'monitor', [COMPARTMENT]);
      monitor = m.headers;
      device = await deviceFor(setup.ctx, m.userId);
    } finally {
      await setup.close();
    }
    servers.push(await serve(env('serve-a')), await serve(env('serve-b')));
    children.push(...servers.map((x) => x.child), worker(env('worker-a')), worker(env('worker-b')));
  });

  after(async () => {
    for (const c of children) await stop(c);
    await s3?.stop();
  });

  it('uploads and observations through both servers: verify passes, nothing duplicated, every SSE client saw every event once', async () => {
    const clients = servers.flatMap((srv) => [
      new SseClient(srv.base, coordinator),
      new SseClient(srv.base, coordinator),
    ]);
    const upload = (srv: Served, text: string) => {
      const form = new FormData();
      form.set('source', 'synthetic field team');
      form.set('collectedAt', '2016-12-18');
      form.set('collectedBy', 'monitor-07');
      form.set('compartment', COMPARTMENT);
      form.set('file', new Blob([text]), 'report.txt');
      return fetch(`${srv.base}/api/items`, { method: 'POST', headers: investigator, body: form });
    };
    const observe = (
      srv: Served,
      vehicle: string,
      point: string,
      kind: 'departure' | 'checkpoint',
      n: number,
      min: number,
    ) =>
      fetch(`${srv.base}/api/ops/observations`, {
        method: 'POST',
        headers: { ...monitor, 'content-type': 'application/json' },
        body: JSON.stringify(device.submission(sighting(vehicle, point, kind, n, min))),
      });
    const vehicles = ['veh-bus-017', 'veh-bus-018', 'veh-amb-03', 'veh-car-101', 'veh-car-102'];
    const responses = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) =>
        upload(servers[i % 2]!, 'the same leaflet, photographed twice'),
      ),
      ...Array.from({ length: 20 }, (_, i) => upload(servers[i % 2]!, `report ${i} — تقرير ${i}`)),
      ...vehicles.map((v, i) => observe(servers[i % 2]!, v, 'pt-origin', 'departure', 5, i)),
      ...vehicles.map((v, i) => observe(servers[(i + 1) % 2]!, v, 'pt-ramouseh', 'checkpoint', 5, 60 + i)),
    ]);
    const statuses = responses.map((r) => r.status);
    const same = statuses.slice(0, 10);
    assert.deepEqual(
      [same.filter((x) => x === 201).length, same.filter((x) => x === 200).length],
      [1, 9],
      `identical uploads: ${same}`,
    );
    assert.ok(
      statuses.slice(10, 30).every((x) => x === 201),
      `distinct uploads: ${statuses.slice(10, 30)}`,
    );
    assert.ok(
      statuses.slice(30).every((x) => x === 201),
      `observations: ${statuses.slice(30)} ${await Promise.all(responses.slice(30).map((r) => r.text()))}`,
    );

    // The workers run every intake job; then the servers' timers have time to sign.
    const wait = await runCli(['jobs', 'wait', '--timeout', '120'], env('cli'));
    assert.equal(wait.code, 0, wait.stderr);
    await delay(2500);

    // Every client of either server got every event of the operation, each once.
    const check = await openStore(loadConfig(env('check')));
    try {
      let expected: number[] = [];
      for (let i = 0; i < 100; i++) {
        expected = (
          await check.ctx.db
            .selectFrom('ops_event')
            .select('seq')
            .where('operation_id', '=', SMALL_OP)
            .orderBy('seq')
            .execute()
        ).map((r) => Number(r.seq));
        if (clients.every((c) => c.ids.length >= expected.length)) break;
        await delay(100);
      }
      assert.ok(expected.length >= 10, `events: ${expected.length}`);
      for (const [i, c] of clients.entries()) assert.deepEqual(c.ids, expected, `SSE client ${i}`);

      const items = await check.ctx.db
        .selectFrom('item')
        .select(['ern', 'ern_seq', 'parent_item_id'])
        .orderBy('ern_seq')
        .execute();
      const uploaded = items.filter((r) => r.parent_item_id === null);
      assert.equal(
        uploaded.length,
        21,
        '1 item for the identical uploads + 20 distinct (and their derivatives)',
      );
      assert.deepEqual(
        items.map((r) => Number(r.ern_seq)),
        items.map((_, i) => i + 1),
        'ERNs dense and unique',
      );
      const seqs = (
        await check.ctx.db.selectFrom('custody_entry').select('seq').orderBy('seq').execute()
      ).map((r) => Number(r.seq));
      assert.deepEqual(
        seqs,
        seqs.map((_, i) => i),
        'custody indices dense and unique',
      );
      const checkpoints = await check.ctx.db
        .selectFrom('checkpoint')
        .select(['number', 'signed_note'])
        .execute();
      assert.ok(checkpoints.length >= 2, `checkpoints: ${checkpoints.length}`);
      for (const cp of checkpoints) assert.equal(check.ctx.logKey.openCheckpoint(cp.signed_note).ok, true);
    } finally {
      await check.close();
      for (const c of clients) c.close();
    }

    for (const c of children) await stop(c);
    const verify = await runCli(['verify'], env('cli'));
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  });
});
