import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, spawnCli } from '../../test/support/cli.js';
import { createPgDatabase, DIALECTS, scratchDir } from '../../test/support/stores.js';

const PROV = ['--source', 'synthetic test', '--collected-by', 'monitor-01', '--collected-at', '2016-12-18'];

interface AddRow {
  path: string;
  status: string;
  ern?: string;
  error?: { code: string };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: attest CLI (vault)`, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      dir = scratchDir('cli-');
      env = {
        ATTEST_DATA: join(dir, 'data'),
        DATABASE_URL: dialect === 'postgres' ? await createPgDatabase() : '',
      };
    });

    it('init reports where the data lives', async () => {
      const r = await runCli(['init', '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      assert.equal(report.dialect, dialect);
      assert.equal(report.items, 0);
    });

    it('adds a tree, reports each hostile case clearly, and exits 1 because some failed', async () => {
      const tree = join(dir, 'tree');
      mkdirSync(join(tree, 'sub'), { recursive: true });
      writeFileSync(join(tree, 'a.txt'), 'first');
      writeFileSync(join(tree, 'empty'), '');
      writeFileSync(Buffer.from(`${tree}/bad-\xff-name`, 'latin1'), 'invalid utf-8 name');
      writeFileSync(join(tree, 'invoice\u202Etxt.exe'), 'rtl override name');
      symlinkSync('..', join(tree, 'sub', 'loop'));
      symlinkSync(join(tree, 'nowhere'), join(tree, 'dangling'));
      const sparse = join(tree, 'sparse-5g.bin');
      writeFileSync(sparse, '');
      truncateSync(sparse, 5 * 1024 ** 3);
      execFileSync('mkfifo', [join(tree, 'fifo')]);
      const r = await runCli(['add', ...PROV, '--json', tree], env);
      assert.equal(r.code, 1, 'exit code says some failed');
      const rows: AddRow[] = JSON.parse(r.stdout);
      const by = (suffix: string) => rows.find((x) => x.path.endsWith(suffix));
      assert.equal(by('a.txt')?.status, 'added');
      assert.equal(by('empty')?.status, 'added', 'a zero-byte file is valid evidence');
      assert.equal(by('bad-\uFFFD-name')?.status, 'added', 'a name that is not UTF-8 still opens');
      assert.equal(by('invoice\u202Etxt.exe')?.status, 'added');
      assert.equal(by('loop')?.error?.code, 'DIRECTORY_LOOP');
      assert.equal(by('dangling')?.error?.code, 'UNREADABLE');
      assert.equal(by('sparse-5g.bin')?.error?.code, 'TOO_LARGE');
      assert.equal(by('fifo')?.error?.code, 'NOT_A_FILE');
      const show = await runCli(['show', by('bad-\uFFFD-name')!.ern!, '--json'], env);
      assert.match(JSON.parse(show.stdout).originalNameHex, /ff/);
      const list = await runCli(['list'], env);
      assert.match(list.stdout, /invoice\\u\{202E\}txt\.exe/, 'bidi controls are shown escaped');
    });

    it('reports an unreadable file and carries on with the rest', async () => {
      const unreadable = process.getuid?.() === 0 ? '/proc/self/mem' : join(dir, 'secret');
      if (unreadable !== '/proc/self/mem') {
        writeFileSync(unreadable, 'x');
        chmodSync(unreadable, 0);
      }
      const ok = join(dir, 'fine.txt');
      writeFileSync(ok, 'fine');
      const r = await runCli(['add', ...PROV, '--json', unreadable, ok], env);
      const rows: AddRow[] = JSON.parse(r.stdout);
      assert.equal(r.code, 1);
      assert.equal(rows.find((x) => x.path === unreadable)?.error?.code, 'UNREADABLE');
      assert.equal(rows.find((x) => x.path === ok)?.status, 'added');
    });

    it('rejects a file that changes while it is being added', async () => {
      const growing = join(dir, 'growing.bin');
      writeFileSync(growing, Buffer.alloc(32 * 1024 * 1024, 1));
      const writer: ChildProcess = spawn('sh', ['-c', `while :; do echo x >> '${growing}'; done`]);
      try {
        await sleep(50);
        const r = await runCli(['add', ...PROV, '--json', growing], env);
        const rows: AddRow[] = JSON.parse(r.stdout);
        assert.equal(rows[0]?.error?.code, 'FILE_CHANGED');
        assert.equal(r.code, 1);
      } finally {
        writer.kill('SIGKILL');
      }
    });

    it('reports the existing item for the same bytes unless --allow-duplicate', async () => {
      const f = join(dir, 'dup.txt');
      writeFileSync(f, 'first');
      const again = JSON.parse((await runCli(['add', ...PROV, '--json', f], env)).stdout);
      assert.equal(again[0].status, 'duplicate');
      assert.equal(again[0].ern, 'ATT-000001');
      const forced = JSON.parse(
        (await runCli(['add', ...PROV, '--allow-duplicate', '--json', f], env)).stdout,
      );
      assert.equal(forced[0].status, 'added');
      assert.notEqual(forced[0].ern, 'ATT-000001');
    });

    it('refuses to add without provenance, naming the missing flags', async () => {
      const r = await runCli(['add', join(dir, 'fine.txt')], env);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--source, --collected-by, --collected-at/);
    });

    it('get streams the bytes back verified, and refuses a corrupted blob', async () => {
      const out = join(dir, 'out.txt');
      const r = await runCli(['get', 'ATT-000001', '--out', out], env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(out, 'utf8'), 'first');
    });

    it('verify passes, then names the ERN of a blob with one byte flipped', async () => {
      assert.equal((await runCli(['verify'], env)).code, 0);
      const shown = JSON.parse((await runCli(['show', 'ATT-000001', '--json'], env)).stdout);
      const h: string = shown.sha256;
      const path = join(dir, 'data', 'blobs', 'sha256', h.slice(0, 2), h);
      chmodSync(path, 0o600);
      const b = readFileSync(path);
      b[0] = b[0]! ^ 0x20;
      writeFileSync(path, b);
      const r = await runCli(['verify', '--json'], env);
      assert.equal(r.code, 1);
      const subjects = JSON.parse(r.stdout).problems.map(
        (p: { code: string; subject: string }) => `${p.code} ${p.subject}`,
      );
      assert.ok(subjects.includes('item-corrupt ATT-000001'), subjects.join('; '));
      const out = join(dir, 'corrupt-out.txt');
      const g = await runCli(['get', 'ATT-000001', '--out', out], env);
      assert.equal(g.code, 1);
      assert.throws(() => statSync(out), 'no half-verified file is left');
    });

    it('survives SIGKILL in the middle of adding a large file', async () => {
      const fresh = {
        ATTEST_DATA: join(dir, 'crash-data'),
        DATABASE_URL: env.DATABASE_URL ? await createPgDatabase() : '',
      };
      assert.equal((await runCli(['init'], fresh)).code, 0);
      const big = join(dir, 'big.bin');
      writeFileSync(big, Buffer.alloc(512 * 1024 * 1024, 7));
      const tmpDir = join(fresh.ATTEST_DATA, 'blobs', 'tmp');
      const child = spawnCli(['add', ...PROV, big], fresh);
      // Drain its output, so a full pipe never stalls it.
      child.stdout.resume();
      child.stderr.resume();
      // Generous: under load a child process can take tens of seconds to start.
      const deadline = Date.now() + 120_000;
      let killedMidway = false;
      while (Date.now() < deadline) {
        const partial = readdirSync(tmpDir).some((f) => statSync(join(tmpDir, f)).size > 0);
        if (partial) {
          child.kill('SIGKILL');
          killedMidway = true;
          break;
        }
        await sleep(5);
      }
      await new Promise((resolve) => child.once('exit', resolve));
      assert.ok(killedMidway, 'the add was killed while writing');
      const v = await runCli(['verify', '--json'], fresh);
      assert.equal(v.code, 0, v.stdout);
      assert.deepEqual(JSON.parse((await runCli(['list', '--json'], fresh)).stdout), [], 'no orphan row');
      assert.deepEqual(readdirSync(tmpDir), [], 'the partial temp file of the dead process is gone');
      const again = await runCli(['add', ...PROV, '--json', big], fresh);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(JSON.parse(again.stdout)[0].status, 'added');
      assert.equal((await runCli(['verify'], fresh)).code, 0);
    });

    after(() => {
      execFileSync('rm', ['-rf', dir]);
    });
  });
}
