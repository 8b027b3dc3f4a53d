import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli } from './support/cli.js';
import { createPgDatabase, DIALECTS, scratchDir } from './support/stores.js';

const PROV = ['--source', 'field team 3', '--collected-by', 'monitor-01', '--collected-at', '2016-12-19'];

for (const dialect of DIALECTS) {
  describe(`${dialect}: attest search, index, places`, () => {
    let env: NodeJS.ProcessEnv;
    before(async () => {
      const dir = scratchDir('cli-search-');
      env = {
        ATTEST_DATA: join(dir, 'data'),
        DATABASE_URL: dialect === 'postgres' ? await createPgDatabase() : '',
      };
      const file = join(dir, 'report.txt');
      writeFileSync(file, 'خرجت الحافلات من الفوعة فجراً برفقة الهلال الأحمر.');
      const add = await runCli(['add', ...PROV, file], env);
      assert.equal(add.code, 0, add.stderr);
    });

    it('finds an Arabic report from a Latin spelling of its place, as text and as JSON', async () => {
      const text = await runCli(['search', 'Foua', '--limit', '5'], env);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^1 item\n/);
      assert.match(text.stdout, /ATT-000001/);
      assert.match(text.stdout, /\[الفوعة\]/);
      const json = await runCli(['search', 'Foah', '--json'], env);
      const body = JSON.parse(json.stdout) as {
        results: { ern: string }[];
        total: number;
        totalExact: boolean;
        facets: object;
        next: null;
      };
      assert.deepEqual(Object.keys(body), ['results', 'total', 'totalExact', 'facets', 'next']);
      assert.equal(body.totalExact, true);
      assert.equal(body.results[0]!.ern, 'ATT-000001');
    });
    it('refuses a malformed query with exit code 2 and the reason', async () => {
      const res = await runCli(['search', '"unclosed'], env);
      assert.equal(res.code, 2);
      assert.match(res.stderr, /quote at character 1 is not closed/);
    });
    it('brings the index up to date and rebuilds it', async () => {
      assert.match((await runCli(['index'], env)).stdout, /index up to date/);
      assert.match((await runCli(['index', '--rebuild'], env)).stdout, /1 item read/);
    });
    it('resolves names, shows places and lists mentions', async () => {
      const r = await runCli(['places', 'resolve', "al-Fu'ah", '--json'], env);
      assert.equal(JSON.parse(r.stdout).candidates[0].place.pcode, 'C3905');
      assert.match((await runCli(['places', 'show', 'C3905'], env)).stdout, /in SY07 +Idleb/);
      const m = await runCli(['places', 'mentions', 'ATT-000001'], env);
      assert.match(m.stdout, /C3905\s+الفوعة/);
    });
  });
}
