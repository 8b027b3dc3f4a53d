/**
 * publish.ts — `attest log publish --to DIR|URL` (issue 18.6): checkpoints leave the building, so
 * that a later rewrite of the log can be caught against copies the deployment cannot reach.
 *
 * - DIR: each checkpoint is written to `DIR/checkpoints/<size>` and the latest to `DIR/checkpoint`
 *   (the layout of a C2SP tlog's checkpoint endpoint), each file written atomically. The directory
 *   can be synced anywhere (rsync, git, object storage). A file already there with different
 *   content means the log forked: publishing stops with PUBLISHED_DIFFERS and writes nothing.
 * - URL: each checkpoint not yet sent is POSTed (text/plain; charset=utf-8) in size order; the
 *   size last accepted (2xx) is remembered in `<data>/publish/<hash of URL>.json`.
 * Only checkpoints whose note verifies under the deployment's key are published.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ctx } from '../ctx.js';
import { CustodyError } from './errors.js';
import { signCheckpoint } from './service.js';

export interface Published {
  /** Sizes written or sent by this run. */
  readonly published: number[];
  /** Sizes skipped because their note does not verify under the current key (e.g. before a rotation). */
  readonly skipped: number[];
}

const POST_TIMEOUT_MS = 15_000;

/** publishCheckpoints signs the log's tail (if it grew) and publishes every checkpoint not yet at `target`. */
export async function publishCheckpoints(
  ctx: Ctx,
  target: string,
  fetchImpl: typeof fetch = fetch,
): Promise<Published> {
  await signCheckpoint(ctx);
  const rows = await ctx.db
    .selectFrom('checkpoint')
    .select(['size', 'signed_note'])
    .orderBy('number')
    .execute();
  const good: { size: number; note: string }[] = [];
  const skipped: number[] = [];
  for (const r of rows) {
    const opened = ctx.logKey.openCheckpoint(r.signed_note);
    if (opened.ok && opened.size === Number(r.size)) good.push({ size: Number(r.size), note: r.signed_note });
    else skipped.push(Number(r.size));
  }
  if (/^https?:\/\//i.test(target)) return { published: await toUrl(ctx, target, good, fetchImpl), skipped };
  return { published: toDirectory(target, good), skipped };
}

function toDirectory(dir: string, checkpoints: readonly { size: number; note: string }[]): number[] {
  const sub = join(dir, 'checkpoints');
  mkdirSync(sub, { recursive: true });
  const fresh: { size: number; note: string }[] = [];
  for (const cp of checkpoints) {
    const file = join(sub, String(cp.size));
    if (!existsSync(file)) fresh.push(cp);
    else if (readFileSync(file, 'utf8') !== cp.note) {
      throw new CustodyError(
        'PUBLISHED_DIFFERS',
        `${file} holds a different checkpoint of size ${cp.size}: the log forked or was rewritten. Nothing was published`,
      );
    }
  }
  for (const cp of fresh) writeAtomically(join(sub, String(cp.size)), cp.note);
  const latest = checkpoints[checkpoints.length - 1];
  if (latest) writeAtomically(join(dir, 'checkpoint'), latest.note);
  return fresh.map((cp) => cp.size);
}

async function toUrl(
  ctx: Ctx,
  url: string,
  checkpoints: readonly { size: number; note: string }[],
  fetchImpl: typeof fetch,
): Promise<number[]> {
  const stateDir = join(ctx.config.dataDir, 'publish');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const stateFile = join(stateDir, `${createHash('sha256').update(url).digest('hex').slice(0, 16)}.json`);
  let last = 0;
  if (existsSync(stateFile)) last = Number(JSON.parse(readFileSync(stateFile, 'utf8')).size) || 0;
  const sent: number[] = [];
  for (const cp of checkpoints) {
    if (cp.size <= last) continue;
    let status: number;
    try {
      const res = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: cp.note,
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      });
      status = res.status;
    } catch (err) {
      throw new CustodyError('PUBLISH_FAILED', `could not reach ${url}: ${(err as Error).message}`);
    }
    if (status < 200 || status >= 300) {
      throw new CustodyError(
        'PUBLISH_FAILED',
        `${url} answered ${status} for the checkpoint of size ${cp.size}`,
      );
    }
    last = cp.size;
    writeAtomically(stateFile, `${JSON.stringify({ url, size: last })}\n`);
    sent.push(cp.size);
  }
  return sent;
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
