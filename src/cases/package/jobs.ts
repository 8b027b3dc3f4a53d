/**
 * jobs.ts — exports requested over the API, as durable jobs (src/store/jobs.ts). `queueExport`
 * checks the request (target, compartments) at once, then records the package and its
 * `cases.export` job in one transaction; a worker (`attest serve` or `attest worker`) builds it
 * into `<data>/exports/<id>/<name>.zip`. `getExport` reports the package with its job's state:
 * progress, attempts, the reason of a failure; `exportArchive` opens a finished one for download.
 * A package is visible to whoever may write its case.
 *
 * The job builds with the requester's access as it is when the job runs (grants read again,
 * a disabled account refused), so a package never holds what its requester may no longer see.
 * A job interrupted by a crash or restart is claimed again when its lease expires and rebuilt
 * from the start; the `export` custody entries its first attempt appended are reused, not
 * appended twice (build.ts), so the result is the same package.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Selectable } from 'kysely';
import { accessFor, getUser } from '../../access/index.js';
import { type Ctx, nowIso } from '../../ctx.js';
import { JobFailure, type JobKind, type RunningJob } from '../../store/job-worker.js';
import { enqueueJobs, getJob, type Job, jobFromRow } from '../../store/jobs.js';
import { CaseError } from '../errors.js';
import type { ExportPackageTable } from '../tables.js';
import { allows, type Viewer, viewerOf } from '../viewer.js';
import { createPackageRow, exportPackage, failureText } from './build.js';
import { selectContents } from './contents.js';

export const EXPORT_JOB = 'cases.export';
const PACKAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Progress is written at most this often (the job row and the package row). */
const REPORT_EVERY_MS = 1000;

export interface ExportStatus {
  readonly id: string;
  readonly target: string;
  readonly redacted: boolean;
  /** queued | running | done | failed — the job's state, `done` once the archive is hashed. */
  readonly status: string;
  /** Payload bytes copied of `total`. */
  readonly done: number;
  readonly total: number;
  readonly items: number;
  readonly excluded: { ern: string; reasons: string[] }[];
  readonly sha256: string | null;
  readonly error: string | null;
  /** The job that builds the package (null for one the CLI built), its attempts so far and limit. */
  readonly jobId: string | null;
  readonly attempts: number;
  readonly maxAttempts: number;
  /** Percent done, as the job last reported it. */
  readonly progress: number;
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

function archiveDir(ctx: Ctx, id: string): string {
  return join(ctx.config.dataDir, 'exports', id);
}

/**
 * queueExport checks that the viewer may export `target` (its compartments; an unknown or
 * hidden target is CASE_NOT_FOUND now, not a failed job later), then records the package and
 * the job that builds it in one transaction. It returns the package id.
 */
export async function queueExport(
  ctx: Ctx,
  viewer: Viewer,
  target: string,
  redacted: boolean,
): Promise<string> {
  const selection = await selectContents(ctx, viewer, target, { redacted });
  const at = nowIso(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    const id = await createPackageRow(trx, viewer, selection, redacted, at, 'queued');
    const [jobId] = await enqueueJobs(
      trx,
      [
        {
          kind: EXPORT_JOB,
          compartment: selection.caseSummary.compartment,
          // Ids only: the payload is shown to operators.
          payload: { package: id },
          maxAttempts: EXPORT_ATTEMPTS,
        },
      ],
      at,
    );
    await trx.updateTable('export_package').set({ job_id: jobId! }).where('id', '=', id).execute();
    return id;
  });
}

const EXPORT_ATTEMPTS = 3;

/** exportJob builds one queued package; see the module comment. */
export const exportJob: JobKind = {
  name: EXPORT_JOB,
  maxAttempts: EXPORT_ATTEMPTS,
  // 5 GiB at a slow disk's 20 MB/s is ~4 min; six hours leaves room for far larger cases.
  timeoutMs: 6 * 60 * 60_000,
  run: (ctx, job) => runExport(ctx, job),
};

async function runExport(ctx: Ctx, job: RunningJob): Promise<Record<string, unknown>> {
  const id = job.payload.package;
  if (typeof id !== 'string' || !PACKAGE_ID.test(id))
    throw new JobFailure('INVALID_JOB', 'the job names no export package');
  const row = await ctx.db.selectFrom('export_package').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new JobFailure('PACKAGE_GONE', `export package ${id} no longer exists`);
  if (row.status === 'done' && row.file && row.sha256)
    return { package: id, items: Number(row.item_count), sha256: row.sha256 };
  try {
    return await buildArchive(ctx, job, row);
  } catch (err) {
    await ctx.db
      .updateTable('export_package')
      .set({ status: 'failed', error: failureText(err), finished_at: nowIso(ctx) })
      .where('id', '=', id)
      .execute();
    // A rule the request breaks (the case is gone from the requester's view…) will not change by
    // retrying; anything else (a full disk, a crash) is retried by the job worker.
    if (err instanceof CaseError) throw new JobFailure(err.code, err.message);
    throw err;
  }
}

async function buildArchive(
  ctx: Ctx,
  job: RunningJob,
  row: Selectable<ExportPackageTable>,
): Promise<Record<string, unknown>> {
  const id = row.id;
  const viewer = await requesterViewer(ctx, row.requested_by);
  const target = await targetOf(ctx, row);
  const dir = archiveDir(ctx, id);
  // A crashed attempt may have left a partial archive: start clean. Packages hold evidence:
  // only the server's user may list or read them (issue 12.13).
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await ctx.db
    .updateTable('export_package')
    .set({ status: 'running', error: null, finished_at: null, done: 0 })
    .where('id', '=', id)
    .execute();
  const name = `attest-${target}-${row.created_at.slice(0, 10).replaceAll('-', '')}-${id.slice(0, 8)}`;
  const file = join(dir, `${name}.zip`);
  let reported = 0;
  const result = await exportPackage(ctx, viewer, {
    target,
    out: file,
    redacted: row.redacted === 1,
    packageId: id,
    signal: job.signal,
    onProgress: (p) => {
      const now = Date.now();
      if (now - reported < REPORT_EVERY_MS || p.total === 0) return;
      reported = now;
      void job.report((95 * p.done) / p.total, `${p.done} of ${p.total} bytes`).catch(() => {});
    },
  });
  await job.report(97, 'hashing the archive');
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 22 })) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  await ctx.db
    .updateTable('export_package')
    .set({ file: `${name}.zip`, sha256 })
    .where('id', '=', id)
    .execute();
  return { package: id, items: result.items, bytes: result.bytes, sha256 };
}

/** requesterViewer is the requester's access now: grants read again; a disabled account is refused. */
async function requesterViewer(ctx: Ctx, userId: string): Promise<Viewer> {
  const user = await getUser(ctx, userId).catch(() => undefined);
  if (!user || user.disabled)
    throw new JobFailure('REQUESTER_GONE', 'the account that asked for this export is disabled or gone');
  return viewerOf(
    accessFor(
      { userId: user.id, username: user.username, via: 'token', credentialId: 'export-job' },
      user.grants,
    ),
  );
}

async function targetOf(ctx: Ctx, row: Selectable<ExportPackageTable>): Promise<string> {
  const found = row.rfa_id
    ? await ctx.db.selectFrom('rfa').select('ref').where('id', '=', row.rfa_id).executeTakeFirst()
    : await ctx.db.selectFrom('legal_case').select('ref').where('id', '=', row.case_id).executeTakeFirst();
  if (!found) throw new JobFailure('PACKAGE_GONE', 'the case or RFA of this export no longer exists');
  return found.ref;
}

type PackageRow = Selectable<ExportPackageTable> & {
  case_ref: string;
  rfa_ref: string | null;
  compartment: string;
};

function packageQuery(ctx: Ctx) {
  return ctx.db
    .selectFrom('export_package')
    .innerJoin('legal_case', 'legal_case.id', 'export_package.case_id')
    .leftJoin('rfa', 'rfa.id', 'export_package.rfa_id')
    .selectAll('export_package')
    .select(['legal_case.ref as case_ref', 'legal_case.compartment', 'rfa.ref as rfa_ref']);
}

/**
 * mayOpen tells whether `viewer` may see a package: its requester, or a viewer who may export in
 * every compartment. A package is built with its requester's access (their compartments' items,
 * counts, exclusions and bytes): another writer of the same case may reach fewer compartments,
 * and its status (item count, bytes, excluded ERNs) or its archive would show them items they
 * may not read (DESIGN rule 7).
 */
function mayOpen(viewer: Viewer, row: { requested_by: string; compartment: string }): boolean {
  return (
    allows(viewer.write, row.compartment) && (viewer.write === 'all' || row.requested_by === viewer.actor)
  );
}

async function visibleRow(ctx: Ctx, viewer: Viewer, id: string): Promise<PackageRow> {
  const row = await packageQuery(ctx).where('export_package.id', '=', id).executeTakeFirst();
  if (!row || !mayOpen(viewer, row)) throw new CaseError('CASE_NOT_FOUND', `no export ${id}`);
  return row;
}

/** statusOf joins a package row with its job: the job says whether it is queued, running or failed. */
function statusOf(row: PackageRow, job: Job | undefined): ExportStatus {
  const finished = row.status === 'done' && row.sha256 !== null;
  const status = finished ? 'done' : job ? (job.state === 'done' ? 'running' : job.state) : row.status;
  return {
    id: row.id,
    target: row.rfa_ref ?? row.case_ref,
    redacted: row.redacted === 1,
    status,
    done: Number(row.done),
    total: Number(row.total),
    items: Number(row.item_count),
    excluded: JSON.parse(row.excluded) as { ern: string; reasons: string[] }[],
    sha256: finished ? row.sha256 : null,
    // The job's reason when it failed for good; a failed attempt that will be retried is "queued".
    error: status === 'failed' ? (row.error ?? job?.errorCode ?? 'failed') : null,
    jobId: row.job_id,
    attempts: job?.attempts ?? 0,
    maxAttempts: job?.maxAttempts ?? 0,
    progress: finished ? 100 : (job?.progress ?? 0),
    createdAt: row.created_at,
    finishedAt: finished || status === 'failed' ? (job?.finishedAt ?? row.finished_at) : null,
  };
}

async function jobOf(ctx: Ctx, row: PackageRow): Promise<Job | undefined> {
  return row.job_id ? getJob(ctx, row.job_id) : undefined;
}

/** getExport returns a package's status with its job's. */
export async function getExport(ctx: Ctx, viewer: Viewer, id: string): Promise<ExportStatus> {
  const row = await visibleRow(ctx, viewer, id);
  return statusOf(row, await jobOf(ctx, row));
}

/** listExports returns the packages the viewer may open (mayOpen), newest first. */
export async function listExports(ctx: Ctx, viewer: Viewer): Promise<ExportStatus[]> {
  if (viewer.write !== 'all' && viewer.write.length === 0) return [];
  let q = packageQuery(ctx)
    .orderBy('export_package.created_at', 'desc')
    .orderBy('export_package.id')
    .limit(200);
  if (viewer.write !== 'all')
    q = q
      .where('legal_case.compartment', 'in', [...viewer.write])
      .where('export_package.requested_by', '=', viewer.actor);
  const rows = await q.execute();
  const jobIds = rows.flatMap((r) => (r.job_id ? [r.job_id] : []));
  const jobs = new Map(
    jobIds.length === 0
      ? []
      : (await ctx.db.selectFrom('job').selectAll().where('id', 'in', jobIds).execute()).map(
          (j) => [j.id, jobFromRow(j)] as const,
        ),
  );
  return rows.map((r) => statusOf(r, r.job_id ? jobs.get(r.job_id) : undefined));
}

/** exportArchive returns the finished archive of a package: path, name, size and SHA-256. */
export async function exportArchive(ctx: Ctx, viewer: Viewer, id: string) {
  const row = await visibleRow(ctx, viewer, id);
  if (row.status !== 'done' || !row.file || !row.sha256) {
    const status = statusOf(row, await jobOf(ctx, row));
    throw new CaseError('PACKAGE_NOT_READY', `export ${id} is ${status.status}`);
  }
  const path = join(archiveDir(ctx, id), row.file);
  return { path, name: row.file, size: (await stat(path)).size, sha256: row.sha256 };
}
