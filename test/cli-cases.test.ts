import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from './support/cli.js';
import { createPgDatabase, DIALECTS, scratchDir } from './support/stores.js';

const PROV = [
  '--source',
  'synthetic field team 3',
  '--collected-by',
  'monitor-07',
  '--collected-at',
  '2016-12-18',
];

for (const dialect of DIALECTS) {
  describe(`${dialect}: attest case, rfa, export, verify-package (CLI)`, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let caseRef: string;
    let key: string;
    before(async () => {
      dir = scratchDir('cli-cases-');
      env = {
        ATTEST_DATA: join(dir, 'data'),
        DATABASE_URL: dialect === 'postgres' ? await createPgDatabase() : '',
      };
      const files = join(dir, 'files');
      mkdirSync(files);
      writeFileSync(join(files, 'a.txt'), 'statement A');
      writeFileSync(join(files, 'b.txt'), 'statement B');
      assert.equal((await runCli(['add', ...PROV, files], env)).code, 0);
      key = JSON.parse((await runCli(['log', 'head', '--json'], env)).stdout).key;
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('creates a case (plain and --json), adds items and lists it', async () => {
      const plain = await runCli(['case', 'create', '--title', 'Eastern Aleppo transfers'], env);
      assert.equal(plain.code, 0, plain.stderr);
      assert.match(plain.stdout, /^CASE-0001\n$/);
      const json = await runCli(
        ['case', 'create', '--title', 'Second', '--compartment', 'witness', '--json'],
        env,
      );
      const made = JSON.parse(json.stdout);
      assert.equal(made.ref, 'CASE-0002');
      assert.equal(made.compartment, 'witness');
      assert.ok(made.id);
      caseRef = 'CASE-0001';
      const add = await runCli(['case', 'add', caseRef, 'ATT-000001', 'ATT-000002'], env);
      assert.equal(add.code, 0, add.stderr);
      assert.match((await runCli(['case', 'list'], env)).stdout, /CASE-0001 .*Eastern Aleppo transfers/);
      const bad = await runCli(['case', 'add', caseRef, 'not-an-ern'], env);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /not an ERN/);
    });

    it('records an RFA and a consent condition, and shows which items are blocked', async () => {
      assert.equal(
        (await runCli(['rfa', 'jurisdiction', 'XD', '--name', 'Synthetic State D', '--death-penalty'], env))
          .code,
        0,
      );
      const rfa = await runCli(
        [
          'rfa',
          'create',
          caseRef,
          '--authority',
          'Prosecutor D',
          '--jurisdiction',
          'XD',
          '--purpose',
          'prosecution',
          '--scope',
          'all',
          '--received',
          '2017-03-01',
        ],
        env,
      );
      assert.equal(rfa.stdout, 'RFA-0001\n', rfa.stderr);
      assert.equal(
        (await runCli(['rfa', 'consent', '--item', 'ATT-000001', '--no-death-penalty'], env)).code,
        0,
      );
      const show = await runCli(['rfa', 'show', 'RFA-0001'], env);
      assert.match(
        show.stdout,
        /ATT-000001 {2}BLOCKED: item consent: not to jurisdictions that may impose the death penalty/,
      );
      assert.match(show.stdout, /ATT-000002 {2}covered/);
    });

    for (const ext of ['zip', 'tar', 'dir']) {
      it(`exports to a ${ext} that verify-package accepts and that fails once tampered`, async () => {
        const out = join(dir, ext === 'dir' ? 'pkg-dir' : `pkg.${ext}`);
        const exp = await runCli(['export', 'RFA-0001', '--out', out, '--json'], env);
        assert.equal(exp.code, 0, exp.stderr);
        const r = JSON.parse(exp.stdout);
        assert.equal(r.items, 1);
        assert.deepEqual(
          r.excluded.map((e: { ern: string }) => e.ern),
          ['ATT-000001'],
        );
        const ok = await runCli(['verify-package', out, '--key', key], env);
        assert.equal(ok.code, 0, ok.stdout);
        assert.match(ok.stdout, /package verified: all checks passed/);
        if (ext === 'dir') {
          writeFileSync(join(out, 'data', 'planted.txt'), 'x');
          const bad = await runCli(['verify-package', out, '--key', key], env);
          assert.equal(bad.code, 1);
          assert.match(bad.stdout, /FAIL {2}unlisted-file: data\/planted\.txt/);
        } else if (ext === 'tar') {
          const extract = join(dir, 'untar');
          mkdirSync(extract);
          assert.equal(spawnSync('tar', ['-xf', out, '-C', extract]).status, 0);
          const res = spawnSync('sha256sum', ['-c', 'manifest-sha256.txt'], { cwd: join(extract, 'pkg') });
          assert.equal(res.status, 0, 'standard tar and sha256sum read the package');
        }
      });
    }

    it('refuses to overwrite an existing package and rejects a non-package', async () => {
      const again = await runCli(['export', caseRef, '--out', join(dir, 'pkg.zip')], env);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /exists/);
      writeFileSync(join(dir, 'junk.zip'), 'not a zip at all');
      const junk = await runCli(['verify-package', join(dir, 'junk.zip')], env);
      assert.equal(junk.code, 1);
      assert.match(junk.stderr, /not a readable ZIP/);
    });
  });
}
