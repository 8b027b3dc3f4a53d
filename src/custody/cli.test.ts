import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, spawnCli } from '../../test/support/cli.js';
import { createPgDatabase, DIALECTS, scratchDir } from '../../test/support/stores.js';
import { parseCheckpoint } from '../lib/checkpoint.js';
import { verifyConsistency, verifyInclusion } from '../lib/merkle.js';
import { openNote, parseVerifierKey } from '../lib/note.js';

const PROV = ['--unknown-provenance'];
const hex = (s: string) => Buffer.from(s, 'hex');

for (const dialect of DIALECTS) {
  describe(`${dialect}: attest log and verify (CLI)`, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      dir = scratchDir('cli-log-');
      env = {
        ATTEST_DATA: join(dir, 'data'),
        DATABASE_URL: dialect === 'postgres' ? await createPgDatabase() : '',
      };
      const files = join(dir, 'files');
      mkdirSync(files);
      for (let i = 0; i < 12; i++) writeFileSync(join(files, `f${i}.txt`), `file ${i}`);
      assert.equal((await runCli(['add', ...PROV, files], env)).code, 0);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('prints the head with the public verifier key, and signs checkpoints on demand', async () => {
      const head = JSON.parse((await runCli(['log', 'head', '--json'], env)).stdout);
      assert.equal(head.size, 12);
      assert.match(head.key, /^attest\.local\/custody-log\+[0-9a-f]{8}\+/);
      const cp = await runCli(['log', 'checkpoint'], env);
      assert.match(cp.stdout, /^attest\.local\/custody-log\n12\n/);
      const entry = JSON.parse((await runCli(['log', 'entry', '0', '--json'], env)).stdout);
      assert.equal(entry.kind, 'ingest');
      assert.equal(entry.data.ern, 'ATT-000001');
    });

    it('prints a self-contained proof bundle that verifies offline', async () => {
      const more = join(dir, 'more.txt');
      writeFileSync(more, 'one more');
      await runCli(['add', ...PROV, more], env);
      const bundle = JSON.parse(
        (await runCli(['log', 'proofs', '--json', '--item', 'ATT-000003'], env)).stdout,
      );
      const opened = openNote(bundle.checkpoint, [parseVerifierKey(bundle.key)]);
      const cp = parseCheckpoint(opened.text);
      assert.equal(cp.size, 13);
      assert.equal(bundle.inclusion.length, 1);
      for (const p of bundle.inclusion) {
        assert.ok(verifyInclusion(hex(p.leafHash), p.index, p.size, p.proof.map(hex), cp.root));
      }
      assert.ok(bundle.consistency.length >= 1);
      for (const c of bundle.consistency) {
        assert.ok(
          verifyConsistency(c.old, c.new, hex(c.oldRoot), cp.root, c.proof.map(hex)),
          `${c.old}→${c.new}`,
        );
      }
      const prove = JSON.parse((await runCli(['log', 'prove', 'ATT-000003', '--json'], env)).stdout);
      assert.equal(prove.inclusion[0].index, 2);
      const cons = JSON.parse((await runCli(['log', 'consistency', '5', '13', '--json'], env)).stdout);
      assert.equal(cons.newRoot, Buffer.from(cp.root).toString('hex'));
    });

    it('verify passes against a published checkpoint and fails usage on bad sizes', async () => {
      const published = join(dir, 'published.note');
      writeFileSync(published, (await runCli(['log', 'checkpoint'], env)).stdout);
      const v = await runCli(['verify', '--checkpoint', published], env);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.equal((await runCli(['log', 'consistency', '5', 'x'], env)).code, 2);
      assert.equal((await runCli(['log', 'consistency', '9', '5'], env)).code, 1);
    });

    it('keeps the log and the tables in agreement across SIGKILL during a batch of appends', async () => {
      const fresh = {
        ATTEST_DATA: join(dir, 'crash'),
        DATABASE_URL: dialect === 'postgres' ? await createPgDatabase() : '',
      };
      const many = join(dir, 'many');
      mkdirSync(many);
      for (let i = 0; i < 4000; i++)
        writeFileSync(join(many, `m${String(i).padStart(5, '0')}`), `small file ${i}`);
      const child = spawnCli(['add', ...PROV, many], fresh);
      // Drain its output, so a full pipe never stalls it.
      child.stdout.resume();
      child.stderr.resume();
      const blobRoot = join(fresh.ATTEST_DATA, 'blobs', 'sha256');
      // Generous: under load a child process can take tens of seconds to start.
      const deadline = Date.now() + 120_000;
      let killed = false;
      while (Date.now() < deadline) {
        let stored = 0;
        try {
          for (const shard of readdirSync(blobRoot)) stored += readdirSync(join(blobRoot, shard)).length;
        } catch {}
        // Past the first batch of 1,024, inside a later one.
        if (stored > 1500) {
          child.kill('SIGKILL');
          killed = true;
          break;
        }
        await sleep(5);
      }
      await new Promise((resolve) => child.once('exit', resolve));
      assert.ok(killed, 'killed while adding');
      // The log and the tables agree; what the kill left is bytes of the unfinished batch that no
      // item references: verify names them and gc removes them (issue 18.9).
      const v = await runCli(['verify', '--json'], fresh);
      const problems: { code: string }[] = JSON.parse(v.stdout).problems;
      assert.ok(
        problems.every((p) => p.code === 'blob-orphan'),
        v.stdout.slice(0, 2000),
      );
      const gc = await runCli(['gc', '--apply', '--json'], fresh);
      assert.equal(gc.code, 0, gc.stderr);
      assert.equal(JSON.parse(gc.stdout).removed.length, problems.length);
      const clean = await runCli(['verify', '--json'], fresh);
      assert.equal(clean.code, 0, clean.stdout.slice(0, 2000));
      const head = JSON.parse((await runCli(['log', 'head', '--json'], fresh)).stdout);
      const listed = JSON.parse((await runCli(['list', '--json', '--limit', '1000'], fresh)).stdout);
      assert.ok(head.size >= 1 && head.size % 1024 === 0, `whole batches only, got ${head.size}`);
      assert.ok(listed.length === Math.min(head.size, 1000));
      const again = await runCli(['add', ...PROV, many], fresh);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(JSON.parse((await runCli(['log', 'head', '--json'], fresh)).stdout).size, 4000);
      assert.equal((await runCli(['verify'], fresh)).code, 0);
    });
  });
}
