/**
 * service.ts — the intake pipeline: the `intake` job every new item gets (src/vault enqueues it
 * with the item). It copies the item's bytes to a scratch file, checking their SHA-256 on the
 * way, hands them to the first extractor that accepts the media type, and records what comes
 * back as derived items (derive.ts) — text, page text, thumbnails, members, attachments, and the
 * facts found (as a `metadata` derivative) — plus the item's PDQ hash with its near-duplicate
 * links (near-duplicates.ts). The original is only ever read.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ctx } from '../ctx.js';
import { JobFailure, type JobKind, type RunningJob } from '../store/job-worker.js';
import { getJob, INTAKE_JOB, type Job, listJobs } from '../store/jobs.js';
import { type Item, itemFromRow, readVerified } from '../vault/index.js';
import { type DerivationInfo, type Derivative, derivativesOf, recordDerivatives } from './derive.js';
import { IntakeError } from './errors.js';
import type { Extraction, Extractor } from './extractor.js';
import { EXTRACTORS } from './extractors/index.js';
import { indexPdq, linkExactDuplicates, type NearDuplicate, nearDuplicatesOf } from './near-duplicates.js';

export const METADATA_TOOL = 'attest-intake';
export const METADATA_TOOL_VERSION = '1';

/** intakeJob is the job kind that runs intake on one item. */
export const intakeJob: JobKind = {
  name: INTAKE_JOB,
  maxAttempts: 3,
  timeoutMs: 15 * 60_000,
  run: (ctx, job) => runIntake(ctx, job),
};

/** runIntake extracts item `job.itemId`; intake errors become final job failures. */
export async function runIntake(ctx: Ctx, job: RunningJob): Promise<Record<string, unknown>> {
  try {
    return await extractItem(ctx, job);
  } catch (err) {
    if (err instanceof IntakeError) throw new JobFailure(err.code, err.message);
    throw err;
  }
}

async function extractItem(ctx: Ctx, job: RunningJob): Promise<Record<string, unknown>> {
  const item = job.itemId ? await itemById(ctx, job.itemId) : undefined;
  if (!item) throw new IntakeError('NOT_FOUND', 'the job names no item');
  const depth = typeof job.payload.depth === 'number' ? job.payload.depth : 0;
  const tmpDir = join(ctx.config.dataDir, 'intake-tmp', job.id);
  await rm(tmpDir, { recursive: true, force: true });
  await mkdir(tmpDir, { recursive: true, mode: 0o700 });
  try {
    const path = join(tmpDir, 'original');
    await copyVerified(ctx, item, path);
    const head = await readHead(path);
    const extractor = EXTRACTORS.find((x) => x.accepts(item.mediaType, head));
    if (!extractor) return { extractor: null, derived: 0 };
    await job.report(5, `extracting with ${extractor.name}`);
    const extraction = await extractor.extract({
      mediaType: item.mediaType,
      path,
      size: item.size,
      head,
      depth,
      tmpDir,
      limits: ctx.config.intake,
      signal: job.signal,
      report: (p, note) => job.report(5 + p * 0.85, note),
    });
    job.signal.throwIfAborted();
    await job.report(90, 'recording derived items');
    const derived = await recordDerivatives(ctx, item, withFacts(extractor, extraction), job.worker);
    let nearDuplicates = await linkExactDuplicates(ctx, item, job.worker);
    if (extraction.pdq) nearDuplicates += await indexPdq(ctx, item, extraction.pdq, job.worker);
    for (const d of derived) {
      if (d.pdq) nearDuplicates += await indexPdq(ctx, d.item, d.pdq, job.worker);
    }
    return {
      extractor: extractor.name,
      derived: derived.length,
      ...(extraction.pdq ? { pdq: extraction.pdq.hash, quality: extraction.pdq.quality } : {}),
      nearDuplicates,
    };
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}

/** withFacts adds the extraction's facts as a `metadata` derivative (canonical key order). */
function withFacts(extractor: Extractor, extraction: Extraction): Derivative[] {
  const out = [...extraction.derivatives];
  if (extraction.facts && Object.keys(extraction.facts).length > 0) {
    const json = JSON.stringify({ extractor: extractor.name, ...extraction.facts }, null, 2);
    out.push({
      kind: 'metadata',
      key: extractor.name,
      content: Buffer.from(`${json}\n`, 'utf8'),
      mediaType: 'application/json',
      originalName: `${extractor.name}-metadata.json`,
      tool: METADATA_TOOL,
      toolVersion: METADATA_TOOL_VERSION,
    });
  }
  return out;
}

async function itemById(ctx: Ctx, id: string): Promise<Item | undefined> {
  const row = await ctx.db.selectFrom('item').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? itemFromRow(row) : undefined;
}

/** copyVerified writes the item's bytes to `path`, failing if they no longer match their hash. */
async function copyVerified(ctx: Ctx, item: Item, path: string): Promise<void> {
  const out = createWriteStream(path, { mode: 0o600 });
  try {
    await readVerified(ctx, item, (chunk) =>
      out.write(chunk) ? undefined : new Promise<void>((r) => out.once('drain', () => r())),
    );
  } finally {
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }
}

async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** IntakeState is what the API shows of an item's intake. */
export interface IntakeState {
  readonly ern: string;
  /** none: no intake job (items from before intake existed). */
  readonly state: 'none' | Job['state'];
  readonly job: Job | null;
  readonly derived: readonly DerivationInfo[];
  readonly nearDuplicates: readonly NearDuplicate[];
}

/** intakeState reports the latest intake job of `item`, what was derived and its near-duplicates. */
export async function intakeState(ctx: Ctx, item: Item): Promise<IntakeState> {
  const jobs = await listJobs(ctx, { itemId: item.id, kind: INTAKE_JOB, limit: 1000 });
  const job = jobs.at(-1) ?? null;
  return {
    ern: item.ern,
    state: job?.state ?? 'none',
    job,
    derived: await derivativesOf(ctx, item.id),
    nearDuplicates: await nearDuplicatesOf(ctx, item),
  };
}

export { getJob };
