/**
 * scale — `npm run bench -- scale [--files N] [--kib K] [--seconds S] [--only add|api|backup]`
 * The scale tier (issue 21), in one run:
 * 1. `attest add` of N files of K KiB to the file store and to an S3 server on loopback
 *    (@20minutes/s3rver, in this process): items/s, MB/s, ratio S3 / files (target ≥ 0.5×).
 * 2. API reads (`GET /api/items`, autocannon) against 1 and then 2 `attest serve` processes on one
 *    embedded PostgreSQL: requests/s, ratio 2 / 1 (target ≥ 1.5×; this machine has 2 cores).
 * 3. `attest backup` and `attest restore` of the file-store deployment vs `tar -cf` / `tar -xf` of
 *    its data directory: MB/s and ratios (target ≥ 0.5× tar), and the start of an `attest`
 *    process alone (`attest backup --help`), which a small deployment's figure mostly is.
 * `--only` runs one part (the add to the file store always runs: part 3 backs it up).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.js';
import { openStore } from '../src/store/open.js';
import { addContent } from '../src/vault/index.js';
import { tokenAs } from '../test/support/access.js';
import { startTestS3 } from '../test/support/s3.js';
import { fmt, machineLine, startBenchPostgres, time } from './_support.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const FILES = arg('files', 300);
const KIB = arg('kib', 256);
const SECONDS = arg('seconds', 8);
const onlyAt = process.argv.indexOf('--only');
const ONLY = onlyAt > 0 ? process.argv[onlyAt + 1] : undefined;
const part = (name: string) => ONLY === undefined || ONLY === name;
const root = mkdtempSync(join(tmpdir(), 'attest-bench-scale-'));
const bin = new URL('../bin/attest.js', import.meta.url).pathname;
const PASS = 'bench passphrase, synthetic';
const MB = (FILES * KIB * 1024) / 1e6;

function corpus(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const block = randomBytes(KIB * 1024);
  for (let i = 0; i < FILES; i++) {
    block.writeUInt32BE(i, 0);
    writeFileSync(join(dir, `f${String(i).padStart(6, '0')}.bin`), block);
  }
}

/** run runs `attest args…` as a child; asynchronously, since the S3 server lives in this process. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`attest ${args[0]} failed: ${err}`)),
    );
  });
}

function serve(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; base: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--workers', '0'], {
      env: { ...process.env, ...env, ATTEST_QUIET: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) resolve({ child, base: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
}

async function reads(bases: string[], headers: Record<string, string>): Promise<number> {
  const results = await Promise.all(
    bases.map((url) =>
      autocannon({ url: `${url}/api/items?limit=20`, headers, connections: 16, duration: SECONDS }),
    ),
  );
  return results.reduce((n, r) => n + r.requests.average, 0);
}

console.log(`scale benchmark — ${machineLine()}`);
console.log(`${FILES} files × ${KIB} KiB (${fmt(MB)} MB); API reads for ${SECONDS} s each\n`);
const files = join(root, 'corpus');
corpus(files);

// 1. attest add: file store vs S3.
const fileEnv = {
  ATTEST_DATA: join(root, 'files-data'),
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
await run(['init'], fileEnv);
const addFiles = await time(() => run(['add', '--unknown-provenance', files], fileEnv));
console.log('| attest add | time | items/s | MB/s | ratio |');
console.log('|---|---|---|---|---|');
console.log(
  `| file store | ${fmt(addFiles.ms / 1000)} s | ${fmt(FILES / (addFiles.ms / 1000))} | ${fmt(MB / (addFiles.ms / 1000))} | |`,
);
if (part('add')) {
  const s3 = await startTestS3();
  const s3Env = {
    ...s3.env,
    ATTEST_DATA: join(root, 's3-data'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  await run(['init'], s3Env);
  const addS3 = await time(() => run(['add', '--unknown-provenance', files], s3Env));
  await s3.stop();
  console.log(
    `| S3 (s3rver, loopback) | ${fmt(addS3.ms / 1000)} s | ${fmt(FILES / (addS3.ms / 1000))} | ${fmt(MB / (addS3.ms / 1000))} | **${fmt(addFiles.ms / addS3.ms, 2)}× file store** (target ≥ 0.5×) |`,
  );
}

// 2. API reads with 1 and 2 server processes on one PostgreSQL.
if (part('api')) {
  const pg = await startBenchPostgres();
  try {
    const pgEnv = (name: string) => ({
      ATTEST_DATA: join(root, name),
      ATTEST_KEYS_DIR: join(root, 'pg-keys'),
      DATABASE_URL: databaseUrl,
      ATTEST_BLOBS: join(root, 'pg-blobs'),
    });
    const databaseUrl = await pg.newDatabase(`bench_scale_${randomBytes(4).toString('hex')}`);
    const setup = await openStore(loadConfig(pgEnv('pg-setup')));
    let headers: Record<string, string>;
    try {
      for (let i = 0; i < 200; i++)
        await addContent(setup.ctx, Readable.from([Buffer.from(`item ${i}`)]), {
          originalName: `i${i}.txt`,
          provenance: { source: 'bench', collectedAt: 'unknown', collectedBy: 'unknown' },
          actor: 'bench',
        });
      headers = (await tokenAs(setup.ctx, 'investigator', ['*'])).headers;
    } finally {
      await setup.close();
    }
    const a = await serve(pgEnv('pg-a'));
    const one = await reads([a.base], headers);
    const b = await serve(pgEnv('pg-b'));
    const two = await reads([a.base, b.base], headers);
    for (const x of [a, b]) x.child.kill('SIGTERM');
    console.log('\n| API reads (GET /api/items, PostgreSQL) | requests/s | ratio |');
    console.log('|---|---|---|');
    console.log(`| 1 × attest serve | ${fmt(one)} | |`);
    console.log(`| 2 × attest serve | ${fmt(two)} | **${fmt(two / one, 2)}× one** (target ≥ 1.5×) |`);
  } finally {
    await pg.stop();
  }
}

// 3. backup and restore vs tar of the same data directory.
if (part('backup')) {
  const dataDir = fileEnv.ATTEST_DATA;
  const tarFile = join(root, 'data.tar');
  const tarC = await time(async () => void execFileSync('tar', ['-cf', tarFile, '-C', dataDir, '.']));
  const untarDir = join(root, 'untar');
  mkdirSync(untarDir);
  const tarX = await time(async () => void execFileSync('tar', ['-xf', tarFile, '-C', untarDir]));
  const backupDir = join(root, 'backup');
  const backup = await time(async () =>
    run(['backup', '--out', backupDir], { ...fileEnv, ATTEST_BACKUP_PASSPHRASE: PASS }),
  );
  const restore = await time(() =>
    run(['restore', backupDir], { ATTEST_DATA: join(root, 'restored'), ATTEST_BACKUP_PASSPHRASE: PASS }),
  );
  // What any `attest` process pays before its first byte: start, and load what backup needs.
  const start = await time(() => run(['backup', '--help'], {}));
  console.log('\n| backup and restore (file store, SQLite) | time | MB/s | ratio |');
  console.log('|---|---|---|---|');
  console.log(
    `| tar -cf of the data directory | ${fmt(tarC.ms / 1000)} s | ${fmt(MB / (tarC.ms / 1000))} | |`,
  );
  console.log(
    `| attest backup | ${fmt(backup.ms / 1000)} s | ${fmt(MB / (backup.ms / 1000))} | **${fmt(tarC.ms / backup.ms, 2)}× tar** (target ≥ 0.5×) |`,
  );
  console.log(`| tar -xf | ${fmt(tarX.ms / 1000)} s | ${fmt(MB / (tarX.ms / 1000))} | |`);
  console.log(
    `| attest restore | ${fmt(restore.ms / 1000)} s | ${fmt(MB / (restore.ms / 1000))} | **${fmt(tarX.ms / restore.ms, 2)}× tar** (target ≥ 0.5×) |`,
  );
  console.log(
    `| of which an \`attest\` process's start (\`attest backup --help\`) | ${fmt(start.ms / 1000)} s | | |`,
  );
}
rmSync(root, { recursive: true, force: true });
process.exit(0);
