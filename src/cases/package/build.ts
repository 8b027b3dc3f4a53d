/**
 * build.ts — exportPackage writes a court-ready package for a case or a request for assistance:
 * a BagIt 1.0 bag (RFC 8493) whose payload is the selected items (contents.ts) with their
 * metadata, and whose tag files carry every custody-log entry about those items, their RFC 6962
 * inclusion proofs, the signed checkpoint they lead to and the verifier key — everything an
 * offline verifier needs (DESIGN.md rule 3). Export appends one `export` entry per item in one
 * transaction, before the checkpoint is signed, so the package proves its own export too.
 *
 * The bag is built in a hidden staging directory beside the output and renamed into place (or
 * archived as ZIP/tar) only when complete: a failed export leaves nothing that looks finished.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely, Transaction } from 'kysely';
import { type Ctx, nowIso } from '../../ctx.js';
import {
  appendEntries,
  itemsEntries,
  proveInclusions,
  readableRawEntries,
  signCheckpoint,
} from '../../custody/index.js';
import { AttestError } from '../../lib/errors.js';
import { LocalBlobStore } from '../../store/blobs.js';
import { FilePool, IN_FLIGHT } from '../../store/file-pool.js';
import type { Database } from '../../store/schema.js';
import { CaseError } from '../errors.js';
import { type NamePair, replaceNames } from '../redaction/text.js';
import type { Viewer } from '../viewer.js';
import { type ArchiveFormat, archiveFormatOf, writeArchive } from './archive.js';
import { BAGIT_TXT, formatBagInfo, formatManifest, MANIFEST, payloadOxum, TAG_MANIFEST } from './bagit.js';
import { type Selected, type Selection, selectContents } from './contents.js';
import {
  CHECKPOINT,
  ENTRIES,
  PACKAGE_FORMAT,
  PACKAGE_INFO,
  type PackageEntry,
  type PackageInfo,
  type PackageItem,
  PROOFS,
  README,
  VERIFIER_KEY,
  VERIFY_SCRIPT,
} from './layout.js';
import { packageReadme } from './readme.js';

export interface ExportProgress {
  readonly done: number;
  readonly total: number;
  readonly bytes: number;
}

export interface ExportOptions {
  /** CASE-0001 or RFA-0001. */
  readonly target: string;
  /** A directory to create, or a file ending in .zip or .tar. */
  readonly out: string;
  readonly redacted?: boolean;
  /** The export_package row to fill (the API creates it when it queues the job). */
  readonly packageId?: string;
  readonly onProgress?: (p: ExportProgress) => void;
  /** Stops the build between files (a job's time limit or a stopping worker). */
  readonly signal?: AbortSignal;
  /** Source-Organization in bag-info.txt. */
  readonly organisation?: string;
}

export interface ExportResult {
  readonly packageId: string;
  readonly bagName: string;
  readonly out: string;
  readonly format: ArchiveFormat | 'directory';
  readonly items: number;
  readonly bytes: number;
  readonly checkpointSize: number;
  readonly excluded: Selection['excluded'];
  readonly unredacted: readonly string[];
}

const VERIFY_MJS = readFileSync(new URL('./verify.mjs', import.meta.url), 'utf8');
const BAG_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Files in flight at once: enough to keep every file worker busy. */
const PARALLEL_FILES = IN_FLIGHT;

function extensionOf(name: string): string {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(name);
  return m ? `.${m[1]!.toLowerCase()}` : '.bin';
}

/** exportPackage builds the package of `options.target` at `options.out`. */
export async function exportPackage(ctx: Ctx, viewer: Viewer, options: ExportOptions): Promise<ExportResult> {
  const out = resolve(options.out);
  const format = archiveFormatOf(out);
  const bagName = format ? basename(out).replace(/\.(zip|tar)$/i, '') : basename(out);
  if (!BAG_NAME.test(bagName))
    throw new CaseError(
      'INVALID_CASE_INPUT',
      'the package name must be letters, digits, dots, dashes and underscores',
    );
  if (existsSync(out) && (format || (await readdir(out)).length > 0))
    throw new CaseError('OUTPUT_EXISTS', `${out} exists; choose a new path`);
  const selection = await selectContents(ctx, viewer, options.target, {
    redacted: options.redacted === true,
  });
  const packageId =
    options.packageId ??
    (await createPackageRow(ctx.db, viewer, selection, options.redacted === true, nowIso(ctx), 'running'));
  if (options.packageId) {
    // A queued package is built with the requester's access as it is now: record what it holds.
    await ctx.db
      .updateTable('export_package')
      .set({
        total: selection.items.reduce((n, s) => n + s.item.size, 0),
        item_count: selection.items.length,
        excluded: JSON.stringify(selection.excluded),
      })
      .where('id', '=', packageId)
      .execute();
  }
  const staging = join(dirname(out), `.${bagName}.partial-${randomBytes(6).toString('hex')}`);
  const bagDir = format ? join(staging, bagName) : staging;
  try {
    await mkdir(bagDir, { recursive: true });
    const result = await writeBag(ctx, viewer, selection, bagDir, bagName, packageId, options);
    if (format) {
      const partial = `${out}.partial-${randomBytes(6).toString('hex')}`;
      await writeArchive(bagDir, bagName, partial, format);
      await rename(partial, out);
      await rm(staging, { recursive: true, force: true });
    } else {
      await rm(out, { recursive: true, force: true }); // an empty directory the user made
      await rename(staging, out);
    }
    await ctx.db
      .updateTable('export_package')
      .set({
        status: 'done',
        finished_at: nowIso(ctx),
        bytes: result.bytes,
        item_count: result.items,
        excluded: JSON.stringify(result.excluded),
      })
      .where('id', '=', packageId)
      .execute();
    return { ...result, packageId, bagName, out, format: format ?? 'directory' };
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    await ctx.db
      .updateTable('export_package')
      // A domain error says what to fix; anything else (a disk, a crash) stays in the server log.
      .set({ status: 'failed', finished_at: nowIso(ctx), error: failureText(err) })
      .where('id', '=', packageId)
      .execute();
    throw err;
  }
}

/** failureText is what a failed package says about why: a domain error's message, else nothing specific. */
export function failureText(err: unknown): string {
  return err instanceof AttestError
    ? err.message.slice(0, 500)
    : 'the export failed (the server log has the details)';
}

/** createPackageRow records a package about to be built (`running`) or queued for a job. */
export async function createPackageRow(
  db: Kysely<Database> | Transaction<Database>,
  viewer: Viewer,
  selection: Selection,
  redacted: boolean,
  at: string,
  status: 'queued' | 'running',
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('export_package')
    .values({
      id,
      case_id: selection.caseSummary.id,
      rfa_id: selection.rfa?.id ?? null,
      redacted: redacted ? 1 : 0,
      status,
      done: 0,
      total: selection.items.reduce((n, s) => n + s.item.size, 0),
      bytes: 0,
      item_count: selection.items.length,
      excluded: JSON.stringify(selection.excluded),
      file: null,
      sha256: null,
      error: null,
      requested_by: viewer.actor,
      created_at: at,
      finished_at: null,
      job_id: null,
    })
    .execute();
  return id;
}

/**
 * copyHashed copies a blob to `dst` and returns the SHA-256 of the bytes copied: on worker
 * threads when the blobs are local files, else streamed (S3) and hashed on the way.
 */
async function copyHashed(
  ctx: Ctx,
  fast: { pool: FilePool; local: LocalBlobStore } | undefined,
  sha256: string,
  dst: string,
): Promise<string> {
  if (fast) {
    const r = await fast.pool.hash(fast.local.pathOf(sha256), dst);
    if ('error' in r) throw new CaseError('INVALID_CASE_INPUT', `blob ${sha256}: ${r.error} (${r.detail})`);
    return r.sha256;
  }
  const hash = createHash('sha256');
  await pipeline(
    ctx.blobs.get(sha256),
    hashing(hash),
    createWriteStream(dst, { flags: 'wx', highWaterMark: 1 << 20 }),
  );
  return hash.digest('hex');
}

/** hashing passes bytes through and computes their SHA-256 on the way. */
function hashing(hash: ReturnType<typeof createHash>): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
}

async function writeBag(
  ctx: Ctx,
  viewer: Viewer,
  selection: Selection,
  bagDir: string,
  bagName: string,
  packageId: string,
  options: ExportOptions,
): Promise<Omit<ExportResult, 'packageId' | 'bagName' | 'out' | 'format'>> {
  const createdAt = nowIso(ctx);
  const manifest = new Map<string, string>();
  const total = selection.items.reduce((n, s) => n + s.item.size, 0);
  const names = await protectedNames(ctx, selection.caseSummary.id);
  let bytes = 0;
  let done = 0;
  // Payload first: the bytes, re-hashed from the blob store as they are copied.
  const local = ctx.blobs instanceof LocalBlobStore ? ctx.blobs : undefined;
  const pool = local ? new FilePool() : undefined;
  try {
    await inParallel(selection.items, PARALLEL_FILES, async (s) => {
      options.signal?.throwIfAborted();
      const { item } = s;
      const dir = `data/${item.ern}`;
      await mkdir(join(bagDir, dir), { recursive: true });
      const path = `${dir}/${item.ern}${extensionOf(item.originalName)}`;
      const actual = await copyHashed(
        ctx,
        pool && local ? { pool, local } : undefined,
        item.sha256,
        join(bagDir, path),
      );
      if (actual !== item.sha256)
        throw new CaseError(
          'INVALID_CASE_INPUT',
          `${item.ern}: stored bytes do not match the recorded hash; run attest verify`,
        );
      manifest.set(path, actual);
      bytes += item.size;
      done++;
      options.onProgress?.({ done: bytes, total, bytes });
      if (done % 200 === 0)
        await ctx.db.updateTable('export_package').set({ done: bytes }).where('id', '=', packageId).execute();
    });
  } finally {
    await pool?.close();
  }

  // The export entries, then a checkpoint that covers them. A retried job finds the entries its
  // first attempt appended (same package, same bytes) and appends only what is missing.
  const logged = await exportedAlready(ctx, selection, packageId);
  await ctx.db.transaction().execute((trx) =>
    appendEntries(
      trx,
      selection.items
        .filter((s) => !logged.has(`${s.item.id}:${s.item.sha256}`))
        .map((s) => ({
          kind: 'export' as const,
          actor: viewer.actor,
          itemId: s.item.id,
          data: {
            package: packageId,
            case: selection.caseSummary.id,
            ern: s.item.ern,
            sha256: s.item.sha256,
            ...(selection.rfa ? { rfa: selection.rfa.id } : {}),
            ...(s.overrideId ? { override: s.overrideId } : {}),
          },
        })),
      createdAt,
    ),
  );
  const cp = await signCheckpoint(ctx);
  if (!cp) throw new CaseError('INVALID_CASE_INPUT', 'the custody log is empty');
  // Every entry about the selected items up to the checkpoint that the requester may read in
  // full, and their proofs, in batches (one query per thousand items, one per tree level for the
  // proofs), not per item. An entry made behind a wall the requester does not cross — a claim's
  // stance in another compartment, another compartment's case holding the item, its export —
  // is left out altogether, by the rule of the item's timeline (DESIGN rule 7): no line, no
  // proof, no seq in metadata.json.
  const raw = await readableRawEntries(
    ctx,
    await itemsEntries(
      ctx,
      selection.items.map((s) => s.item.id),
      cp.size,
    ),
    viewer.log,
  );
  const entries: PackageEntry[] = raw.map((r) => ({ seq: r.seq, leafHash: r.leafHash, payload: r.payload }));
  const seqsOf = new Map<string, number[]>();
  for (const r of raw) {
    const list = seqsOf.get(r.itemId);
    if (list) list.push(r.seq);
    else seqsOf.set(r.itemId, [r.seq]);
  }
  const packageItems: PackageItem[] = selection.items.map((s) => {
    const dir = `data/${s.item.ern}`;
    return {
      ern: s.item.ern,
      itemId: s.item.id,
      path: `${dir}/${s.item.ern}${extensionOf(s.item.originalName)}`,
      metadataPath: `${dir}/metadata.json`,
      sha256: s.item.sha256,
      size: s.item.size,
      mediaType: s.item.mediaType,
      redactionOf: s.redactionOf,
      entries: seqsOf.get(s.item.id) ?? [],
    };
  });
  let payloadBytes = bytes;
  await inParallel(selection.items, PARALLEL_FILES, async (s, i) => {
    const item = packageItems[i]!;
    const metadata = Buffer.from(
      `${JSON.stringify(itemMetadata(s, item, names, options.redacted === true), null, 2)}\n`,
    );
    await writeFile(join(bagDir, item.metadataPath), metadata);
    manifest.set(item.metadataPath, createHash('sha256').update(metadata).digest('hex'));
    payloadBytes += metadata.length;
  });
  const proofs = (
    await proveInclusions(
      ctx,
      entries.map((e) => e.seq),
      cp.size,
    )
  ).map((p) => ({ seq: p.index, path: p.proof }));

  const info: PackageInfo = {
    format: PACKAGE_FORMAT,
    packageId,
    createdAt,
    case: { ref: selection.caseSummary.ref, id: selection.caseSummary.id },
    rfa: selection.rfa
      ? {
          ref: selection.rfa.ref,
          id: selection.rfa.id,
          jurisdiction: selection.rfa.jurisdiction.code,
          purpose: selection.rfa.purpose,
        }
      : null,
    redacted: options.redacted === true,
    checkpointSize: cp.size,
    items: packageItems,
  };
  const tags = new Map<string, string>([
    ['bagit.txt', BAGIT_TXT],
    [
      'bag-info.txt',
      formatBagInfo([
        ['Source-Organization', options.organisation ?? ctx.config.logOrigin.split('/')[0]!],
        ['Bagging-Date', createdAt.slice(0, 10)],
        ['Payload-Oxum', payloadOxum(payloadBytes, manifest.size)],
        ['External-Identifier', `${info.rfa ? info.rfa.ref : info.case.ref}/${packageId}`],
        ['External-Description', `Attest evidence package for ${info.rfa ? info.rfa.ref : info.case.ref}`],
        ['Bag-Count', '1 of 1'],
        ['Bag-Group-Identifier', info.case.ref],
        ['Bag-Software-Agent', 'Attest (attest-package/1)'],
      ]),
    ],
    [MANIFEST, formatManifest(manifest)],
    [PACKAGE_INFO, `${JSON.stringify(info, null, 2)}\n`],
    [ENTRIES, entries.map((e) => `${JSON.stringify(e)}\n`).join('')],
    [PROOFS, `${JSON.stringify({ treeSize: cp.size, proofs }, null, 1)}\n`],
    [CHECKPOINT, cp.signedNote],
    [VERIFIER_KEY, `${ctx.logKey.verifierKey}\n`],
    [README, packageReadme(info, ctx.logKey.origin, bagName)],
    [VERIFY_SCRIPT, VERIFY_MJS],
  ]);
  await mkdir(join(bagDir, 'attest'), { recursive: true });
  const tagHashes = new Map<string, string>();
  for (const [path, body] of tags) {
    await writeFile(join(bagDir, path), body);
    tagHashes.set(path, createHash('sha256').update(body).digest('hex'));
  }
  await writeFile(join(bagDir, TAG_MANIFEST), formatManifest(tagHashes));
  await ctx.db.updateTable('export_package').set({ done: total }).where('id', '=', packageId).execute();
  return {
    items: selection.items.length,
    bytes,
    checkpointSize: cp.size,
    excluded: selection.excluded,
    unredacted: selection.unredacted,
  };
}

/** exportedAlready lists `itemId:sha256` of the selected items with an export entry for this package. */
async function exportedAlready(ctx: Ctx, selection: Selection, packageId: string): Promise<Set<string>> {
  const entries = await itemsEntries(
    ctx,
    selection.items.map((s) => s.item.id),
    Number.MAX_SAFE_INTEGER,
  );
  const out = new Set<string>();
  for (const e of entries) {
    const body = JSON.parse(e.payload) as { kind?: unknown; package?: unknown; sha256?: unknown };
    if (body.kind === 'export' && body.package === packageId) out.add(`${e.itemId}:${String(body.sha256)}`);
  }
  return out;
}

/** inParallel runs `work` over `list` with at most `width` at a time. */
async function inParallel<T>(
  list: readonly T[],
  width: number,
  work: (value: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < list.length; i = next++) await work(list[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(width, list.length) }, worker));
}

/** protectedNames lists the case's protected entities' names with their pseudonyms. */
async function protectedNames(ctx: Ctx, caseId: string): Promise<NamePair[]> {
  const rows = await ctx.db
    .selectFrom('case_entity')
    .select(['name', 'pseudonym'])
    .where('case_id', '=', caseId)
    .where('protected', '=', 1)
    .execute();
  return rows.map((r) => ({ name: r.name, pseudonym: r.pseudonym ?? 'protected' }));
}

/**
 * itemMetadata is an item's metadata.json. Protected people's names are replaced by their
 * pseudonyms in every text field; a redacted package also leaves out the original file name.
 */
function itemMetadata(s: Selected, item: PackageItem, names: readonly NamePair[], redacted: boolean) {
  const p = (t: string) => replaceNames(t, names).text;
  const i = s.item;
  return {
    ern: i.ern,
    itemId: i.id,
    title: p(i.title),
    file: item.path.split('/').pop(),
    ...(redacted ? {} : { originalName: p(i.originalName) }),
    mediaType: i.mediaType,
    kind: i.kind,
    size: i.size,
    sha256: i.sha256,
    provenance: { source: p(i.source), collectedAt: i.collectedAt, collectedBy: p(i.collectedBy) },
    compartment: i.compartment,
    createdAt: i.createdAt,
    redactionOf: s.redactionOf,
    ...(i.metadata.redaction !== undefined ? { redaction: i.metadata.redaction } : {}),
    consentOverride: s.overrideId,
    custodyEntries: item.entries,
  };
}
