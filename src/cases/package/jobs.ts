/**
 * jobs.ts — exports requested over the API: `queueExport` records the package (status queued)
 * and builds it in the background into `<data>/exports/<id>/<name>.zip`; `getExport` reports
 * progress (bytes done of total), the exclusions and, when done, the archive's SHA-256;
 * `exportArchive` opens it for download. A package is visible to whoever may write its case.
 *
 * The build runs in this process. A build that a restart interrupted is reported as failed
 * ("interrupted") the next time it is read, and the user asks again; the durable job queue
 * (src/store/jobs.ts, when it lands) replaces the in-process runner without changing this API.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Selectable } from 'kysely';
import { type Ctx, nowIso } from '../../ctx.js';
import { CaseError } from '../errors.js';
import type { ExportPackageTable } from '../tables.js';
import { allows, type Viewer } from '../viewer.js';
import { createPackageRow, exportPackage } from './build.js';
import { selectContents } from './contents.js';

const running = new Map<string, Promise<void>>();

/** settleExports waits for every export this process is building (for shutdown and tests). */
export async function settleExports(): Promise<void> {
  await Promise.allSettled([...running.values()]);
}

export interface ExportStatus {
  readonly id: string;
  readonly target: string;
  readonly redacted: boolean;
  readonly status: string;
  readonly done: number;
  readonly total: number;
  readonly items: number;
  readonly excluded: { ern: string; reasons: string[] }[];
  readonly sha256: string | null;
  readonly error: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

function archiveDir(ctx: Ctx, id: string): string {
  return join(ctx.config.dataDir, 'exports', id);
}

/** queueExport records a package of `target` and starts building it; returns its id. */
export async function queueExport(
  ctx: Ctx,
  viewer: Viewer,
  target: string,
  redacted: boolean,
  onError: (err: unknown) => void = () => {},
): Promise<string> {
  const selection = await selectContents(ctx, viewer, target, { redacted });
  const id = await createPackageRow(ctx, viewer, selection, redacted);
  await ctx.db.updateTable('export_package').set({ status: 'queued' }).where('id', '=', id).execute();
  const name = `attest-${target}-${nowIso(ctx).slice(0, 10).replaceAll('-', '')}-${id.slice(0, 8)}`;
  const done = new Promise<void>((resolve) =>
    setImmediate(() => {
      build(ctx, viewer, id, target, redacted, name)
        .catch(onError)
        .finally(() => {
          running.delete(id);
          resolve();
        });
    }),
  );
  running.set(id, done);
  return id;
}

async function build(ctx: Ctx, viewer: Viewer, id: string, target: string, redacted: boolean, name: string) {
  await ctx.db.updateTable('export_package').set({ status: 'running' }).where('id', '=', id).execute();
  const dir = archiveDir(ctx, id);
  // Packages hold evidence: only the server's user may list or read them (issue 12.13).
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${name}.zip`);
  await exportPackage(ctx, viewer, { target, out: file, redacted, packageId: id });
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  await ctx.db
    .updateTable('export_package')
    .set({ file: `${name}.zip`, sha256: hash.digest('hex') })
    .where('id', '=', id)
    .execute();
}

async function visibleRow(ctx: Ctx, viewer: Viewer, id: string) {
  const row = await ctx.db
    .selectFrom('export_package')
    .innerJoin('legal_case', 'legal_case.id', 'export_package.case_id')
    .leftJoin('rfa', 'rfa.id', 'export_package.rfa_id')
    .selectAll('export_package')
    .select(['legal_case.ref as case_ref', 'legal_case.compartment', 'rfa.ref as rfa_ref'])
    .where('export_package.id', '=', id)
    .executeTakeFirst();
  if (!row || !allows(viewer.write, row.compartment))
    throw new CaseError('CASE_NOT_FOUND', `no export ${id}`);
  return row;
}

function statusOf(
  row: Selectable<ExportPackageTable> & { case_ref: string; rfa_ref: string | null },
): ExportStatus {
  return {
    id: row.id,
    target: row.rfa_ref ?? row.case_ref,
    redacted: row.redacted === 1,
    status: row.status,
    done: Number(row.done),
    total: Number(row.total),
    items: Number(row.item_count),
    excluded: JSON.parse(row.excluded) as { ern: string; reasons: string[] }[],
    sha256: row.status === 'done' ? row.sha256 : null,
    error: row.error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

/** getExport returns a package's status; one a restart interrupted is marked failed. */
export async function getExport(ctx: Ctx, viewer: Viewer, id: string): Promise<ExportStatus> {
  const row = await visibleRow(ctx, viewer, id);
  // "done" is only final once the archive's hash is recorded.
  const unfinished =
    row.status === 'queued' || row.status === 'running' || (row.status === 'done' && !row.sha256);
  if (unfinished && !running.has(id)) {
    const error = 'interrupted (the server restarted); request a new export';
    await ctx.db
      .updateTable('export_package')
      .set({ status: 'failed', error, finished_at: nowIso(ctx) })
      .where('id', '=', id)
      .execute();
    return statusOf({ ...row, status: 'failed', error, finished_at: nowIso(ctx) });
  }
  return statusOf(row.status === 'done' && running.has(id) ? { ...row, status: 'running' } : row);
}

/** listExports returns the packages of the cases the viewer may write, newest first. */
export async function listExports(ctx: Ctx, viewer: Viewer): Promise<ExportStatus[]> {
  let q = ctx.db
    .selectFrom('export_package')
    .innerJoin('legal_case', 'legal_case.id', 'export_package.case_id')
    .leftJoin('rfa', 'rfa.id', 'export_package.rfa_id')
    .selectAll('export_package')
    .select(['legal_case.ref as case_ref', 'rfa.ref as rfa_ref'])
    .orderBy('export_package.created_at', 'desc')
    .limit(200);
  if (viewer.write !== 'all') {
    if (viewer.write.length === 0) return [];
    q = q.where('legal_case.compartment', 'in', [...viewer.write]);
  }
  return (await q.execute()).map(statusOf);
}

/** exportArchive returns the finished archive of a package: path, name, size and SHA-256. */
export async function exportArchive(ctx: Ctx, viewer: Viewer, id: string) {
  const status = await getExport(ctx, viewer, id);
  const row = await visibleRow(ctx, viewer, id);
  if (status.status !== 'done' || !row.file || !row.sha256)
    throw new CaseError('PACKAGE_NOT_READY', `export ${id} is ${status.status}`);
  const path = join(archiveDir(ctx, id), row.file);
  return { path, name: row.file, size: (await stat(path)).size, sha256: row.sha256 };
}
