/**
 * intake — `npm run bench -- intake [--hashes N] [--queries Q] [--skip-pipeline]`
 * In one run:
 * 1. End-to-end intake on a generated mixed corpus (PDFs, DOCX, JPEGs, a short video, zips whose
 *    members are extracted too), SQLite, with 1 and then 2 workers: items/s from `add` to the
 *    queue being empty (derived items included in the count of jobs run).
 * 2. PDQ hashes/s: decode + Pillow-compatible pre-shrink + hash of 640×480 JPEGs, and the hash
 *    alone on decoded pixels.
 * 3. Near-duplicate query over N (default 1,000,000) stored hashes, as the product runs it:
 *    `findNearDuplicates` on the `pdq_hash` table (SQLite; 16 indexed chunk columns, multi-index
 *    hashing) vs the brute-force baseline (read every hash of the compartment, compare each),
 *    p50/p99, results compared for identity. Target: ≥ 50× faster than the scan.
 * 4. The same search in memory (src/lib/mih.ts) vs a sequential in-memory scan: the hardest
 *    baseline (a scan of packed 32-byte hashes runs at memory bandwidth).
 *
 * Options: --hashes N (in memory), --db-hashes N, --queries Q, --scan-queries S, --skip-pipeline,
 * --skip-db.
 */
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { JOB_KINDS } from '../src/cli/job-kinds.js';
import { loadConfig } from '../src/config.js';
import { pdqOfImage } from '../src/intake/image-decode.js';
import { findNearDuplicates } from '../src/intake/index.js';
import { runTool } from '../src/intake/tools.js';
import { MultiIndexHash } from '../src/lib/mih.js';
import { hammingDistanceHex, pdqChunks, pdqFromRgb } from '../src/lib/pdq.js';
import { JobRegistry, Worker } from '../src/store/job-worker.js';
import { queueDepth } from '../src/store/jobs.js';
import { openStore } from '../src/store/open.js';
import { addContent } from '../src/vault/service.js';
import { makeDocx, makeZip } from '../test/support/intake-fixtures.js';
import { scratchDir } from '../test/support/stores.js';
import { fmt, machineLine, percentile, time } from './_support.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const HASHES = arg('--hashes', 1_000_000);
const QUERIES = arg('--queries', 1000);
const SCAN_QUERIES = arg('--scan-queries', 100);
const DB_HASHES = arg('--db-hashes', 1_000_000);

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

async function jpeg(i: number): Promise<Buffer> {
  const next = rng(i + 1);
  const shapes = Array.from({ length: 6 }, () => {
    const x = next() % 600;
    const y = next() % 440;
    const c = (next() & 0xffffff).toString(16).padStart(6, '0');
    return `<rect x="${x}" y="${y}" width="${40 + (next() % 200)}" height="${40 + (next() % 200)}" fill="#${c}"/>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><rect width="100%" height="100%" fill="#ddd"/>${shapes}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

function pdf(i: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument();
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.text(`Report ${i}: convoy observed at Ramouseh. `.repeat(40));
    doc.addPage().text(`Page two of report ${i}. `.repeat(40));
    doc.end();
  });
}

async function corpus(dir: string): Promise<{ name: string; bytes: Buffer }[]> {
  const out: { name: string; bytes: Buffer }[] = [];
  for (let i = 0; i < 10; i++) out.push({ name: `r${i}.pdf`, bytes: await pdf(i) });
  for (let i = 0; i < 6; i++)
    out.push({ name: `s${i}.docx`, bytes: makeDocx([`Statement ${i}`, 'وصلت القافلة']) });
  for (let i = 0; i < 30; i++) out.push({ name: `p${i}.jpg`, bytes: await jpeg(i) });
  for (let i = 0; i < 4; i++) {
    out.push({
      name: `z${i}.zip`,
      bytes: makeZip(
        Array.from({ length: 5 }, (_, j) => ({ name: `n${j}.txt`, data: Buffer.from(`note ${i}.${j}`) })),
      ),
    });
  }
  const clip = join(dir, 'clip.mp4');
  await runTool(
    'ffmpeg',
    [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=duration=20:size=640x360:rate=25',
      '-pix_fmt',
      'yuv420p',
      clip,
    ],
    { timeoutMs: 120_000 },
  );
  out.push({ name: 'clip.mp4', bytes: await readFile(clip) });
  return out;
}

async function pipeline(workers: number, files: { name: string; bytes: Buffer }[]) {
  const dir = scratchDir('bench-intake-');
  const store = await openStore(loadConfig({ ATTEST_DATA: dir }));
  try {
    for (const f of files) {
      await addContent(store.ctx, Readable.from([f.bytes]), {
        originalName: f.name,
        provenance: { source: 'bench', collectedAt: '2016-12-18', collectedBy: 'bench' },
        actor: 'bench',
      });
    }
    const worker = new Worker(store.ctx, new JobRegistry(JOB_KINDS), { concurrency: workers, pollMs: 20 });
    const { ms } = await time(async () => {
      worker.start();
      for (;;) {
        const d = await queueDepth(store.ctx);
        if (d.queued + d.running === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    await worker.stop();
    const d = await queueDepth(store.ctx);
    return { ms, jobs: d.done + d.failed, failed: d.failed };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function randomHash(next: () => number): string {
  let h = '';
  for (let i = 0; i < 8; i++) h += next().toString(16).padStart(8, '0');
  return h;
}

function flip(hex: string, bits: number, next: () => number): string {
  const words = Array.from({ length: 8 }, (_, i) => Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16));
  for (let k = 0; k < bits; k++) {
    const b = next() % 256;
    words[b >> 5] = (words[b >> 5]! ^ (1 << (b & 31))) >>> 0;
  }
  return words.map((w) => w.toString(16).padStart(8, '0')).join('');
}

async function main() {
  console.log(`intake benchmark — ${machineLine()}`);
  if (!process.argv.includes('--skip-pipeline')) {
    const dir = scratchDir('bench-corpus-');
    const files = await corpus(dir);
    rmSync(dir, { recursive: true, force: true });
    console.log(
      `\n1. end to end: ${files.length} files (10 PDF, 6 DOCX, 30 JPEG, 4 zips × 5 members, 1 video of 20 s)`,
    );
    const ms: number[] = [];
    for (const w of [1, 2]) {
      const r = await pipeline(w, files);
      ms.push(r.ms);
      console.log(
        `   ${w} worker${w > 1 ? 's' : ' '}: ${r.jobs} jobs (intake, search-index) in ${fmt(r.ms / 1000, 2)} s — ${fmt((files.length * 1000) / r.ms, 2)} items/s (${fmt((r.jobs * 1000) / r.ms, 2)} jobs/s incl. members), ${r.failed} failed`,
      );
    }
    console.log(`   2 workers vs 1: ${fmt(ms[0]! / ms[1]!, 2)}× (baseline: 1 worker, same corpus, same run)`);
  }

  console.log('\n2. PDQ');
  const jpegs = await Promise.all(Array.from({ length: 40 }, (_, i) => jpeg(1000 + i)));
  const dec = await time(async () => {
    for (const j of jpegs) await pdqOfImage(j, 100_000_000);
  });
  const raw = await sharp(jpegs[0]).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const reps = 200;
  const hashOnly = await time(async () => {
    for (let i = 0; i < reps; i++) pdqFromRgb(raw.data, raw.info.width, raw.info.height, raw.info.channels);
  });
  console.log(
    `   decode + pre-shrink + hash, 640×480 JPEG: ${fmt((jpegs.length * 1000) / dec.ms, 1)} hashes/s`,
  );
  console.log(
    `   hash of decoded 640×480 pixels:            ${fmt((reps * 1000) / hashOnly.ms, 1)} hashes/s`,
  );

  if (!process.argv.includes('--skip-db')) await databaseQueries();

  console.log(
    `\n4. in memory: near-duplicate query, radius 31, over ${HASHES.toLocaleString('en-GB')} hashes`,
  );
  const next = rng(2016);
  const index = new MultiIndexHash(HASHES);
  // Clusters: a tenth of the hashes are variants (≤ 40 bits flipped) of 10,000 bases.
  const bases = Array.from({ length: 10_000 }, () => randomHash(next));
  const hashes = corpusHashes(HASHES, next, bases);
  const build = await time(async () => {
    for (const h of hashes) index.add(h);
    index.compact();
  });
  console.log(`   index built in ${fmt(build.ms / 1000, 2)} s`);
  const queries = Array.from({ length: QUERIES }, (_, i) =>
    i % 2 === 0 ? flip(bases[next() % bases.length]!, next() % 16, next) : randomHash(next),
  );
  const mih: number[] = [];
  const results: string[] = [];
  let found = 0;
  for (const q of queries) {
    const t0 = process.hrtime.bigint();
    const r = index.query(q, 31);
    mih.push(Number(process.hrtime.bigint() - t0) / 1e6);
    found += r.length;
    results.push(JSON.stringify(r));
  }
  const scan: number[] = [];
  let identical = 0;
  for (let i = 0; i < Math.min(SCAN_QUERIES, queries.length); i++) {
    const t0 = process.hrtime.bigint();
    const r = index.scan(queries[i]!, 31);
    scan.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (JSON.stringify(r) === results[i]) identical++;
  }
  mih.sort((a, b) => a - b);
  scan.sort((a, b) => a - b);
  const [m50, m99, s50, s99] = [
    percentile(mih, 50),
    percentile(mih, 99),
    percentile(scan, 50),
    percentile(scan, 99),
  ];
  console.log(
    `   multi-index hashing: p50 ${fmt(m50, 3)} ms, p99 ${fmt(m99, 3)} ms (${QUERIES} queries, ${found} matches)`,
  );
  console.log(
    `   brute-force scan:    p50 ${fmt(s50, 3)} ms, p99 ${fmt(s99, 3)} ms (${scan.length} queries)`,
  );
  console.log(`   speed-up: ${fmt(s50 / m50, 1)}× at p50, ${fmt(s99 / m99, 1)}× at p99 (target ≥ 50×)`);
  console.log(`   identical results: ${identical} of ${scan.length} scanned queries`);
  if (identical !== scan.length) process.exitCode = 1;
}

/** corpusHashes yields `n` hashes: a tenth are variants (≤ 40 bits flipped) of 10,000 bases. */
function corpusHashes(n: number, next: () => number, bases: readonly string[]): string[] {
  return Array.from({ length: n }, (_, i) =>
    i % 10 === 0 ? flip(bases[(i / 10) % bases.length]!, next() % 40, next) : randomHash(next),
  );
}

/** databaseQueries: the product's query on a pdq_hash table of DB_HASHES rows vs a full read. */
async function databaseQueries() {
  console.log(
    `\n3. database (SQLite): near-duplicate query, radius 31, over ${DB_HASHES.toLocaleString('en-GB')} stored hashes`,
  );
  const dir = scratchDir('bench-pdq-db-');
  const store = await openStore(loadConfig({ ATTEST_DATA: dir }));
  try {
    const { ctx } = store;
    const next = rng(1949);
    const bases = Array.from({ length: 10_000 }, () => randomHash(next));
    // The rows stand for items already recorded; the benchmark writes the index table alone.
    await sql`PRAGMA foreign_keys = OFF`.execute(ctx.db);
    // Bulk load as a restore would: rows first, then the 16 chunk indexes of migration 0008.
    for (let c = 0; c < 16; c++) await ctx.db.schema.dropIndex(`pdq_hash_c${c}_idx`).execute();
    const load = await time(async () => {
      const batch = 25_000;
      for (let start = 0; start < DB_HASHES; start += batch) {
        const hashes = corpusHashes(Math.min(batch, DB_HASHES - start), next, bases);
        await ctx.db.transaction().execute(async (trx) => {
          for (let i = 0; i < hashes.length; i += 500) {
            await trx
              .insertInto('pdq_hash')
              .values(
                hashes.slice(i, i + 500).map((hash, k) => {
                  const chunks = pdqChunks(hash);
                  return {
                    item_id: `item-${start + i + k}`,
                    compartment: 'default',
                    hash,
                    quality: 100,
                    ...Object.fromEntries(chunks.map((c, j) => [`c${j}`, c])),
                  } as never;
                }),
              )
              .execute();
          }
        });
      }
      for (let c = 0; c < 16; c++) {
        await ctx.db.schema
          .createIndex(`pdq_hash_c${c}_idx`)
          .on('pdq_hash')
          .columns([`c${c}`, 'compartment'])
          .execute();
      }
      await sql`ANALYZE`.execute(ctx.db);
    });
    console.log(
      `   ${DB_HASHES.toLocaleString('en-GB')} rows and 16 indexes written in ${fmt(load.ms / 1000, 1)} s`,
    );
    const queries = Array.from({ length: Math.min(QUERIES, 300) }, (_, i) =>
      i % 2 === 0 ? flip(bases[next() % bases.length]!, next() % 16, next) : randomHash(next),
    );
    const indexed: number[] = [];
    const results: string[] = [];
    let found = 0;
    for (const q of queries) {
      const t0 = process.hrtime.bigint();
      const r = await findNearDuplicates(ctx, q, 'default', 31);
      indexed.push(Number(process.hrtime.bigint() - t0) / 1e6);
      found += r.length;
      results.push(JSON.stringify(r));
    }
    const scan: number[] = [];
    let identical = 0;
    const scanCount = Math.min(queries.length, Math.max(5, Math.floor(SCAN_QUERIES / 5)));
    for (let i = 0; i < scanCount; i++) {
      const t0 = process.hrtime.bigint();
      const rows = await ctx.db
        .selectFrom('pdq_hash')
        .select(['item_id', 'hash'])
        .where('compartment', '=', 'default')
        .execute();
      const r = rows
        .map((row) => ({ itemId: row.item_id, distance: hammingDistanceHex(queries[i]!, row.hash) }))
        .filter((m) => m.distance <= 31)
        .sort((a, b) => a.distance - b.distance || a.itemId.localeCompare(b.itemId));
      scan.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (JSON.stringify(r) === results[i]) identical++;
    }
    indexed.sort((a, b) => a - b);
    scan.sort((a, b) => a - b);
    const [i50, i99, s50, s99] = [
      percentile(indexed, 50),
      percentile(indexed, 99),
      percentile(scan, 50),
      percentile(scan, 99),
    ];
    console.log(
      `   multi-index query (findNearDuplicates): p50 ${fmt(i50, 2)} ms, p99 ${fmt(i99, 2)} ms (${queries.length} queries, ${found} matches)`,
    );
    console.log(
      `   brute-force scan of the compartment:     p50 ${fmt(s50, 1)} ms, p99 ${fmt(s99, 1)} ms (${scan.length} queries)`,
    );
    console.log(`   speed-up: ${fmt(s50 / i50, 1)}× at p50, ${fmt(s99 / i99, 1)}× at p99 (target ≥ 50×)`);
    console.log(`   identical results: ${identical} of ${scan.length} scanned queries`);
    if (identical !== scan.length) process.exitCode = 1;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
