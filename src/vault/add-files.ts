/**
 * add-files.ts — ingest files and directory trees from the local file system. Each path gets
 * its own result; one bad file never stops the batch. Directories are walked recursively
 * (following symbolic links, with loop detection); names are handled as raw bytes so names
 * that are not valid UTF-8 still open; a file that changes while it is read is rejected.
 */
import { constants, createReadStream } from 'node:fs';
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Ctx } from '../ctx.js';
import { decodeName } from '../lib/display.js';
import { BlobTooLargeError } from '../store/blobs.js';
import { VaultError, type VaultErrorCode } from './errors.js';
import type { Item } from './item.js';
import { type ItemInput, recordItems, type StagedItem, stageContent } from './service.js';
import { discardStaged } from './staging.js';

export interface FileCandidate {
  readonly path: Buffer;
  readonly name: string;
  readonly nameHex: string | null;
  readonly size: number;
}

export interface FileResult {
  /** The path as text, for showing (escape with `visible` before printing). */
  readonly path: string;
  readonly status: 'added' | 'duplicate' | 'failed';
  readonly item?: Item;
  readonly error?: { readonly code: VaultErrorCode | 'INTERNAL'; readonly message: string };
}

export interface WalkResult {
  readonly files: FileCandidate[];
  readonly failures: FileResult[];
}

const SEP = Buffer.from('/');
const SMALL_FILE_BYTES = 1 << 20;

/** walkPaths lists the regular files under `paths`, and a failure for each path it cannot use. */
export async function walkPaths(paths: readonly string[]): Promise<WalkResult> {
  const files: FileCandidate[] = [];
  const failures: FileResult[] = [];
  const fail = (path: Buffer, code: VaultErrorCode, message: string): void => {
    failures.push({ path: decodeName(path).name, status: 'failed', error: { code, message } });
  };

  async function visit(path: Buffer, ancestors: ReadonlySet<string>): Promise<void> {
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(path, { bigint: false });
    } catch (err) {
      return fail(path, 'UNREADABLE', describeFsError(err));
    }
    if (st.isDirectory()) {
      const id = `${st.dev}:${st.ino}`;
      if (ancestors.has(id))
        return fail(
          path,
          'DIRECTORY_LOOP',
          'directory loop (a link back to an enclosing directory); skipped',
        );
      let names: Buffer[];
      try {
        names = await readdir(path, { encoding: 'buffer' });
      } catch (err) {
        return fail(path, 'UNREADABLE', describeFsError(err));
      }
      names.sort(Buffer.compare);
      const inner = new Set(ancestors).add(id);
      for (const name of names) await visit(Buffer.concat([path, SEP, name]), inner);
      return;
    }
    if (!st.isFile()) return fail(path, 'NOT_A_FILE', 'not a regular file (device, socket or pipe); skipped');
    const { name, hex } = decodeName(Buffer.from(basename(path.toString('latin1')), 'latin1'));
    files.push({ path, name, nameHex: hex, size: st.size });
  }

  for (const p of paths) await visit(Buffer.from(p.replace(/\/+$/, '') || '/'), new Set());
  return { files, failures };
}

export interface AddFilesOptions {
  readonly common: Omit<ItemInput, 'originalName' | 'originalNameHex'>;
  /** Files staged concurrently (their fsyncs overlap). */
  readonly concurrency?: number;
  /** Items recorded per database transaction. */
  readonly batchSize?: number;
  readonly onResult?: (r: FileResult) => void;
  readonly onBytes?: (delta: number) => void;
}

/** addFiles stores each candidate and records the items in batches, in walk order. */
export async function addFiles(
  ctx: Ctx,
  files: readonly FileCandidate[],
  options: AddFilesOptions,
): Promise<FileResult[]> {
  const concurrency = options.concurrency ?? 16;
  const batchSize = options.batchSize ?? 1024;
  const results: FileResult[] = [];
  for (let start = 0; start < files.length; start += batchSize) {
    const window = files.slice(start, start + batchSize);
    const staged: (StagedItem | FileResult)[] = new Array(window.length);
    let next = 0;
    const worker = async () => {
      while (next < window.length) {
        const i = next++;
        staged[i] = await stageFile(ctx, window[i]!, options);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, window.length) }, worker));
    const ready = staged.filter((s): s is StagedItem => 'blob' in s);
    await ctx.blobs.flush();
    let outcomes: Awaited<ReturnType<typeof recordItems>> = [];
    let batchError: FileResult['error'];
    try {
      outcomes = await recordItems(ctx, ready);
    } catch (err) {
      batchError = errorOf(err);
    }
    let k = 0;
    for (let i = 0; i < window.length; i++) {
      const s = staged[i]!;
      const path = window[i]!.path.toString('utf8');
      let r: FileResult;
      if (!('blob' in s)) r = s;
      else if (batchError) r = { path, status: 'failed', error: batchError };
      else {
        const o = outcomes[k++]!;
        r = { path, status: o.status, item: o.item };
      }
      results.push(r);
      options.onResult?.(r);
    }
  }
  return results;
}

async function stageFile(
  ctx: Ctx,
  file: FileCandidate,
  options: AddFilesOptions,
): Promise<StagedItem | FileResult> {
  const path = file.path.toString('utf8');
  if (file.size > ctx.config.maxItemBytes) {
    return {
      path,
      status: 'failed',
      error: {
        code: 'TOO_LARGE',
        message: `${file.size} bytes is over the item limit of ${ctx.config.maxItemBytes}`,
      },
    };
  }
  let fh: FileHandle | undefined;
  let staged: StagedItem | undefined;
  try {
    // O_NONBLOCK: a FIFO swapped in after the walk must not hang the batch.
    fh = await open(file.path, constants.O_RDONLY | constants.O_NONBLOCK);
    const before = await fh.stat();
    if (!before.isFile()) throw new VaultError('NOT_A_FILE', 'not a regular file; skipped');
    let last = 0;
    // Small files are read whole (one syscall, no stream machinery); large ones stream.
    const source =
      before.size <= SMALL_FILE_BYTES
        ? await fh.readFile()
        : createReadStream('', { fd: fh, autoClose: false, highWaterMark: 1 << 20 });
    staged = await stageContent(
      ctx,
      source,
      { ...options.common, originalName: file.name, originalNameHex: file.nameHex },
      {
        deferDirSync: true,
        onProgress: (n) => {
          options.onBytes?.(n - last);
          last = n;
        },
      },
    );
    const after = await fh.stat();
    if (
      staged.blob.size !== before.size ||
      after.size !== before.size ||
      after.mtimeMs !== before.mtimeMs ||
      after.ctimeMs !== before.ctimeMs
    ) {
      throw new VaultError(
        'FILE_CHANGED',
        'the file changed while it was being read; add it again once it is still',
      );
    }
    return staged;
  } catch (err) {
    // A file refused after its bytes were stored (it changed while read) leaves nothing behind.
    if (staged) await discardStaged(ctx, [staged]);
    return { path, status: 'failed', error: errorOf(err) };
  } finally {
    await fh?.close();
  }
}

function errorOf(err: unknown): NonNullable<FileResult['error']> {
  if (err instanceof VaultError) return { code: err.code, message: err.message };
  if (err instanceof BlobTooLargeError) return { code: 'TOO_LARGE', message: err.message };
  if ((err as NodeJS.ErrnoException).syscall) return { code: 'UNREADABLE', message: describeFsError(err) };
  return { code: 'INTERNAL', message: (err as Error).message ?? String(err) };
}

function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'is a directory';
    default:
      return e.code ? `cannot read (${e.code})` : String(e.message ?? e);
  }
}
