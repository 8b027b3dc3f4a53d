/**
 * `attest log witness`, `attest log verify-checkpoint`, `attest verify --witness … --quorum N` and
 * `attest log verify-bundle --witness`: a verifier names the witnesses it trusts and how many must
 * cosign, and is told which did. Against the in-test witness (test/support/tlog-witness.ts).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../../test/support/cli.js';
import { createPgDatabase, DIALECTS, scratchDir } from '../../../test/support/stores.js';
import { startTestWitness, type TestWitness } from '../../../test/support/tlog-witness.js';
import { cosignerFromSeed } from '../../lib/cosignature.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: verifying witnesses' cosignatures (CLI)`, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let w: TestWitness;
    let key: string;
    // A witness the verifier trusts but that never cosigned this log.
    const absent = cosignerFromSeed('witness.test/absent', Buffer.alloc(32, 9)).vkey;

    before(async () => {
      dir = scratchDir('cli-witness-');
      env = {
        ATTEST_DATA: join(dir, 'data'),
        DATABASE_URL: dialect === 'postgres' ? await createPgDatabase() : '',
      };
      const files = join(dir, 'files');
      mkdirSync(files);
      for (let i = 0; i < 5; i++) writeFileSync(join(files, `f${i}.txt`), `file ${i}`);
      assert.equal((await runCli(['add', '--unknown-provenance', files], env)).code, 0);
      const head = JSON.parse((await runCli(['log', 'head', '--json'], env)).stdout);
      key = head.key;
      w = await startTestWitness({
        logs: { [key.split('+')[0]!]: key },
        clock: () => Math.floor(Date.now() / 1000),
      });
      env = { ...env, ATTEST_WITNESSES: `${w.vkey} ${w.url}` };
    });
    after(async () => {
      await w.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('asks the witnesses now, and the checkpoint carries the cosignature', async () => {
      const run = await runCli(['log', 'witness', '--json'], env);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(
        JSON.parse(run.stdout).map((o: { outcome: string }) => o.outcome),
        ['cosigned'],
      );
      const cp = await runCli(['log', 'checkpoint'], env);
      assert.match(cp.stdout, new RegExp(`\\n\u2014 ${w.name.replace('.', '\\.')} [A-Za-z0-9+/=]+\n$`));
      writeFileSync(join(dir, 'checkpoint.txt'), `${cp.stdout.replace(/\n/g, '\r\n')}\r\n\r\n`);
    });

    it('verify-checkpoint reports who cosigned and whether the quorum is met', async () => {
      const file = join(dir, 'checkpoint.txt');
      const ok = await runCli(['log', 'verify-checkpoint', file, '--key', key, '--witness', w.vkey], env);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, new RegExp(`cosigned by ${w.name.replace('.', '\\.')} \\(20`));
      assert.match(ok.stdout, /quorum 1 met/);

      const short = await runCli(
        ['log', 'verify-checkpoint', file, '--key', key, '--witness', w.vkey, '--witness', absent, '--json'],
        env,
      );
      assert.notEqual(short.code, 0);
      const r = JSON.parse(short.stdout);
      assert.equal(r.witnesses.met, false);
      assert.deepEqual(
        r.witnesses.cosigned.map((c: { name: string }) => c.name),
        [w.name],
      );
      const one = await runCli(
        [
          'log',
          'verify-checkpoint',
          file,
          '--key',
          key,
          '--witness',
          w.vkey,
          '--witness',
          absent,
          '--quorum',
          '1',
        ],
        env,
      );
      assert.equal(one.code, 0, one.stdout);

      // A cosignature altered by one character: named, not counted.
      const text = readFileSync(file, 'utf8');
      const lastSig = text.trimEnd().split('\r\n').at(-1)!;
      const b64 = lastSig.split(' ')[2]!;
      const flipped = `${b64.slice(0, 20)}${b64[20] === 'A' ? 'B' : 'A'}${b64.slice(21)}`;
      writeFileSync(join(dir, 'forged.txt'), text.replace(b64, flipped));
      const forged = await runCli(
        ['log', 'verify-checkpoint', join(dir, 'forged.txt'), '--key', key, '--witness', w.vkey],
        env,
      );
      assert.notEqual(forged.code, 0);
      assert.match(forged.stdout, /FAIL the cosignature of witness .* does not verify/);
    });

    it('attest verify --witness names the newest witnessed checkpoint, or fails without a quorum', async () => {
      const ok = await runCli(['verify', '--witness', w.vkey], env);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(
        ok.stdout,
        /witnessed: checkpoint #\d+ \(5 entries\) cosigned by .*quorum 1 met; 0 entries after it/,
      );
      assert.match(ok.stdout, /verify: all checks passed/);
      const json = JSON.parse((await runCli(['verify', '--witness', w.vkey, '--json'], env)).stdout);
      assert.equal(json.witnessed.checkpoint.size, 5);

      const bad = await runCli(['verify', '--witness', absent], env);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stdout, /FAIL witness-quorum-not-met witnesses/);
    });

    it('verify-bundle checks the cosignatures of the bundle checkpoint', async () => {
      const proofs = await runCli(['log', 'proofs', '--json'], env);
      writeFileSync(join(dir, 'bundle.json'), proofs.stdout);
      const ok = await runCli(
        ['log', 'verify-bundle', join(dir, 'bundle.json'), '--key', key, '--witness', w.vkey],
        env,
      );
      assert.equal(ok.code, 0, ok.stdout);
      assert.match(ok.stdout, /cosigned by .* \(quorum 1\)/);
      const bad = await runCli(
        ['log', 'verify-bundle', join(dir, 'bundle.json'), '--key', key, '--witness', absent],
        env,
      );
      assert.notEqual(bad.code, 0);
      assert.match(bad.stdout, /cosigned by 0 of the witnesses given, the quorum is 1/);
    });

    it('refuses bad witness arguments with the reason', async () => {
      const file = join(dir, 'checkpoint.txt');
      for (const [args, why] of [
        [['--witness', w.vkey, '--quorum', '2'], /quorum must be a whole number from 1 to 1/],
        [['--quorum', '1'], /--quorum needs at least one --witness/],
        [['--witness', 'not-a-key'], /neither a witness key nor a readable file/],
        [['--witness', key], /Ed25519 log key/],
        [['--witness', w.vkey, '--witness', w.vkey], /named twice/],
        [['--witness', w.vkey, '--quorum', 'x'], /--quorum must be a whole number/],
      ] as const) {
        const r = await runCli(['log', 'verify-checkpoint', file, '--key', key, ...args], env);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, why);
      }
    });
  });
}
