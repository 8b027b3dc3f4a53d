/**
 * cli-gc.test.ts — `attest verify` names blobs no item references and `attest gc` removes them
 * (issue 18.9), through the CLI as an operator runs it after a crash.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../test/support/cli.js';
import { createPgDatabase, DIALECTS, scratchDir } from '../../test/support/stores.js';
import { loadConfig } from '../config.js';
import { openStore } from '../store/open.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: attest gc (issue 18.9)`, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let orphan: string;
    before(async () => {
      dir = scratchDir('cli-gc-');
      env = {
        ATTEST_DATA: join(dir, 'data'),
        DATABASE_URL: dialect === 'postgres' ? await createPgDatabase() : '',
      };
      const add = await runCli(
        ['add', '--source', 'synthetic', '--unknown-provenance', join(import.meta.dirname, 'gc.ts')],
        env,
      );
      assert.equal(add.code, 0, add.stderr);
      // What a process killed after storing the bytes and before recording the item leaves.
      const store = await openStore(loadConfig(env));
      try {
        orphan = (await store.ctx.blobs.put(Buffer.from('bytes of a killed add'))).sha256;
      } finally {
        await store.close();
      }
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('verify fails naming the orphan blob', async () => {
      const r = await runCli(['verify', '--json'], env);
      assert.equal(r.code, 1, r.stderr);
      const { problems } = JSON.parse(r.stdout);
      assert.deepEqual(
        problems.map((p: { code: string; subject: string }) => `${p.code} ${p.subject}`),
        [`blob-orphan ${orphan}`],
      );
    });

    it('gc lists it and removes nothing unless told to apply; then verify passes', async () => {
      const usage = await runCli(['gc', '--dry-run', '--apply'], env);
      assert.equal(usage.code, 2);
      const dry = await runCli(['gc'], env);
      assert.equal(dry.code, 0, dry.stderr);
      assert.equal(dry.stdout, `unreferenced ${orphan} 21\n`);
      assert.match(dry.stderr, /1 unreferenced blob\(s\), 21 bytes; dry run, nothing removed/);
      assert.equal((await runCli(['verify'], env)).code, 1, 'still there after a dry run');

      const applied = await runCli(['gc', '--apply', '--json'], env);
      assert.equal(applied.code, 0, applied.stderr);
      const result = JSON.parse(applied.stdout);
      assert.equal(result.apply, true);
      assert.deepEqual(result.removed, [{ sha256: orphan, size: 21 }]);
      const verify = await runCli(['verify'], env);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      assert.equal((await runCli(['gc', '--dry-run'], env)).stdout, '');
    });
  });
}
