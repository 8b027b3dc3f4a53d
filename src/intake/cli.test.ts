/**
 * cli.test.ts — intake from the command line, as scripts use it: `attest add`, an `attest worker`
 * process (killed and restarted: the queue survives), `attest jobs` / `jobs wait` / `jobs retry`,
 * `attest intake ERN` and `attest capture URL` (against a local server).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, spawnCli } from '../../test/support/cli.js';
import { makeZip } from '../../test/support/intake-fixtures.js';
import { createPgDatabase, DIALECTS, scratchDir } from '../../test/support/stores.js';

const PROV = ['--source', 'synthetic test', '--collected-by', 'monitor-01', '--collected-at', '2016-12-18'];

let server: Server;
let base: string;
before(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<html><body><p>Khan al-Asal crossing, 19 December</p></body></html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** workerUntilEmpty runs `attest worker` as its own process until `attest jobs wait` returns. */
async function workerUntilEmpty(env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawnCli(['worker', '--concurrency', '2'], env);
  child.stdout.resume();
  child.stderr.resume();
  try {
    const wait = await runCli(['jobs', 'wait', '--timeout', '300', '--poll', '100'], env);
    assert.equal(wait.code, 0, wait.stderr);
    assert.match(wait.stdout, /queue empty: \d+ done, \d+ failed/);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: attest worker, jobs, intake, capture`, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      dir = scratchDir('cli-intake-');
      env = {
        ATTEST_DATA: join(dir, 'data'),
        DATABASE_URL: dialect === 'postgres' ? await createPgDatabase() : '',
        ATTEST_CAPTURE_ALLOW_PRIVATE: '1',
        ATTEST_QUIET: '1',
      };
    });

    it('queues intake with `add`; `jobs wait` times out with no worker, then a worker drains it', async () => {
      // "حلب" in Windows-1256, and a zip bomb.
      writeFileSync(join(dir, 'a.txt'), Buffer.from([0xcd, 0xe1, 0xc8]));
      writeFileSync(join(dir, 'bomb.zip'), makeZip([{ name: 'z', data: Buffer.alloc(8 * 1024 * 1024) }]));
      const added = await runCli(['add', ...PROV, '--json', join(dir, 'a.txt'), join(dir, 'bomb.zip')], env);
      assert.equal(added.code, 0, added.stderr);
      const jobs = JSON.parse((await runCli(['jobs', '--json'], env)).stdout);
      assert.equal(jobs.depth.queued, 2);
      const timedOut = await runCli(['jobs', 'wait', '--timeout', '1', '--poll', '50'], env);
      assert.equal(timedOut.code, 1);
      assert.match(timedOut.stderr, /still 2 queued/);

      await workerUntilEmpty(env);
      const [text, bomb] = JSON.parse(added.stdout) as { ern: string }[];
      const ok = JSON.parse((await runCli(['intake', text!.ern, '--json'], env)).stdout);
      assert.equal(ok.state, 'done');
      assert.ok(ok.derived.some((d: { kind: string }) => d.kind === 'text'));
      const failed = await runCli(['intake', bomb!.ern], env);
      assert.match(failed.stdout, /intake failed .*ZIP_BOMB/);
      const list = JSON.parse((await runCli(['jobs', '--state', 'failed', '--json'], env)).stdout);
      assert.equal(list.jobs.length, 1);
      assert.equal(list.jobs[0].errorCode, 'ZIP_BOMB');
    });

    it('re-runs failed jobs on demand with `jobs retry --failed`', async () => {
      const r = await runCli(['jobs', 'retry', '--failed'], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /queued again/);
      assert.equal(JSON.parse((await runCli(['jobs', '--json'], env)).stdout).depth.queued, 1);
      const unknown = await runCli(['jobs', 'retry', '00000000-0000-4000-8000-000000000000'], env);
      assert.equal(unknown.code, 1);
      await workerUntilEmpty(env);
    });

    it('captures a page as a WARC item whose text intake then extracts', async () => {
      const r = await runCli(['capture', `${base}/report`, '--source', 'tip line', '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.status, 200);
      assert.match(out.ern, /^ATT-\d+$/);
      await workerUntilEmpty(env);
      const state = JSON.parse((await runCli(['intake', out.ern, '--json'], env)).stdout);
      assert.equal(state.state, 'done', JSON.stringify(state.job));
      assert.ok(state.derived.some((d: { kind: string }) => d.kind === 'body'));
      const bad = await runCli(['capture', 'file:///etc/passwd'], env);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /only http and https/);
    });

    it('rejects bad options clearly', async () => {
      assert.equal((await runCli(['jobs', '--state', 'lost'], env)).code, 2);
      assert.equal((await runCli(['jobs', 'retry'], env)).code, 2);
      assert.equal((await runCli(['worker', '--concurrency', '0'], env)).code, 2);
      assert.equal((await runCli(['intake', 'not-an-ern'], env)).code, 2);
    });
  });
}
