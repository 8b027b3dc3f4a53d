/**
 * custody — `npm run bench -- custody [--entries N]`
 * On SQLite and PostgreSQL, in one run: append throughput with entries committed in batches of
 * 1,000; inclusion-proof generation and verification latency at N entries (default 1,000,000),
 * p50/p99 over 2,000 random proofs; full `verify` of the log; and the baseline: the naive proof,
 * which recomputes the tree from every leaf hash for each proof.
 * Then ingest entries with and without the provenance commitment of issue 18.1 (a salted SHA-256
 * of the item's canonical provenance record, computed in the timed loop as recordItems does), in
 * alternating batches (ABBA) in the same log, so that the two are measured under the same load;
 * the time spent computing the commitments is also reported as a share of the appends without.
 * Targets: ≥ 50,000 appends/s (SQLite, batched); proof p99 ≤ 2 ms at 1M; verify of 1M ≤ 10 s;
 * the provenance commitment costs ingest appends ≤ 10 %.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadConfig } from '../src/config.js';
import { appendEntries, leafHashOf, proveInclusion, signCheckpoint } from '../src/custody/service.js';
import { verifyCustody } from '../src/custody/verify.js';
import { sha256 } from '../src/lib/hash.js';
import { verifyInclusion } from '../src/lib/merkle.js';
import { openStore } from '../src/store/open.js';
import { type ProvenanceRow, provenanceSha256 } from '../src/vault/provenance-record.js';
import { recordItems, stageContent } from '../src/vault/service.js';
import { scratchDir } from '../test/support/stores.js';
import { fmt, machineLine, percentile, startBenchPostgres, time } from './_support.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('--entries', 1_000_000);
const BATCH = 1_000;
const PROOFS = 2_000;
const NAIVE_PROOFS = 3;
const INGEST = Math.min(N, 200_000);
const RECORDED = Math.min(N, 10_000);
const RECORD_BATCH = 500;

/** A synthetic item's provenance columns (Arabic and English, as the vault stores them). */
function provenanceRow(i: number): ProvenanceRow {
  return {
    title: `صورة من نقطة التفتيش ${i} — checkpoint photo ${i}`,
    original_name: `IMG_${String(i).padStart(6, '0')}.jpg`,
    original_name_hex: null,
    source: 'فريق الرصد الميداني / field monitoring team',
    collected_at: '2016-12-15T08:30:00Z',
    collected_by: `monitor-${i % 40}`,
    compartment: 'witness',
    parent_item_id: null,
    metadata: JSON.stringify({ camera: 'synthetic', gps: [36.2 + i / 1e6, 37.1] }),
    created_at: '2016-12-15T09:00:00Z',
    created_by: `user-${i % 12}`,
    media_type: 'image/jpeg',
    kind: 'image',
  };
}

/**
 * ingestAppends appends INGEST ingest entries in batches of BATCH, alternating batches with and
 * without the provenance commitment, and returns the time each kind took.
 */
async function ingestAppends(ctx: Awaited<ReturnType<typeof openStore>>['ctx'], at: string) {
  const ms = { with: 0, without: 0, commitment: 0, cpuWith: 0, cpuWithout: 0 };
  for (let done = 0; done < INGEST; done += BATCH) {
    const n = Math.min(BATCH, INGEST - done);
    // ABBA order (with, without, without, with, …) cancels a drift in the machine's load.
    const withCommitment = [true, false, false, true][(done / BATCH) % 4]!;
    // The item rows exist before recordItems commits to them: built outside the timing.
    // Flattened through JSON, as rows read from the database are: V8 builds template literals as
    // rope strings, and flattening one on first use is not the commitment's cost.
    const rows: ProvenanceRow[] = JSON.parse(
      JSON.stringify(Array.from({ length: n }, (_, k) => provenanceRow(done + k))),
    );
    const blobs = rows.map((_, k) => sha256(Buffer.from(`blob ${done + k}`)).toString('hex'));
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const salts = withCommitment ? randomBytes(16 * n).toString('hex') : '';
    const entries = rows.map((row, k) => {
      const i = done + k;
      const data: Record<string, string | number> = {
        ern: `ATT-${String(i + 1).padStart(6, '0')}`,
        sha256: blobs[k]!,
        size: 1000 + i,
      };
      if (withCommitment) {
        const c0 = process.hrtime.bigint();
        data.provenanceSha256 = provenanceSha256(row, salts.slice(k * 32, k * 32 + 32));
        ms.commitment += Number(process.hrtime.bigint() - c0) / 1e6;
      }
      return { kind: 'ingest' as const, actor: 'bench', itemId: `item-${i}`, data };
    });
    await ctx.db.transaction().execute((trx) => appendEntries(trx, entries, at));
    const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    if (withCommitment) {
      ms.with += elapsed;
      ms.cpuWith += cpuMs;
    } else {
      ms.without += elapsed;
      ms.cpuWithout += cpuMs;
    }
  }
  return ms;
}

/** naiveProof recomputes MTH over all leaves for every node of the path (RFC 6962 §2.1.1 as written). */
function naiveProof(leaves: Buffer[], m: number, a: number, b: number): Buffer[] {
  if (b - a <= 1) return [];
  let k = 1;
  while (k * 2 < b - a) k *= 2;
  return m < a + k
    ? [...naiveProof(leaves, m, a, a + k), mth(leaves, a + k, b)]
    : [...naiveProof(leaves, m, a + k, b), mth(leaves, a, a + k)];
}
function mth(leaves: Buffer[], a: number, b: number): Buffer {
  if (b - a === 1) return leaves[a]!;
  let k = 1;
  while (k * 2 < b - a) k *= 2;
  return sha256(Buffer.from([1]), mth(leaves, a, a + k), mth(leaves, a + k, b));
}

/**
 * recordPath times the real ingest transaction (recordItems: blob row, ERN, item row, intake job,
 * ingest entry with its provenance commitment, hold release) for RECORDED pre-staged items, and
 * the commitments alone, recomputed from the stored rows: their share of the transaction.
 */
async function recordPath(ctx: Awaited<ReturnType<typeof openStore>>['ctx']) {
  let recordMs = 0;
  let commitMs = 0;
  for (let done = 0; done < RECORDED; done += RECORD_BATCH) {
    const staged = [];
    for (let k = 0; k < RECORD_BATCH; k++) {
      const i = done + k;
      staged.push(
        await stageContent(
          ctx,
          Buffer.from(`recorded item ${i}`),
          {
            originalName: `IMG_${i}.jpg`,
            title: `صورة من نقطة التفتيش ${i}`,
            provenance: {
              source: 'field team',
              collectedAt: '2016-12-15T08:30:00Z',
              collectedBy: `monitor-${i % 40}`,
            },
            compartment: 'witness',
            metadata: { camera: 'synthetic', n: i },
            actor: 'bench',
          },
          { deferDirSync: true },
        ),
      );
    }
    await ctx.blobs.flush();
    const t0 = process.hrtime.bigint();
    const outcomes = await recordItems(ctx, staged);
    recordMs += Number(process.hrtime.bigint() - t0) / 1e6;
    const rows = await ctx.db
      .selectFrom('item')
      .selectAll()
      .where(
        'id',
        'in',
        outcomes.map((o) => o.item.id),
      )
      .execute();
    const t1 = process.hrtime.bigint();
    for (const row of rows) provenanceSha256(row, row.provenance_salt!);
    commitMs += Number(process.hrtime.bigint() - t1) / 1e6;
  }
  return { recordMs, commitMs };
}

console.log(`custody benchmark · ${machineLine()} · ${N.toLocaleString('en-GB')} entries`);
const pg = await startBenchPostgres();
try {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const dir = scratchDir('bench-custody-');
    const url = dialect === 'postgres' ? await pg.newDatabase('bench_custody') : '';
    const config = loadConfig({
      ATTEST_DATA: dir,
      DATABASE_URL: url,
      ATTEST_CHECKPOINT_EVERY: String(N * 10),
    });
    const store = await openStore(config);
    const { ctx } = store;
    const at = new Date().toISOString();
    const appendCpu0 = process.cpuUsage();
    const append = await time(async () => {
      for (let done = 0; done < N; done += BATCH) {
        const n = Math.min(BATCH, N - done);
        const entries = Array.from({ length: n }, (_, i) => ({
          kind: 'view' as const,
          actor: 'bench',
          data: { n: done + i },
        }));
        await ctx.db.transaction().execute((trx) => appendEntries(trx, entries, at));
      }
    });
    const appendCpu = process.cpuUsage(appendCpu0);
    const cp = (await signCheckpoint(ctx))!;
    const opened = ctx.logKey.openCheckpoint(cp.signedNote);
    if (!opened.ok) throw new Error('checkpoint does not open');
    const gen: number[] = [];
    const ver: number[] = [];
    for (let i = 0; i < PROOFS; i++) {
      const index = Math.floor(Math.random() * N);
      const t0 = process.hrtime.bigint();
      const p = await proveInclusion(ctx, index, N);
      const t1 = process.hrtime.bigint();
      const ok = verifyInclusion(
        Buffer.from(p.leafHash, 'hex'),
        index,
        N,
        p.proof.map((h) => Buffer.from(h, 'hex')),
        opened.root,
      );
      const t2 = process.hrtime.bigint();
      if (!ok) throw new Error(`proof ${index} failed`);
      gen.push(Number(t1 - t0) / 1e6);
      ver.push(Number(t2 - t1) / 1e6);
    }
    gen.sort((a, b) => a - b);
    ver.sort((a, b) => a - b);
    const verify = await time(() => verifyCustody(ctx));
    if (verify.value.length) throw new Error(`verify found problems: ${verify.value[0]?.message}`);
    let naiveMs = Number.NaN;
    if (dialect === 'sqlite') {
      const naive = await time(async () => {
        for (let i = 0; i < NAIVE_PROOFS; i++) {
          const rows = await ctx.db.selectFrom('custody_entry').select('payload').orderBy('seq').execute();
          const leaves = rows.map((r) => leafHashOf(r.payload));
          naiveProof(leaves, Math.floor(Math.random() * N), 0, N);
        }
      });
      naiveMs = naive.ms / NAIVE_PROOFS;
    }
    const ingest = await ingestAppends(ctx, at);
    const recorded = await recordPath(ctx);
    const perBatchKind = INGEST / 2;
    console.log(`${dialect}:`);
    console.log(
      `  append (batches of ${BATCH})    ${fmt(N / (append.ms / 1000), 0)} entries/s   (${fmt(append.ms / 1000, 2)} s; this process's CPU ${fmt((appendCpu.user + appendCpu.system) / N, 2)} µs per entry)`,
    );
    console.log(
      `  inclusion proof generation  p50 ${fmt(percentile(gen, 50), 3)} ms   p99 ${fmt(percentile(gen, 99), 3)} ms`,
    );
    console.log(
      `  inclusion proof verification p50 ${fmt(percentile(ver, 50), 3)} ms   p99 ${fmt(percentile(ver, 99), 3)} ms`,
    );
    console.log(`  full verify of ${N.toLocaleString('en-GB')} entries   ${fmt(verify.ms / 1000, 2)} s`);
    if (!Number.isNaN(naiveMs)) {
      console.log(
        `  baseline: naive proof (recompute tree)  ${fmt(naiveMs, 0)} ms per proof = ${fmt(naiveMs / percentile(gen, 50), 0)}× the p50`,
      );
    }
    console.log(
      `  ingest entries, batches of ${BATCH}: without provenance commitment ${fmt(perBatchKind / (ingest.without / 1000), 0)} entries/s, ` +
        `with ${fmt(perBatchKind / (ingest.with / 1000), 0)} entries/s = ${fmt(ingest.with / ingest.without, 3)}× the time (target ≤ 1.10); ` +
        `computing the commitments: ${fmt((ingest.commitment / perBatchKind) * 1000, 2)} µs each = ${fmt((100 * ingest.commitment) / ingest.without, 1)} % of the appends without`,
    );
    // CPU time of this process is steadier than wall time when other work shares the cores; on
    // SQLite it is all the work (the database runs in-process), on PostgreSQL only the client's.
    console.log(
      `  the same, this process's CPU: ${fmt((ingest.cpuWithout / perBatchKind) * 1000, 2)} µs per entry without, ` +
        `${fmt((ingest.cpuWith / perBatchKind) * 1000, 2)} with = ${fmt(ingest.cpuWith / ingest.cpuWithout, 3)}×` +
        (dialect === 'postgres' ? ' (client side only)' : ''),
    );
    console.log(
      `  recordItems (the ingest transaction), batches of ${RECORD_BATCH}: ${fmt(RECORDED / (recorded.recordMs / 1000), 0)} items/s; ` +
        `the provenance commitments ${fmt((recorded.commitMs / RECORDED) * 1000, 2)} µs each = ${fmt((100 * recorded.commitMs) / recorded.recordMs, 1)} % of it ` +
        `(without them: ${fmt(recorded.recordMs / (recorded.recordMs - recorded.commitMs), 3)}× faster at most)`,
    );
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  await pg.stop();
}
