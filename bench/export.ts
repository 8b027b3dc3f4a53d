/**
 * export — `npm run bench -- export [--items N] [--gib G]` (default 10,000 items, 5 GiB: the issue's size)
 * Generates a case of N items totalling G GiB (unique random content) in a fresh SQLite store,
 * then in one run measures: `attest export` of the case to a directory (BagIt bag with custody
 * entries and proofs) against a plain `cp -r` of the same bytes (the blob store), and
 * `verifyPackage` and the package's own `node verify.mjs` against `sha256sum -c
 * manifest-sha256.txt` on the same bag. Targets (issue 20): export ≥ 0.5× cp -r; verification
 * ≥ 0.6× sha256sum -c. The full size is 10,000 items / 5 GiB (--gib 5).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { exportPackage } from '../src/cases/package/build.js';
import { verifyPackage } from '../src/cases/package/verify.js';
import { addItems, createCase } from '../src/cases/service.js';
import { CLI_VIEWER } from '../src/cases/viewer.js';
import { loadConfig } from '../src/config.js';
import { WORKERS } from '../src/store/file-pool.js';
import { openStore } from '../src/store/open.js';
import { recordItems, type StagedItem, stageContent } from '../src/vault/service.js';
import { fmt, machineLine, time } from './_support.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
}

const items = Math.round(arg('--items', 10_000));
const totalBytes = Math.round(arg('--gib', 5) * 1024 ** 3);
const itemSize = Math.floor(totalBytes / items);
const root = mkdtempSync(join(process.env.ATTEST_BENCH_DIR ?? tmpdir(), 'attest-bench-export-'));
const mb = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

console.log(
  `export benchmark · ${machineLine()} · load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(`file workers: ${WORKERS}`);
console.log(
  `${items.toLocaleString('en-GB')} items × ${fmt(itemSize / 1024, 0)} KiB = ${fmt(totalBytes / 1024 ** 3, 2)} GiB`,
);

const config = loadConfig({ ATTEST_DATA: join(root, 'data'), DATABASE_URL: '' });
const store = await openStore(config);
const ctx = store.ctx;
try {
  const gen = await time(async () => {
    const block = randomBytes(itemSize);
    const erns: string[] = [];
    for (let i = 0; i < items; i += 500) {
      const staged: StagedItem[] = [];
      for (let j = i; j < Math.min(items, i + 500); j++) {
        block.writeUInt32BE(j, 0);
        block.writeUInt32BE(items, 4);
        block.writeUInt32BE(Date.now() % 2 ** 32, 8);
        staged.push(
          await stageContent(ctx, Readable.from([Buffer.from(block)]), {
            originalName: `item-${j}.bin`,
            provenance: { source: 'synthetic benchmark', collectedAt: '2016-12-15', collectedBy: 'bench' },
            actor: 'bench',
          }),
        );
      }
      erns.push(...(await recordItems(ctx, staged)).map((o) => o.item.ern));
    }
    const c = await createCase(ctx, CLI_VIEWER, { title: 'Benchmark case' });
    for (let i = 0; i < erns.length; i += 1000)
      await addItems(ctx, CLI_VIEWER, c.ref, erns.slice(i, i + 1000));
    return c.ref;
  });
  const caseRef = gen.value;
  console.log(`generated in ${fmt(gen.ms / 1000)} s`);

  const cpOut = join(root, 'cp-copy');
  const cp = await time(async () => {
    const r = spawnSync('cp', ['-r', join(config.dataDir, 'blobs'), cpOut]);
    if (r.status !== 0) throw new Error(`cp -r failed: ${r.stderr}`);
  });
  rmSync(cpOut, { recursive: true, force: true });

  const bag = join(root, 'package');
  const exp = await time(() => exportPackage(ctx, CLI_VIEWER, { target: caseRef, out: bag }));

  const sum = await time(async () => {
    const r = spawnSync('sha256sum', ['-c', '--quiet', 'manifest-sha256.txt'], { cwd: bag });
    if (r.status !== 0) throw new Error(`sha256sum -c failed: ${r.stdout}${r.stderr}`);
  });
  const ver = await time(() => verifyPackage(bag, { key: ctx.logKey.verifierKey }));
  if (!ver.value.ok)
    throw new Error(`verifyPackage failed: ${JSON.stringify(ver.value.failures.slice(0, 3))}`);
  const mjs = await time(async () => {
    const r = spawnSync(process.execPath, ['verify.mjs', '.', '--key', ctx.logKey.verifierKey], {
      cwd: bag,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`verify.mjs failed: ${r.stdout.slice(-500)}`);
  });

  const bytes = exp.value.bytes;
  const rows = [
    ['cp -r (baseline for export)', cp.ms, mb(bytes, cp.ms), ''],
    [
      'attest export (bag + custody proofs)',
      exp.ms,
      mb(bytes, exp.ms),
      `${fmt(cp.ms / exp.ms, 2)}× cp -r (target ≥ 0.5×)`,
    ],
    ['sha256sum -c manifest (baseline for verify)', sum.ms, mb(bytes, sum.ms), ''],
    [
      'verifyPackage (attest verify-package)',
      ver.ms,
      mb(bytes, ver.ms),
      `${fmt(sum.ms / ver.ms, 2)}× sha256sum -c (target ≥ 0.6×)`,
    ],
    [
      'node verify.mjs (in the package)',
      mjs.ms,
      mb(bytes, mjs.ms),
      `${fmt(sum.ms / mjs.ms, 2)}× sha256sum -c (target ≥ 0.6×)`,
    ],
  ] as const;
  for (const [name, ms, rate, ratio] of rows)
    console.log(
      `${name.padEnd(46)} ${fmt(ms / 1000, 2).padStart(8)} s ${fmt(rate).padStart(8)} MB/s  ${ratio}`,
    );
  console.log(
    `custody entries in the package: ${exp.value.items * 3} (ingest, case-add, export per item); checkpoint size ${exp.value.checkpointSize}`,
  );
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
} finally {
  await store.close();
  rmSync(root, { recursive: true, force: true });
}
