/**
 * _search-bulk.ts — the search bench's bulk load: generated documents straight into the search
 * tables, analysed and tagged exactly as the indexer does (_search-analyse.ts), without vault
 * items, place_mention rows or custody entries — what a 1,000,000-document run needs to finish in
 * minutes. Where the time went before (profile of 12,000 documents, 2026-12-04): the tagger and
 * analyser in the one thread that also wrote the rows, Kysely compiling every 200-row statement,
 * a commit per 1,000 documents, and every secondary index (and on PostgreSQL the GIN index)
 * updated row by row.
 *
 * Now:
 * - worker threads analyse (the generator stays in this thread, so the corpus is the same
 *   deterministic sequence as before), up to `2 × workers` batches in flight;
 * - this thread writes each batch of 2,000 in one transaction: SQLite with fixed-shape
 *   multi-row statements (prepared once, kept by the store's statement cache) and a 1 GiB page
 *   cache for the load; PostgreSQL with one `INSERT … SELECT FROM unnest($1::text[], …)` per
 *   table and batch (one parameter per column, whatever the row count);
 * - the secondary indexes of search_doc and search_place (and the GIN index) are dropped before
 *   the load and made again after it from their own definitions, as a bulk re-index of a
 *   database nobody searches meanwhile would do (primary keys and unique constraints stay).
 */
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CompiledQuery, sql } from 'kysely';
import type { Ctx } from '../src/ctx.js';
import { ftsTable, shardFor } from '../src/search/backends/sqlite-backend.js';
import { type AnalysedDoc, analyseDoc, type RawDoc } from './_search-analyse.js';

const BATCH = 2000;
const TABLES = ['search_doc', 'search_place'];

/** secondaryIndexes lists the indexes of the search tables that no constraint owns, with their definitions. */
async function secondaryIndexes(ctx: Ctx): Promise<Array<{ name: string; def: string }>> {
  if (ctx.dialect === 'sqlite') {
    const r = await sql<{ name: string; sql: string }>`SELECT name, sql FROM sqlite_master
      WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${sql.join(TABLES)})`.execute(ctx.db);
    return r.rows.map((x) => ({ name: x.name, def: x.sql }));
  }
  const r = await sql<{ name: string; def: string }>`SELECT indexname AS name, indexdef AS def FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename IN (${sql.join(TABLES)})
      AND indexname NOT IN (SELECT conname FROM pg_constraint)`.execute(ctx.db);
  return r.rows;
}

/**
 * A worker thread does not inherit the tsx loader the bench runs under (`node --import tsx`
 * registers it for this thread only), so each worker registers it before loading its module.
 */
const WORKER_BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./_search-analyse-worker.ts', import.meta.url).href)}); })`;

/** Orders analysed batches by their sequence number as the workers hand them back. */
class AnalysisPool {
  readonly #workers: Worker[] = [];
  readonly #waiting = new Map<number, (docs: AnalysedDoc[]) => void>();
  readonly #done = new Map<number, AnalysedDoc[]>();
  #next = 0;
  #failure: Error | null = null;

  constructor(
    count: number,
    readonly dialect: 'sqlite' | 'postgres',
  ) {
    for (let k = 0; k < count; k++) {
      const w = new Worker(WORKER_BOOT, { eval: true });
      w.on('message', (m: { seq: number; docs: AnalysedDoc[] }) => {
        const resolve = this.#waiting.get(m.seq);
        if (resolve) {
          this.#waiting.delete(m.seq);
          resolve(m.docs);
        } else this.#done.set(m.seq, m.docs);
      });
      w.on('error', (e) => {
        this.#failure = e;
        for (const resolve of this.#waiting.values()) resolve([]);
      });
      this.#workers.push(w);
    }
  }

  /** submit sends a batch to the next worker; result(seq) waits for it. */
  submit(docs: RawDoc[]): number {
    const seq = this.#next++;
    if (this.#workers.length === 0)
      this.#done.set(
        seq,
        docs.map((d) => analyseDoc(d, this.dialect)),
      );
    else this.#workers[seq % this.#workers.length]!.postMessage({ seq, dialect: this.dialect, docs });
    return seq;
  }

  async result(seq: number): Promise<AnalysedDoc[]> {
    const ready = this.#done.get(seq);
    const docs = ready ?? (await new Promise<AnalysedDoc[]>((resolve) => this.#waiting.set(seq, resolve)));
    this.#done.delete(seq);
    if (this.#failure) throw this.#failure;
    return docs;
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let k = 0; k < xs.length; k += size) out.push(xs.slice(k, k + size));
  return out;
}

/** A multi-row INSERT of `rows` rows of `cols` values, as one fixed SQL text (so it is prepared once). */
function multiRow(head: string, rows: unknown[][]): CompiledQuery {
  const one = `(${rows[0]!.map(() => '?').join(', ')})`;
  return CompiledQuery.raw(`${head} VALUES ${rows.map(() => one).join(', ')}`, rows.flat());
}

const DOC_COLUMNS =
  'item_id, doc_id, ern, title, kind, source, compartment, date, year, body, text_sha256, indexed_at, admin';

async function writeSqlite(ctx: Ctx, docs: AnalysedDoc[], now: string, shards: Map<string, number>) {
  await ctx.db.transaction().execute(async (trx) => {
    for (const c of new Set(docs.map((d) => d.compartment)))
      if (!shards.has(c)) shards.set(c, await shardFor(trx, c));
    for (const chunk of chunks(docs, 200)) {
      const rows = chunk.map((d) => [
        d.itemId,
        d.docId,
        d.ern,
        d.title,
        d.kind,
        d.source,
        d.compartment,
        d.collectedAt,
        d.year,
        d.text,
        '',
        now,
        d.admin,
        shards.get(d.compartment)!,
      ]);
      await trx.executeQuery(multiRow(`INSERT INTO search_doc (${DOC_COLUMNS}, fts_shard)`, rows));
    }
    // One FTS5 table per compartment (sqlite-backend.ts), as the indexer writes them.
    for (const [compartment, shard] of shards) {
      const mine = docs.filter((d) => d.compartment === compartment);
      for (const chunk of chunks(mine, 200))
        await trx.executeQuery(
          multiRow(
            `INSERT INTO ${ftsTable(shard)} (rowid, title, body, tags, filters)`,
            chunk.map((d) => [d.docId, d.titleTerms, d.bodyTerms, d.tags, d.filters]),
          ),
        );
    }
    const places = docs.flatMap((d) => d.areas.map(([pcode, level]) => [d.itemId, pcode, level]));
    for (const chunk of chunks(places, 300))
      await trx.executeQuery(multiRow('INSERT INTO search_place (item_id, pcode, level)', chunk));
  });
}

async function writePostgres(ctx: Ctx, docs: AnalysedDoc[], now: string) {
  const col = <K extends keyof AnalysedDoc>(k: K) => docs.map((d) => d[k]);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.executeQuery(
      CompiledQuery.raw(
        `INSERT INTO search_doc (${DOC_COLUMNS}, tsv)
         SELECT u.item_id, u.doc_id, u.ern, u.title, u.kind, u.source, u.compartment, u.date, u.year, u.body,
                '', $11, u.admin, u.tsv::tsvector
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::text[], $9::int[], $10::text[], $12::text[], $13::text[])
           AS u(item_id, doc_id, ern, title, kind, source, compartment, date, year, body, admin, tsv)`,
        [
          col('itemId'),
          col('docId'),
          col('ern'),
          col('title'),
          col('kind'),
          col('source'),
          col('compartment'),
          col('collectedAt'),
          col('year'),
          col('text'),
          now,
          col('admin'),
          col('tsv'),
        ],
      ),
    );
    const places = docs.flatMap((d) => d.areas.map(([pcode, level]) => ({ id: d.itemId, pcode, level })));
    await trx.executeQuery(
      CompiledQuery.raw(
        'INSERT INTO search_place (item_id, pcode, level) SELECT * FROM unnest($1::text[], $2::text[], $3::int[])',
        [places.map((p) => p.id), places.map((p) => p.pcode), places.map((p) => p.level)],
      ),
    );
  });
}

export interface BulkOptions {
  /** Worker threads that analyse (0: this thread). Default: the number of CPUs. */
  workers?: number;
  now: string;
  progress?: (done: number, docsPerSecond: number) => void;
}

/**
 * bulkLoad writes `total` documents from `generate` (called in order, in this thread) and
 * returns the wall time it took in milliseconds, index rebuild included.
 */
export async function bulkLoad(
  ctx: Ctx,
  total: number,
  generate: () => RawDoc,
  opts: BulkOptions,
): Promise<{ ms: number; indexMs: number }> {
  const t0 = performance.now();
  const indexes = await secondaryIndexes(ctx);
  for (const ix of indexes) await sql`DROP INDEX ${sql.id(ix.name)}`.execute(ctx.db);
  let cacheBefore: number | undefined;
  if (ctx.dialect === 'sqlite') {
    cacheBefore = Number(
      (await sql<{ cache_size: number }>`PRAGMA cache_size`.execute(ctx.db)).rows[0]?.cache_size,
    );
    await sql`PRAGMA cache_size = -1048576`.execute(ctx.db);
  }
  const pool = new AnalysisPool(opts.workers ?? cpus().length, ctx.dialect);
  const shards = new Map<string, number>();
  try {
    const inFlight: number[] = [];
    const depth = Math.max(2, 2 * (opts.workers ?? cpus().length));
    let sent = 0;
    let written = 0;
    let reported = 0;
    while (written < total) {
      while (sent < total && inFlight.length < depth) {
        const n = Math.min(BATCH, total - sent);
        const batch: RawDoc[] = [];
        for (let k = 0; k < n; k++) batch.push(generate());
        inFlight.push(pool.submit(batch));
        sent += n;
      }
      const docs = await pool.result(inFlight.shift()!);
      if (ctx.dialect === 'sqlite') await writeSqlite(ctx, docs, opts.now, shards);
      else await writePostgres(ctx, docs, opts.now);
      written += docs.length;
      if (opts.progress && (written - reported >= 50_000 || written === total)) {
        reported = written;
        opts.progress(written, (written / (performance.now() - t0)) * 1000);
      }
    }
  } finally {
    await pool.close();
  }
  const ti = performance.now();
  if (ctx.dialect === 'postgres')
    await ctx.db.transaction().execute(async (trx) => {
      // A bigger sort area makes one GIN build instead of many merges (CREATE INDEX, §11.9).
      await sql`SET LOCAL maintenance_work_mem = '1GB'`.execute(trx);
      for (const ix of indexes) await sql.raw(ix.def).execute(trx);
    });
  else for (const ix of indexes) await sql.raw(ix.def).execute(ctx.db);
  if (cacheBefore !== undefined && Number.isFinite(cacheBefore))
    await sql.raw(`PRAGMA cache_size = ${Math.trunc(cacheBefore)}`).execute(ctx.db);
  const t1 = performance.now();
  return { ms: t1 - t0, indexMs: t1 - ti };
}
