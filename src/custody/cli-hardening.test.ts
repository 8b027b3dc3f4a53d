import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, spawnCli } from '../../test/support/cli.js';
import { createPgDatabase, DIALECTS, scratchDir } from '../../test/support/stores.js';

const PROV = ['--unknown-provenance'];

for (const dialect of DIALECTS) {
  describe(`${dialect}: the CLI signs what it appends, audits its reads, survives a closed pipe`, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      dir = scratchDir('cli-custody-h-');
      env = {
        ATTEST_DATA: join(dir, 'data'),
        DATABASE_URL: dialect === 'postgres' ? await createPgDatabase() : '',
        // Far more than the command appends: only the end-of-command signature can cover the tail.
        ATTEST_CHECKPOINT_EVERY: '100000',
        ATTEST_CHECKPOINT_SECONDS: '86400',
      };
      const files = join(dir, 'files');
      mkdirSync(files);
      for (let i = 0; i < 37; i++) writeFileSync(join(files, `f${i}.txt`), `file ${i}`);
      const added = await runCli(['add', ...PROV, files], env);
      assert.equal(added.code, 0, added.stderr);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const head = async () => JSON.parse((await runCli(['log', 'head', '--json'], env)).stdout);

    it('issue 18.7: attest add ends by signing a checkpoint of everything it appended', async () => {
      const h = await head();
      assert.equal(h.size, 37);
      assert.equal(h.checkpoint.size, 37, 'the tail is signed');
    });

    it('issue 18.8: attest get and attest show are audited as views, once per hour', async () => {
      const out = join(dir, 'out.txt');
      assert.equal((await runCli(['get', 'ATT-000003', '--out', out], env)).code, 0);
      assert.equal((await runCli(['get', 'ATT-000003', '--out', out, '--force'], env)).code, 0);
      assert.equal((await runCli(['show', 'ATT-000003'], env)).code, 0);
      const bundle = JSON.parse((await runCli(['log', 'prove', 'ATT-000003', '--json'], env)).stdout);
      assert.deepEqual(
        bundle.entries.map((e: { kind: string; data: { part?: string } }) => [e.kind, e.data.part ?? null]),
        [
          ['ingest', null],
          ['view', 'content'],
          ['view', 'detail'],
        ],
      );
      const h = await head();
      assert.equal(h.checkpoint.size, h.size, 'and the views are signed too');
    });

    it('issue 18.10: a closed stdout (attest … | head) ends quietly, for every kind of command', async () => {
      for (const args of [['show', 'ATT-000001'], ['list'], ['log', 'proofs', '--json'], ['verify']]) {
        const child = spawnCli(args, env);
        child.stdout.destroy();
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => {
          stderr += c.toString();
        });
        const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
        assert.doesNotMatch(stderr, /EPIPE|Unhandled|at .*\.ts:/, `${args.join(' ')}: ${stderr}`);
        assert.equal(code, 0, `${args.join(' ')} exits 0 (${stderr})`);
      }
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: trust outside the database — pinned keys, bundles, publishing, rotation (CLI)`, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    const cli = (...args: string[]) => runCli(args, env);
    before(async () => {
      dir = scratchDir('cli-trust-');
      env = {
        ATTEST_DATA: join(dir, 'data'),
        DATABASE_URL: dialect === 'postgres' ? await createPgDatabase() : '',
      };
      const files = join(dir, 'files');
      mkdirSync(files);
      for (let i = 0; i < 5; i++) writeFileSync(join(files, `f${i}.txt`), `file ${i}`);
      assert.equal((await cli('add', ...PROV, files)).code, 0);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('issue 18.5/18.6: verify --key and verify-bundle --key check against the pinned key; saved CRLF notes are read', async () => {
      const key = JSON.parse((await cli('log', 'head', '--json')).stdout).key as string;
      const keyFile = join(dir, 'pinned.vkey');
      writeFileSync(keyFile, `${key}\r\n`);
      assert.equal((await cli('verify', '--key', keyFile)).code, 0);
      const stranger = 'attest.local/custody-log+00000000+AQ' + 'A'.repeat(42) + '=';
      assert.equal((await cli('verify', '--key', 'not a key')).code, 2);
      const bundleFile = join(dir, 'bundle.json');
      const bundle = JSON.parse((await cli('log', 'proofs', '--json', '--item', 'ATT-000002')).stdout);
      // Saved from a browser: CRLF line ends and a trailing blank line.
      bundle.checkpoint = `${bundle.checkpoint.replace(/\n/g, '\r\n')}\r\n`;
      writeFileSync(bundleFile, JSON.stringify(bundle));
      const ok = await cli('log', 'verify-bundle', bundleFile, '--key', key);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /bundle OK: checkpoint of \d+ entries, 1 inclusion/);
      const savedCp = join(dir, 'saved.note');
      writeFileSync(savedCp, bundle.checkpoint);
      assert.equal((await cli('verify', '--checkpoint', savedCp)).code, 0, 'verify reads the CRLF note');
      // A bundle whose key was swapped for the attacker's: pinned, it fails; unpinned it would pass.
      const forged = { ...bundle, key: stranger };
      writeFileSync(bundleFile, JSON.stringify(forged));
      const refused = await cli('log', 'verify-bundle', bundleFile, '--key', key);
      assert.equal(refused.code, 0, 'the bundle key is ignored when one is pinned');
      bundle.inclusion[0].leafHash = '0'.repeat(64);
      writeFileSync(bundleFile, JSON.stringify(bundle));
      const tampered = await cli('log', 'verify-bundle', bundleFile, '--key', key, '--json');
      assert.equal(tampered.code, 1);
      assert.match(
        JSON.parse(tampered.stdout).problems[0],
        /inclusion\[0\]: entry 1 is not in the signed tree/,
      );
      writeFileSync(bundleFile, '{"checkpoint": 7}');
      assert.equal((await cli('log', 'verify-bundle', bundleFile)).code, 1);
    });

    it('issue 18.6: log publish writes each checkpoint to a directory, refuses a fork, and POSTs to a URL', async () => {
      const out = join(dir, 'published');
      const first = JSON.parse((await cli('log', 'publish', '--to', out, '--json')).stdout);
      assert.ok(first.published.length >= 1);
      const sizes = readdirSync(join(out, 'checkpoints'))
        .map(Number)
        .sort((a, b) => a - b);
      assert.deepEqual(
        sizes,
        [...first.published].sort((a: number, b: number) => a - b),
      );
      const latest = readFileSync(join(out, 'checkpoint'), 'utf8');
      assert.match(latest, new RegExp(`^attest\\.local/custody-log\\n${sizes.at(-1)}\\n`));
      writeFileSync(join(dir, 'more.txt'), 'more');
      await cli('add', ...PROV, join(dir, 'more.txt'));
      const second = JSON.parse((await cli('log', 'publish', '--to', out, '--json')).stdout);
      assert.equal(second.published.length, 1, 'only the new one');
      writeFileSync(join(out, 'checkpoints', String(sizes[0])), 'something else\n');
      const fork = await cli('log', 'publish', '--to', out);
      assert.equal(fork.code, 1);
      assert.match(fork.stderr, /different checkpoint.*forked/);

      const received: string[] = [];
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', () => {
          received.push(`${req.method} ${req.headers['content-type']} ${body.split('\n')[1]}`);
          res.writeHead(201).end();
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/witness`;
      try {
        const sent = JSON.parse((await cli('log', 'publish', '--to', url, '--json')).stdout);
        assert.ok(sent.published.length >= 2);
        assert.equal(received.length, sent.published.length);
        assert.match(received[0]!, /^POST text\/plain; charset=utf-8 \d+$/);
        const again = JSON.parse((await cli('log', 'publish', '--to', url, '--json')).stdout);
        assert.deepEqual(again.published, [], 'nothing is sent twice');
      } finally {
        server.close();
      }
    });

    it('issues 18.1/18.4: amend and rotate-key from the CLI, and verify stays clean from the old pinned key', async () => {
      const oldKey = JSON.parse((await cli('log', 'head', '--json')).stdout).key as string;
      const amended = await cli(
        'amend',
        'ATT-000001',
        '--reason',
        'moved to the witness file',
        '--compartment',
        'witness',
      );
      assert.equal(amended.code, 0, amended.stderr);
      assert.equal((await cli('amend', 'ATT-000001', '--compartment', 'x')).code, 2, '--reason is required');
      const rotated = await cli('log', 'rotate-key', '--json');
      assert.equal(rotated.code, 0, rotated.stderr);
      const { newKey } = JSON.parse(rotated.stdout);
      assert.equal(JSON.parse((await cli('log', 'head', '--json')).stdout).key, newKey);
      writeFileSync(join(dir, 'after.txt'), 'after rotation');
      await cli('add', ...PROV, join(dir, 'after.txt'));
      const v = await cli('verify', '--key', oldKey);
      assert.equal(v.code, 0, v.stdout);
      assert.equal((await cli('verify', '--key', newKey)).code, 0);
    });

    it('issue 18.2: with the state file lost, the CLI warns loudly; trust-state adopts the latest after verify', async () => {
      rmSync(join(env.ATTEST_DATA!, 'keys', 'custody-log.state'));
      writeFileSync(join(dir, 'lost.txt'), 'state lost');
      const added = await cli('add', ...PROV, join(dir, 'lost.txt'));
      assert.match(
        added.stderr,
        /WARNING: the custody log grew but no checkpoint was signed: refusing to sign/,
      );
      assert.equal((await cli('verify')).code, 1);
      const adopted = await cli('log', 'trust-state');
      assert.equal(adopted.code, 0, adopted.stderr);
      assert.equal((await cli('log', 'checkpoint')).code, 0);
      assert.equal((await cli('verify')).code, 0);
    });
  });
}
