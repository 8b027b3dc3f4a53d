/**
 * publish.ts — `attest log publish --to DIR|URL` (issue 18.6): checkpoints leave the building, so
 * that a later rewrite of the log can be caught against copies the deployment cannot reach.
 *
 * - DIR: each checkpoint is written to `DIR/checkpoints/<size>` and the latest to `DIR/checkpoint`
 *   (the layout of a C2SP tlog's checkpoint endpoint), each file written atomically. The directory
 *   can be synced anywhere (rsync, git, object storage). A file already there for another tree
 *   (another signed note of that size) means the log forked: publishing stops with
 *   PUBLISHED_DIFFERS and writes nothing.
 * - URL: each checkpoint not yet sent is POSTed (text/plain; charset=utf-8) in size order; the
 *   size last accepted (2xx) and how many cosignatures it carried are remembered in
 *   `<data>/publish/<hash of URL>.json`.
 * Only checkpoints whose note verifies under the deployment's key are published.
 *
 * With witnesses configured (ATTEST_WITNESSES), what is published is the *cosigned* checkpoint
 * (C2SP tlog-cosignature lines after the log's signature), because that is what a verifier who
 * names the witnesses checks (`attest log verify-checkpoint --witness … --quorum N`): publish
 * first asks the witnesses to cosign the latest checkpoint itself (as `attest log witness` does),
 * waiting at most `waitMs` (default 30 s; a witness that does not answer fails after its own
 * 10 s limit, so a dead witness delays publishing, it never blocks it), then writes each
 * checkpoint with the cosignatures it has. When the quorum is not met by then, the checkpoint is
 * written with the cosignatures that did arrive and the result says so; a later publish writes
 * it again with the cosignatures that arrived since (a published file only ever gains
 * cosignature lines: the log's signed note in it must stay the same, byte for byte).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ctx } from '../ctx.js';
import { CustodyError } from './errors.js';
import { latestCheckpointRow } from './repo.js';
import { signCheckpoint } from './service.js';
import { checkpointFromRow } from './tree.js';
import { cosignedNote, witnessLatest } from './witness/service.js';

export interface Published {
  /** Sizes written or sent by this run for the first time. */
  readonly published: number[];
  /** Sizes written or sent again because they gained cosignatures since. */
  readonly updated: number[];
  /** Sizes skipped because their note does not verify under the current key (e.g. before a rotation). */
  readonly skipped: number[];
  /** The witnesses of the latest checkpoint (null when none are configured). */
  readonly witnesses: {
    readonly quorum: number;
    readonly configured: number;
    readonly cosignedBy: number;
    readonly quorumMet: boolean;
  } | null;
}

export interface PublishOptions {
  /** How long to wait for the witnesses' quorum on the latest checkpoint (default 30 s). */
  readonly waitMs?: number;
  readonly fetchImpl?: typeof fetch;
}

const POST_TIMEOUT_MS = 15_000;
const DEFAULT_WAIT_MS = 30_000;
/** Between two asks while another process holds a witness's lease (the server's timer). */
const BUSY_PAUSE_MS = 500;

interface Publishable {
  readonly size: number;
  /** The note as signed by the log (no cosignatures). */
  readonly signed: string;
  /** The note with every stored cosignature line. */
  readonly note: string;
  readonly cosignatures: number;
}

/**
 * publishCheckpoints signs the log's tail (if it grew), gathers the witnesses' cosignatures of
 * the latest checkpoint (bounded by `waitMs`) and publishes every checkpoint not yet at `target`,
 * or there with fewer cosignatures.
 */
export async function publishCheckpoints(
  ctx: Ctx,
  target: string,
  options: PublishOptions = {},
): Promise<Published> {
  await signCheckpoint(ctx);
  const witnesses = await gatherCosignatures(ctx, options.waitMs ?? DEFAULT_WAIT_MS);
  const rows = await ctx.db
    .selectFrom('checkpoint')
    .select(['number', 'size', 'root', 'signed_note', 'at'])
    .orderBy('number')
    .execute();
  const good: Publishable[] = [];
  const skipped: number[] = [];
  for (const r of rows) {
    const opened = ctx.logKey.openCheckpoint(r.signed_note);
    if (!opened.ok || opened.size !== Number(r.size)) {
      skipped.push(Number(r.size));
      continue;
    }
    const note = await cosignedNote(ctx, checkpointFromRow(r));
    good.push({
      size: Number(r.size),
      signed: r.signed_note,
      note,
      cosignatures:
        note.length > r.signed_note.length ? note.slice(r.signed_note.length).split('\n').length - 1 : 0,
    });
  }
  const done = /^https?:\/\//i.test(target)
    ? await toUrl(ctx, target, good, options.fetchImpl ?? fetch)
    : toDirectory(target, good);
  return { ...done, skipped, witnesses };
}

/**
 * gatherCosignatures asks the configured witnesses to cosign the latest checkpoint now and, while
 * one is busy with another process (the server's witness timer holds its lease), asks again until
 * `waitMs` has passed; it returns who cosigned the latest checkpoint.
 */
async function gatherCosignatures(ctx: Ctx, waitMs: number): Promise<Published['witnesses']> {
  const { witnesses, quorum } = ctx.config.witnesses;
  if (witnesses.length === 0) return null;
  const deadline = Date.now() + Math.max(0, waitMs);
  for (;;) {
    const outcomes = await witnessLatest(ctx, {
      force: true,
      timeoutMs: Math.max(1_000, Math.min(10_000, deadline - Date.now())),
    });
    const busy = outcomes.some((o) => o.outcome === 'busy');
    const cosignedBy = outcomes.filter((o) => o.outcome === 'cosigned' || o.outcome === 'current').length;
    if (cosignedBy >= quorum || !busy || Date.now() + BUSY_PAUSE_MS >= deadline) break;
    await new Promise((r) => setTimeout(r, BUSY_PAUSE_MS));
  }
  const row = await latestCheckpointRow(ctx.db);
  if (!row) return { quorum, configured: witnesses.length, cosignedBy: 0, quorumMet: false };
  const mine = new Set(witnesses.map((w) => w.vkey));
  const cosignedBy = (
    await ctx.db
      .selectFrom('checkpoint_cosignature')
      .select('witness_vkey')
      .where('checkpoint_number', '=', Number(row.number))
      .execute()
  ).filter((r) => mine.has(r.witness_vkey)).length;
  return { quorum, configured: witnesses.length, cosignedBy, quorumMet: cosignedBy >= quorum };
}

/**
 * sameTreeFewerCosignatures tells whether a published file holds `cp`'s signed note with a subset
 * of its cosignature lines (written before they all arrived): then it is written again.
 */
function sameTreeFewerCosignatures(published: string, cp: Publishable): boolean {
  if (!published.startsWith(cp.signed)) return false;
  const lines = new Set(cp.note.slice(cp.signed.length).split('\n'));
  return published
    .slice(cp.signed.length)
    .split('\n')
    .every((l) => lines.has(l));
}

function toDirectory(
  dir: string,
  checkpoints: readonly Publishable[],
): { published: number[]; updated: number[] } {
  const sub = join(dir, 'checkpoints');
  mkdirSync(sub, { recursive: true });
  const fresh: Publishable[] = [];
  const again: Publishable[] = [];
  for (const cp of checkpoints) {
    const file = join(sub, String(cp.size));
    if (!existsSync(file)) {
      fresh.push(cp);
      continue;
    }
    const there = readFileSync(file, 'utf8');
    if (there === cp.note) continue;
    if (sameTreeFewerCosignatures(there, cp)) again.push(cp);
    else
      throw new CustodyError(
        'PUBLISHED_DIFFERS',
        `${file} holds a different checkpoint of size ${cp.size}: the log forked or was rewritten. Nothing was published`,
      );
  }
  for (const cp of [...fresh, ...again]) writeAtomically(join(sub, String(cp.size)), cp.note);
  const latest = checkpoints[checkpoints.length - 1];
  if (latest) writeAtomically(join(dir, 'checkpoint'), latest.note);
  return { published: fresh.map((cp) => cp.size), updated: again.map((cp) => cp.size) };
}

async function toUrl(
  ctx: Ctx,
  url: string,
  checkpoints: readonly Publishable[],
  fetchImpl: typeof fetch,
): Promise<{ published: number[]; updated: number[] }> {
  const stateDir = join(ctx.config.dataDir, 'publish');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const stateFile = join(stateDir, `${createHash('sha256').update(url).digest('hex').slice(0, 16)}.json`);
  let last = 0;
  let lastCosignatures = 0;
  if (existsSync(stateFile)) {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { size?: unknown; cosignatures?: unknown };
    last = Number(state.size) || 0;
    lastCosignatures = Number(state.cosignatures) || 0;
  }
  const sent: number[] = [];
  const resent: number[] = [];
  const latest = checkpoints[checkpoints.length - 1];
  for (const cp of checkpoints) {
    // The latest one sent goes again when it has gained cosignatures since.
    const again = cp === latest && cp.size === last && cp.cosignatures > lastCosignatures;
    if (cp.size <= last && !again) continue;
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
    lastCosignatures = cp.cosignatures;
    writeAtomically(stateFile, `${JSON.stringify({ url, size: last, cosignatures: lastCosignatures })}\n`);
    (again ? resent : sent).push(cp.size);
  }
  return { published: sent, updated: resent };
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
