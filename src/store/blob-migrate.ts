/**
 * blob-migrate.ts — copies every blob from one store to another (files → S3 and back), each
 * re-hashed on the way and verified where it lands. It is resumable (a blob already at the
 * destination with its size is not copied again) and safe to run while Attest serves: blobs are
 * immutable, so a blob copied stays right; run it once more after stopping to catch those stored
 * meanwhile, then switch ATTEST_BLOBS.
 */
import type { BlobStore } from './blobs.js';

export interface MigrateOptions {
  /** Blobs already at the destination with the right size are re-hashed there unless this is set. */
  readonly trustExisting?: boolean;
  /** Blobs copied at the same time (object stores reward a few parallel streams). */
  readonly parallel?: number;
  readonly onProgress?: (done: number, bytes: number) => void;
}

export interface MigrateProblem {
  readonly sha256: string;
  /** `source-corrupt`: the source's bytes no longer hash to their name (not copied);
   *  `destination-corrupt`: what landed does not re-hash to the name; `failed`: an I/O error. */
  readonly code: 'source-corrupt' | 'destination-corrupt' | 'failed';
  readonly message: string;
}

export interface MigrateResult {
  readonly copied: number;
  readonly present: number;
  readonly bytes: number;
  readonly problems: readonly MigrateProblem[];
}

class Mismatch extends Error {
  constructor(readonly actual: string) {
    super(`the source bytes hash to ${actual}`);
  }
}

/** migrateBlobs copies every blob `from` lists into `to`, verified; see the file comment. */
export async function migrateBlobs(
  from: BlobStore,
  to: BlobStore,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  let copied = 0;
  let present = 0;
  let bytes = 0;
  let done = 0;
  const problems: MigrateProblem[] = [];
  const one = async (sha256: string): Promise<void> => {
    try {
      const size = await from.size(sha256);
      if (size === undefined) return; // removed by gc meanwhile
      const there = await to.size(sha256);
      if (there === size) {
        present++;
        if (options.trustExisting) return;
      } else {
        // The guard refuses before anything takes the content key when the source is corrupt.
        const r = await to.put(from.get(sha256), {
          guard: async (actual, place) => {
            if (actual !== sha256) throw new Mismatch(actual);
            return place();
          },
        });
        copied++;
        bytes += r.size;
      }
      const v = await to.verify(sha256);
      if (v.status !== 'ok')
        problems.push({
          sha256,
          code: 'destination-corrupt',
          message: `blob ${sha256} at the destination is ${v.status}${v.actualSha256 ? ` (re-hashes to ${v.actualSha256})` : ''}`,
        });
    } catch (err) {
      problems.push(
        err instanceof Mismatch
          ? {
              sha256,
              code: 'source-corrupt',
              message: `blob ${sha256} is corrupt in the source (${err.message}); not copied`,
            }
          : { sha256, code: 'failed', message: `blob ${sha256}: ${(err as Error).message ?? String(err)}` },
      );
    } finally {
      options.onProgress?.(++done, bytes);
    }
  };
  const parallel = Math.max(1, options.parallel ?? 4);
  const running = new Set<Promise<void>>();
  for await (const sha256 of from.list()) {
    const p = one(sha256).finally(() => running.delete(p));
    running.add(p);
    if (running.size >= parallel) await Promise.race(running);
  }
  await Promise.all(running);
  problems.sort((a, b) => a.sha256.localeCompare(b.sha256));
  return { copied, present, bytes, problems };
}
