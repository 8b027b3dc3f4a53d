import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli } from './support/cli.js';
import { createPgDatabase, DIALECTS, scratchDir } from './support/stores.js';

const PROV = ['--collected-by', 'monitor-01', '--collected-at', '2017-05-10'];

for (const dialect of DIALECTS) {
  describe(`${dialect}: attest entity, incident, link, claim`, () => {
    let env: NodeJS.ProcessEnv;
    let dir: string;
    before(async () => {
      dir = scratchDir('cli-analysis-');
      env = {
        ATTEST_DATA: join(dir, 'data'),
        DATABASE_URL: dialect === 'postgres' ? await createPgDatabase() : '',
      };
      for (const [name, source, text] of [
        ['report.txt', 'medical report', 'The hospital was struck twice.'],
        ['wire.txt', 'news wire', 'Hospital struck, says the wire.'],
        ['wire2.txt', 'News Wire', 'Follow-up from the same wire.'],
      ] as const) {
        const file = join(dir, name);
        writeFileSync(file, text);
        const add = await runCli(['add', '--source', source, ...PROV, file], env);
        assert.equal(add.code, 0, add.stderr);
      }
    });

    it('records an incident and a claim, and reports corroboration by independent sources', async () => {
      const inc = await runCli(
        [
          'incident',
          'add',
          '--type',
          'attack-on-medical',
          '--title',
          'Hospital struck',
          '--start',
          '2017-05',
          '--pcode',
          'C3985',
        ],
        env,
      );
      assert.equal(inc.code, 0, inc.stderr);
      const incidentId = inc.stdout.trim();
      assert.match(incidentId, /^inc-[0-9a-f-]{36}$/);
      const claim = await runCli(['claim', 'add', 'The hospital was struck', '--incident', incidentId], env);
      assert.equal(claim.code, 0, claim.stderr);
      const claimId = claim.stdout.trim();
      const s1 = await runCli(['claim', 'stance', claimId, 'ATT-000001', 'supports'], env);
      assert.match(s1.stdout, /single-source/);
      await runCli(['claim', 'stance', claimId, 'ATT-000003', 'supports'], env);
      const s2 = await runCli(['claim', 'stance', claimId, 'ATT-000002', 'supports', '--json'], env);
      const body = JSON.parse(s2.stdout) as { corroboration: { status: string; supportingSources: number } };
      assert.deepEqual(body.corroboration, {
        status: 'corroborated',
        supportingSources: 2,
        contradictingSources: 0,
        silentItems: 0,
      });
      const show = await runCli(['incident', 'show', incidentId], env);
      assert.match(show.stdout, /corroboration: corroborated \(2 independent supporting/);
      const list = await runCli(['incident', 'list', '--place', 'SY07'], env);
      assert.match(list.stdout, new RegExp(incidentId));
      const link = await runCli(
        ['link', 'add', 'item:ATT-000001', 'documents', `incident:${incidentId}`],
        env,
      );
      assert.equal(link.code, 0, link.stderr);
      const links = await runCli(['link', 'list', `incident:${incidentId}`], env);
      assert.match(links.stdout, /ATT-000001 .* documents .*Hospital struck/);
      const verify = await runCli(['verify'], env);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /all checks passed/);
    });

    it('keeps a protected name out of lists and shows it on --reveal, logging the view', async () => {
      const file = join(dir, 'witness.json');
      writeFileSync(
        file,
        JSON.stringify({
          kind: 'person',
          name: 'Huda S. (synthetic)',
          compartment: 'witness',
          protection: 'protected',
          pseudonym: 'W-40',
        }),
      );
      const add = await runCli(['entity', 'add', '--from', file], env);
      assert.equal(add.code, 0, add.stderr);
      const id = add.stdout.trim();
      const list = await runCli(['entity', 'list'], env);
      assert.match(list.stdout, /\(protected: W-40\)/);
      assert.doesNotMatch(list.stdout, /Huda/);
      const head = JSON.parse((await runCli(['log', 'head', '--json'], env)).stdout) as { size: number };
      const shown = await runCli(['entity', 'show', id, '--reveal'], env);
      assert.match(shown.stdout, /Huda S\. \(synthetic\)/);
      const after = JSON.parse((await runCli(['log', 'head', '--json'], env)).stdout) as { size: number };
      assert.equal(after.size, head.size + 1);
    });

    it('refuses bad input with exit code 2 and an unknown record with 1', async () => {
      const bad = await runCli(['incident', 'add', '--type', 'war', '--title', 't'], env);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /type must be one of/);
      const range = await runCli(
        ['incident', 'add', '--type', 'shelling', '--title', 't', '--start', '2017-02-30'],
        env,
      );
      assert.equal(range.code, 2);
      assert.match(range.stderr, /not a calendar date/);
      const notJson = join(dir, 'bad.json');
      writeFileSync(notJson, '{"kind": "person", ');
      assert.equal((await runCli(['entity', 'add', '--from', notJson], env)).code, 2);
      const huge = join(dir, 'huge.json');
      writeFileSync(huge, `{"name": "${'x'.repeat(300_000)}"}`);
      const tooBig = await runCli(['entity', 'add', '--from', huge], env);
      assert.equal(tooBig.code, 2);
      assert.match(tooBig.stderr, /larger than/);
      const ref = await runCli(['link', 'add', 'ATT-000001', 'documents', 'item:ATT-000002'], env);
      assert.equal(ref.code, 2);
      const missing = await runCli(['claim', 'show', 'clm-00000000-0000-0000-0000-000000000000'], env);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /no claim/);
    });
  });
}
