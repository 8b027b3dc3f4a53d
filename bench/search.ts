/**
 * search.ts — `npm run bench -- search [DOCS] [--only sqlite|postgres] [--sample N]
 * [--vocab narrow|zipf]`: synthetic
 * documents (Arabic, English and mixed; lengths drawn from a long-tailed distribution; places
 * from the gazetteer in both scripts and several spellings) on SQLite FTS5 and PostgreSQL, then
 * a fixed mix of 30 queries (single words, phrases, OR and exclusions, prefixes, filters,
 * place-area filters, place names in other spellings) timed through the search service
 * (results, total and facets), against a `LIKE '%…%'` scan of the same text for the query's
 * first word (results and count) in the same run. DOCS defaults to 1,000,000.
 *
 * Loading: the first `--sample` documents (default 2,000) go through the real per-item indexer
 * (vault item rows, reading, tagging, analysis, terms, places, custody entries) and its rate is
 * reported as the indexer's rate; the rest are bulk-loaded — the same analyser, tagger and
 * place areas, the same search_doc / FTS5 / tsvector rows, written in multi-row batches without
 * vault items, place_mention rows or custody entries — which a 1M-document run needs to finish.
 *
 * --keep DIR keeps the loaded corpus (SQLite in DIR; PostgreSQL as a database named after DIR
 * on the --pg server) and later runs with the same DIR only query; --explain prints each
 * query's candidate statement plan (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE) instead of timing.
 *
 * The default corpus is a worst case for a text index: its vocabulary is ~120 words, so every
 * query word is in a large share of the documents (most queries match far more than the ranking
 * window). `--vocab zipf` draws the words as real text has them (VOCAB below).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import type { Ctx } from '../src/ctx.js';
import { formatErn } from '../src/lib/ern.js';
import { loadGazetteer } from '../src/search/gazetteer/places.js';
import { indexItems } from '../src/search/indexer.js';
import { RANK_WINDOW } from '../src/search/repo.js';
import { candidatesStatement, search } from '../src/search/service.js';
import { openStore } from '../src/store/open.js';
import type { RawDoc } from './_search-analyse.js';
import { bulkLoad } from './_search-bulk.js';
import { fmt, machineLine, percentile, startBenchPostgres, time } from './_support.js';

const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const SAMPLE = Math.min(N, Number(args.includes('--sample') ? args[args.indexOf('--sample') + 1] : 2000));
const BATCH = 1000;
/** --workers N: threads that analyse and tag during the bulk load (default: one per CPU). */
const WORKERS = args.includes('--workers') ? Number(args[args.indexOf('--workers') + 1]) : cpus().length;
/**
 * --vocab narrow (default): the ~120 domain words alone, so every query word is in a large share
 * of the documents (the worst case). --vocab zipf: those words inside a 30,000-word vocabulary
 * drawn by Zipf's law (s = 1), as words fall in real text, the domain words at ranks 50-3,000 — a
 * query word is then in a few per cent of the documents, not in most.
 */
const VOCAB = args.includes('--vocab') ? args[args.indexOf('--vocab') + 1] : 'narrow';
/**
 * --like-passes N: how many of the three timed passes also time the LIKE baseline (default 3).
 * At 1M documents one LIKE query (page + count) scans the whole table twice: 1 keeps a run
 * within an hour; the ratio then compares p95 over the same 30 queries.
 */
const LIKE_PASSES = args.includes('--like-passes') ? Number(args[args.indexOf('--like-passes') + 1]) : 3;
if (VOCAB !== 'narrow' && VOCAB !== 'zipf') throw new Error('--vocab is narrow or zipf');

// A deterministic generator (mulberry32), so every run indexes the same corpus.
let seed = 0x5eed;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const EN = (
  'convoy buses ambulance checkpoint crossing civilians evacuated wounded detained released shelling airstrike ' +
  'hospital school market bakery bread water electricity families displaced camp monitors counted manifest ' +
  'passengers waited hours night morning arrived departed route road village town district governorate report ' +
  'witness statement injured killed missing children women men elderly medical aid flour medicine trucks'
).split(' ');
const AR = (
  'قافلة حافلات سيارة إسعاف حاجز معبر مدنيين إجلاء جرحى اعتقال إفراج قصف غارة مشفى مدرسة سوق فرن خبز مياه ' +
  'كهرباء عائلات نازحة مخيم مراقبين قائمة ركاب انتظار ساعات ليلة صباح وصول مغادرة طريق قرية مدينة منطقة محافظة ' +
  'تقرير شاهد شهادة مصابين قتلى مفقودين أطفال نساء رجال مسنين طبي مساعدات طحين أدوية شاحنات'
).split(' ');
const LEXICON_SIZE = 30_000;
/**
 * The kept cluster's settings (--pg-data): a 24 GiB machine's PostgreSQL would not run on the
 * 128 MB default; these are the usual quarter-of-memory-or-less sizes for a search server.
 */
const PG_FLAGS = [
  '-c',
  'shared_buffers=1GB',
  '-c',
  'effective_cache_size=8GB',
  '-c',
  'maintenance_work_mem=1GB',
];

/** A pronounceable made-up word for rank `r` (Latin or Arabic letters), never a domain word. */
function madeUpWord(r: number, arabic: boolean): string {
  const syllables = arabic
    ? ['با', 'تي', 'سو', 'ري', 'كا', 'لو', 'مي', 'نا', 'دو', 'في', 'جا', 'هو', 'زي', 'شا', 'غو', 'قي']
    : ['ba', 'ti', 'so', 're', 'ka', 'lu', 'mi', 'na', 'do', 'fe', 'ja', 'ho', 'zi', 'sha', 'gu', 'qe'];
  let out = '';
  for (let n = r + 17; out.length === 0 || n > 0; n = Math.floor(n / 16)) out += syllables[n % 16];
  return `${out}${arabic ? 'ة' : 'x'}`;
}

/** The vocabulary by rank: made-up words, with the domain words spread over ranks 50-3,000. */
function lexicon(domain: readonly string[], arabic: boolean): string[] {
  const words = Array.from({ length: LEXICON_SIZE }, (_, r) => madeUpWord(r, arabic));
  domain.forEach((w, k) => {
    words[50 + Math.floor((k * 2950) / domain.length)] = w;
  });
  return words;
}

/** Cumulative Zipf weights (s = 1) over the lexicon's ranks, for drawing a rank by bisection. */
const ZIPF_CDF = (() => {
  const cdf = new Float64Array(LEXICON_SIZE);
  let sum = 0;
  for (let r = 0; r < LEXICON_SIZE; r++) cdf[r] = sum += 1 / (r + 1);
  return cdf.map((c) => c / sum);
})();

function zipfRank(): number {
  const u = rand();
  let lo = 0;
  let hi = LEXICON_SIZE - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ZIPF_CDF[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const SOURCES = [
  'field team 1',
  'field team 2',
  'field team 3',
  'news wire',
  'medical report',
  'monitor log',
  'فريق الرصد 1',
  'وكالة أنباء',
];
const KINDS = ['text', 'document', 'image', 'email'];

const LEX_EN = lexicon(EN, false);
const LEX_AR = lexicon(AR, true);
const word = (arabic: boolean): string =>
  VOCAB === 'zipf' ? (arabic ? LEX_AR : LEX_EN)[zipfRank()]! : pick(arabic ? AR : EN);

const places = [...loadGazetteer().places.values()].filter((p) => p.level === 4);
const variants = loadGazetteer().variants;

function placeName(): string {
  const r = rand();
  if (r < 0.15) return pick(variants).variant;
  const p = pick(places);
  return r < 0.55 ? p.nameAr : p.nameEn;
}

/** A document of 5–600 words (log-normal-ish: most are short, a few are long). */
function makeDoc(i: number): { title: string; text: string; source: string; kind: string; date: string } {
  const arabic = rand() < 0.45;
  const mixed = rand() < 0.15;
  const words = Math.min(600, Math.max(5, Math.round(Math.exp(3 + rand() * 2.2 + rand() * 0.8))));
  const out: string[] = [];
  for (let w = 0; w < words; w++) {
    if (rand() < 0.04) out.push(placeName());
    else out.push(word(arabic || (mixed && rand() < 0.5)));
  }
  const day = new Date(Date.UTC(2012, 0, 1) + Math.floor(rand() * 12 * 365) * 86_400_000);
  return {
    title: `${word(arabic)} ${placeName()} ${i}`,
    text: out.join(' '),
    source: pick(SOURCES),
    kind: pick(KINDS),
    date: day.toISOString().slice(0, 10),
  };
}

const QUERIES = [
  'convoy',
  'hospital',
  'قصف',
  'مشفى',
  'checkpoint detained',
  'الحافلات حاجز',
  '"wounded civilians"',
  '"سيارة إسعاف"',
  'bakery OR bread',
  'مياه OR كهرباء',
  'convoy -ambulance',
  'evac*',
  'مساعد*',
  'Foua',
  'الفوعة',
  "al-Fu'ah",
  'Kefraya',
  'Khan Sheikhoun',
  'معرة النعمان',
  'Idlib market',
  'shelling place:SY07',
  'hospital place:SY02',
  'قصف place:SY0200',
  'convoy kind:image',
  'witness source:"news wire"',
  'families after:2016 before:2017',
  'market sort:date',
  'children missing after:2020',
  'airstrike place:C3905',
  'medical aid Saraqib',
];

const firstWord = (q: string) =>
  (q.replace(/^[^\p{L}]+/u, '').match(/[\p{L}']+/u)?.[0] ?? q).replace(/\*$/, '');

/** itemRow is the vault row of synthetic document `i` (its text in metadata, as the indexer reads it). */
function itemRow(i: number, d: ReturnType<typeof makeDoc>, now: string) {
  return {
    id: randomUUID(),
    ern: formatErn(i),
    ern_seq: i,
    blob_sha256: '0'.repeat(64),
    title: d.title,
    kind: d.kind,
    media_type: 'application/octet-stream',
    original_name: `doc-${i}`,
    original_name_hex: null,
    size: 0,
    source: d.source,
    collected_at: `${d.date}T00:00:00.000Z`,
    collected_by: 'bench',
    compartment: i % 10 === 0 ? 'witness' : 'general',
    parent_item_id: null,
    metadata: JSON.stringify({ text: d.text }),
    created_at: now,
    created_by: 'bench',
  };
}

/** indexSample puts documents 1…SAMPLE through the vault rows and the real per-item indexer. */
async function indexSample(ctx: Ctx, now: string): Promise<number> {
  let ms = 0;
  for (let start = 1; start <= SAMPLE; start += BATCH) {
    const rows: Array<ReturnType<typeof itemRow>> = [];
    for (let i = start; i < Math.min(SAMPLE + 1, start + BATCH); i++) rows.push(itemRow(i, makeDoc(i), now));
    for (let k = 0; k < rows.length; k += 100)
      await ctx.db
        .insertInto('item')
        .values(rows.slice(k, k + 100))
        .execute();
    ms += (
      await time(() =>
        indexItems(
          ctx,
          rows.map((r) => r.id),
        ),
      )
    ).ms;
  }
  return ms;
}

/** rawDoc is generated document `i` with the columns of its search_doc row (as itemRow has them). */
function rawDoc(i: number): RawDoc {
  const d = makeDoc(i);
  const row = itemRow(i, d, '');
  return {
    itemId: row.id,
    docId: i,
    ern: row.ern,
    title: d.title,
    text: d.text,
    kind: d.kind,
    source: d.source,
    compartment: row.compartment,
    collectedAt: row.collected_at,
    year: Number(d.date.slice(0, 4)),
  };
}

let indexRebuildMs = Number.NaN;

async function fill(ctx: Ctx): Promise<{ sampleMs: number; bulkMs: number }> {
  seed = 0x5eed;
  const now = '2026-01-01T00:00:00.000Z';
  await ctx.db
    .insertInto('blob')
    .values({ sha256: '0'.repeat(64), size: 0, media_type: 'application/octet-stream', stored_at: now })
    .execute();
  const sampleMs = await indexSample(ctx, now);
  let next = SAMPLE + 1;
  const t0 = performance.now();
  const bulk = await bulkLoad(ctx, N - SAMPLE, () => rawDoc(next++), {
    now,
    workers: WORKERS,
    progress: (done, rate) =>
      process.stderr.write(
        `  ${ctx.dialect}: ${fmt(SAMPLE + done, 0)} docs, bulk ${fmt(rate, 0)} docs/s (${fmt((performance.now() - t0) / 1000, 0)} s)\n`,
      ),
  });
  const bulkMs = bulk.ms;
  indexRebuildMs = bulk.indexMs;
  // The search service's catch-up (syncIndex) starts after the bulk-loaded documents.
  await ctx.db
    .insertInto('counter')
    .values({ name: 'search-indexed-seq', value: N })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: N }))
    .execute();
  return { sampleMs, bulkMs };
}

async function indexSize(ctx: Ctx, dir: string): Promise<string> {
  if (ctx.dialect === 'sqlite') {
    const r = await sql<{ b: number }>`SELECT sum(pgsize) AS b FROM dbstat WHERE name LIKE 'search_fts%'`
      .execute(ctx.db)
      .catch(() => undefined);
    const text = await sql<{ b: number }>`SELECT sum(pgsize) AS b FROM dbstat WHERE name = 'search_doc'`
      .execute(ctx.db)
      .catch(() => undefined);
    const file = statSync(join(dir, 'attest.sqlite')).size;
    return `FTS5 ${fmt(Number(r?.rows[0]?.b ?? 0) / 1024 ** 2, 0)} MiB; search_doc (text for snippets) ${fmt(Number(text?.rows[0]?.b ?? 0) / 1024 ** 2, 0)} MiB; file ${fmt(file / 1024 ** 2, 0)} MiB`;
  }
  const r = await sql<{
    idx: number;
    tbl: number;
  }>`SELECT pg_relation_size('search_doc_tsv_idx') AS idx, pg_total_relation_size('search_doc') AS tbl`.execute(
    ctx.db,
  );
  return `GIN ${fmt(Number(r.rows[0]!.idx) / 1024 ** 2, 0)} MiB; search_doc with tsvector and indexes ${fmt(Number(r.rows[0]!.tbl) / 1024 ** 2, 0)} MiB`;
}

/**
 * backendCpuMs sums the CPU time (user + system, /proc/<pid>/stat fields 14 and 15, in clock
 * ticks of 10 ms) of the PostgreSQL backends serving this database — the server's share of a
 * query's work, which the bench process's own CPU time does not see. Null where /proc is not
 * readable (another user's server, not Linux).
 */
async function backendCpuMs(ctx: Ctx): Promise<number | null> {
  const r = await sql<{
    pid: number;
  }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(ctx.db);
  let ticks = 0;
  try {
    for (const { pid } of r.rows) {
      const stat = readFileSync(`/proc/${Number(pid)}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return null;
  }
  return ticks * 10;
}

async function measure(ctx: Ctx) {
  const compartments = ['general'];
  const load0 = loadavg()[0]!;
  // One warm-up pass, then three timed passes of the whole mix.
  for (const q of QUERIES) await search(ctx, { q, compartments, limit: 20 });
  const ours: number[] = [];
  const cpu: number[] = [];
  const bare: number[] = [];
  const like: number[] = [];
  let slowest = { q: '', ms: 0 };
  let capped = 0;
  const perQuery = new Map<string, number>();
  for (let pass = 0; pass < 3; pass++) {
    for (const q of QUERIES) {
      const pg0 = ctx.dialect === 'postgres' ? await backendCpuMs(ctx) : null;
      const c0 = process.cpuUsage();
      const t = await time(() => search(ctx, { q, compartments, limit: 20 }));
      const c1 = process.cpuUsage(c0);
      const pg1 = ctx.dialect === 'postgres' ? await backendCpuMs(ctx) : null;
      ours.push(t.ms);
      // SQLite: this process (the engine runs in it). PostgreSQL: its backends' CPU (10 ms ticks).
      const used =
        ctx.dialect === 'postgres'
          ? pg0 === null || pg1 === null
            ? Number.NaN
            : pg1 - pg0
          : (c1.user + c1.system) / 1000;
      cpu.push(used);
      perQuery.set(q, Math.max(perQuery.get(q) ?? 0, used));
      if (pass === 0 && !t.value.totalExact) capped++;
      if (t.ms > slowest.ms) slowest = { q, ms: t.ms };
      bare.push((await time(() => search(ctx, { q, compartments, limit: 20, facets: false }))).ms);
    }
  }
  // The baseline after the timed passes, not between their queries: a LIKE scan reads the whole
  // table (4 GB at 1M documents), and the query timed after each one ran slower (PostgreSQL 1M,
  // 2026-12-04: p95 66 ms with the scans between the first pass's queries, 50 ms without).
  for (let pass = 0; pass < LIKE_PASSES; pass++) {
    for (const q of QUERIES) {
      const pattern = `%${firstWord(q)}%`;
      like.push(
        (
          await time(async () => {
            await sql`SELECT item_id, ern, title FROM search_doc WHERE compartment IN ('general') AND (title LIKE ${pattern} OR body LIKE ${pattern}) ORDER BY doc_id LIMIT 20`.execute(
              ctx.db,
            );
            await sql`SELECT count(*) FROM search_doc WHERE compartment IN ('general') AND (title LIKE ${pattern} OR body LIKE ${pattern})`.execute(
              ctx.db,
            );
          })
        ).ms,
      );
    }
  }
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99) };
  };
  const load = `${fmt(load0, 1)} → ${fmt(loadavg()[0]!, 1)}`;
  return {
    ours: stats(ours),
    cpu: stats(cpu),
    bare: stats(bare),
    like: stats(like),
    slowest,
    capped,
    load,
    perQuery,
  };
}

console.log(`search benchmark · ${fmt(N, 0)} documents · vocabulary ${VOCAB} · ${machineLine()}`);
// --pg URL: use a running PostgreSQL server (with --keep, its database is kept and reused).
// --pg-data DIR: a kept PostgreSQL cluster in DIR (made on first use, left in place), on port
// --pg-port (default 54329); with --keep its database survives the run and is measured again later.
const pgData = args.includes('--pg-data') ? args[args.indexOf('--pg-data') + 1] : undefined;
const pgPort = args.includes('--pg-port') ? Number(args[args.indexOf('--pg-port') + 1]) : 54329;
const explain = args.includes('--explain');
/** --load-only: load (and keep, with --keep) the corpus, then stop without measuring. */
const loadOnly = args.includes('--load-only');
const pg =
  only === 'sqlite' || (args.includes('--pg') && !pgData)
    ? undefined
    : await startBenchPostgres(pgData ? { dataDir: pgData, port: pgPort, flags: PG_FLAGS } : {});
const pgUrl = args.includes('--pg') ? args[args.indexOf('--pg') + 1] : pgData ? pg!.url : undefined;

/** postgresDatabase is a database on the bench's server, or a kept one on --pg's server. */
async function postgresDatabase(
  keep: string | undefined,
): Promise<{ url: string; name: string; reuse: boolean }> {
  if (!pgUrl) {
    const name = `bench_search_${Date.now()}`;
    return { url: await pg!.newDatabase(name), name, reuse: false };
  }
  const name = keep
    ? `bench_search_${keep.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`
    : `bench_search_${Date.now()}`;
  const { default: pgLib } = await import('pg');
  const c = new pgLib.Client({ connectionString: pgUrl });
  await c.connect();
  const exists = (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  if (!exists) await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(pgUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), name, reuse: exists && keep !== undefined };
}

/** explainAll prints each query's candidate statement plan (and, on PostgreSQL, its run). */
async function explainAll(ctx: Ctx) {
  for (const q of QUERIES) {
    const stmt = await candidatesStatement(ctx, { q, compartments: ['general'], limit: 20 });
    if (!stmt) continue;
    const c = stmt.compile(ctx.db);
    const prefix =
      ctx.dialect === 'postgres' ? 'EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ' : 'EXPLAIN QUERY PLAN ';
    const t0 = performance.now();
    const rows = await ctx.db.executeQuery({ ...c, sql: prefix + c.sql, query: c.query });
    const ms = performance.now() - t0;
    const timed = await time(() => search(ctx, { q, compartments: ['general'], limit: 20 }));
    console.log(`\n--- ${q}  (search ${fmt(timed.ms, 1)} ms; explain ${fmt(ms, 1)} ms)`);
    for (const r of rows.rows as Array<Record<string, unknown>>)
      console.log(`  ${String(r['QUERY PLAN'] ?? r.detail ?? JSON.stringify(r))}`);
  }
}
try {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    if (only && only !== dialect) continue;
    // --keep DIR (SQLite): load once into DIR and keep it; later runs with the same DIR only query.
    const keepArg = args.includes('--keep') ? args[args.indexOf('--keep') + 1] : undefined;
    const keep = dialect === 'sqlite' || pgUrl ? keepArg : undefined;
    const pgDb = dialect === 'postgres' ? await postgresDatabase(keep) : undefined;
    const reuse = pgDb ? pgDb.reuse : keep !== undefined && existsSync(join(keep, 'attest.sqlite'));
    // A kept PostgreSQL database keeps its data directory too (the custody log's signer key).
    const keptDir =
      keep && dialect === 'postgres'
        ? join(pgData ? dirname(resolve(pgData)) : tmpdir(), `attest-bench-search-${pgDb!.name}`)
        : keep;
    const dir = keptDir ?? mkdtempSync(join(tmpdir(), 'attest-bench-search-'));
    mkdirSync(dir, { recursive: true });
    const config = loadConfig({ ATTEST_DATA: dir, DATABASE_URL: pgDb?.url ?? '' });
    const store = await openStore(config);
    try {
      const { sampleMs, bulkMs } = reuse
        ? { sampleMs: Number.NaN, bulkMs: Number.NaN }
        : await fill(store.ctx);
      if (dialect === 'postgres') await sql`VACUUM ANALYZE`.execute(store.ctx.db);
      else await sql`ANALYZE`.execute(store.ctx.db);
      if (loadOnly) {
        console.log(
          `${dialect}: loaded ${fmt(N, 0)} docs; per-item indexer ${fmt((SAMPLE / sampleMs) * 1000, 0)} docs/s; bulk ${fmt(((N - SAMPLE) / Math.max(bulkMs, 1)) * 1000, 0)} docs/s (${fmt(bulkMs / 1000, 1)} s, index rebuild ${fmt(indexRebuildMs / 1000, 1)} s)`,
        );
        continue;
      }
      if (explain) {
        await explainAll(store.ctx);
        continue;
      }
      const size = await indexSize(store.ctx, dir);
      const m = await measure(store.ctx);
      console.log(
        `\n${dialect}: ${fmt(N, 0)} docs. Per-item indexer (first ${fmt(SAMPLE, 0)}, with vault rows, tagging, custody): ${fmt((SAMPLE / sampleMs) * 1000, 0)} docs/s; bulk load of the rest: ${fmt(((N - SAMPLE) / Math.max(bulkMs, 1)) * 1000, 0)} docs/s (${fmt(bulkMs / 1000, 1)} s, of which ${fmt(indexRebuildMs / 1000, 1)} s making the secondary indexes again; ${WORKERS} analysis threads)`,
      );
      console.log(`  index size: ${size}`);
      console.log(
        `  ${m.capped} of ${QUERIES.length} queries match more than the ranking window (${fmt(RANK_WINDOW, 0)}): total "at least", newest ranked`,
      );
      console.log(
        `  search (results + total + facets): p50 ${fmt(m.ours.p50, 2)} ms · p95 ${fmt(m.ours.p95, 2)} ms · p99 ${fmt(m.ours.p99, 2)} ms (slowest: ${m.slowest.q} ${fmt(m.slowest.ms, 1)} ms)`,
      );
      const cpuWhat =
        dialect === 'sqlite'
          ? 'CPU time of this process (SQLite runs in it; load-independent)'
          : 'CPU time of the PostgreSQL backends (/proc, 10 ms ticks)';
      console.log(
        `  the same, ${cpuWhat}: p50 ${fmt(m.cpu.p50, 2)} ms · p95 ${fmt(m.cpu.p95, 2)} ms · p99 ${fmt(m.cpu.p99, 2)} ms`,
      );
      console.log(`  load average (1 min) during the timed passes: ${m.load}`);
      console.log(
        `  highest CPU per query: ${[...m.perQuery]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 6)
          .map(([q, ms]) => `${q} ${fmt(ms, 1)} ms`)
          .join(' · ')}`,
      );
      console.log(
        `  search without facets:              p50 ${fmt(m.bare.p50, 2)} ms · p95 ${fmt(m.bare.p95, 2)} ms · p99 ${fmt(m.bare.p99, 2)} ms`,
      );
      console.log(
        `  baseline LIKE '%word%' (page + count): p50 ${fmt(m.like.p50, 2)} ms · p95 ${fmt(m.like.p95, 2)} ms · p99 ${fmt(m.like.p99, 2)} ms`,
      );
      console.log(
        `  p95 ratio search / LIKE: ${fmt(m.ours.p95 / m.like.p95, 3)} (target p95 ≤ 50 ms: ${m.ours.p95 <= 50 ? 'met' : 'NOT met'})`,
      );
    } finally {
      await store.close();
      if (!keptDir) rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  await pg?.stop();
}
