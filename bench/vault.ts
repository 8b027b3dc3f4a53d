/**
 * vault — `npm run bench -- vault [--quick]`
 * Generates its own corpus (64 × 32 MiB and 50,000 × 4 KiB files), then measures in one run:
 * `sha256sum` over the same files (the baseline), and `attest add` on SQLite and PostgreSQL,
 * as MB/s, items/s and the ratio to the baseline. Targets: large files ≥ 0.6× sha256sum;
 * small files ≥ 1,500 items/s on SQLite.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, machineLine, startBenchPostgres, time } from './_support.js';

const quick = process.argv.includes('--quick');
const LARGE = { count: quick ? 8 : 64, size: 32 * 1024 * 1024 };
const SMALL = { count: quick ? 5_000 : 50_000, size: 4 * 1024 };
const root = mkdtempSync(join(tmpdir(), 'attest-bench-vault-'));
const bin = new URL('../bin/attest.js', import.meta.url).pathname;

function makeCorpus(dir: string, count: number, size: number): void {
  mkdirSync(dir, { recursive: true });
  const block = randomBytes(size);
  for (let i = 0; i < count; i++) {
    // Unique content per file: the first 16 bytes carry the index.
    block.writeUInt32BE(i, 0);
    block.writeUInt32BE(count, 4);
    writeFileSync(join(dir, `f${String(i).padStart(6, '0')}.bin`), block);
  }
}

async function sha256sumDir(dir: string): Promise<number> {
  const { ms } = await time(async () => {
    const r = spawnSync('sh', ['-c', `find . -type f -print0 | xargs -0 sha256sum > /dev/null`], {
      cwd: dir,
    });
    if (r.status !== 0) throw new Error(`sha256sum failed: ${r.stderr}`);
  });
  return ms;
}

async function attestAdd(dir: string, dataDir: string, databaseUrl: string): Promise<number> {
  const env = { ...process.env, ATTEST_DATA: dataDir, DATABASE_URL: databaseUrl };
  execFileSync(process.execPath, [bin, 'init'], { env, stdio: 'ignore' });
  const { ms } = await time(async () => {
    const r = spawnSync(process.execPath, [bin, 'add', '--unknown-provenance', dir], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (r.status !== 0) throw new Error(`attest add failed: ${r.stderr}`);
  });
  return ms;
}

console.log(`vault benchmark · ${machineLine()}${quick ? ' · QUICK' : ''}`);
const largeDir = join(root, 'large');
const smallDir = join(root, 'small');
makeCorpus(largeDir, LARGE.count, LARGE.size);
makeCorpus(smallDir, SMALL.count, SMALL.size);
const pg = await startBenchPostgres();
try {
  const rows: string[] = [];
  for (const [label, dir, spec] of [
    ['large', largeDir, LARGE],
    ['small', smallDir, SMALL],
  ] as const) {
    const mb = (spec.count * spec.size) / 1e6;
    const baseMs = await sha256sumDir(dir);
    const baseRate = mb / (baseMs / 1000);
    rows.push(`${label}: ${spec.count} × ${spec.size / 1024} KiB (${fmt(mb, 0)} MB)`);
    rows.push(
      `  sha256sum            ${fmt(baseRate)} MB/s   ${fmt(spec.count / (baseMs / 1000), 0)} files/s   (baseline)`,
    );
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const dataDir = join(root, `data-${label}-${dialect}`);
      const url = dialect === 'postgres' ? await pg.newDatabase(`bench_${label}`) : '';
      const ms = await attestAdd(dir, dataDir, url);
      const rate = mb / (ms / 1000);
      rows.push(
        `  attest add ${dialect.padEnd(9)} ${fmt(rate)} MB/s   ${fmt(spec.count / (ms / 1000), 0)} items/s   ${fmt(rate / baseRate, 2)}× baseline   (${fmt(ms / 1000, 2)} s)`,
      );
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  console.log(rows.join('\n'));
} finally {
  await pg.stop();
  rmSync(root, { recursive: true, force: true });
}
