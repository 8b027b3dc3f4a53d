/**
 * job-kinds.ts — every kind of durable job the workers run (src/store/job-worker.ts). A domain
 * adds background work by exporting its `JobKind`s from its index.ts and listing them here; see
 * src/intake/README.md, "Adding a job kind".
 */

import { CASES_JOB_KINDS } from '../cases/index.js';
import type { Ctx } from '../ctx.js';
import { INTAKE_JOB_KINDS } from '../intake/index.js';
import { queueSearchCatchUp, searchCatchUpJob, searchEntityJob, searchIndexJob } from '../search/index.js';
import { type JobKind, JobRegistry, Worker } from '../store/job-worker.js';

export const JOB_KINDS: readonly JobKind[] = [
  ...INTAKE_JOB_KINDS,
  searchIndexJob,
  searchEntityJob,
  searchCatchUpJob,
  ...CASES_JOB_KINDS,
];

/** startWorker runs `concurrency` loops of every job kind on `ctx`; `stop()` ends them. */
export function startWorker(ctx: Ctx, concurrency: number, onError: (err: unknown) => void): Worker {
  const worker = new Worker(ctx, new JobRegistry(JOB_KINDS), { concurrency, onError });
  worker.start();
  return worker;
}

/**
 * queueStartupJobs queues, when a server or worker starts, the work an upgrade left behind: the
 * search index re-reads the vault by itself when it is behind or was written by another version
 * (src/search/catch-up.ts). It never stops the start: a failure goes to `onError`.
 */
export async function queueStartupJobs(
  ctx: Ctx,
  onQueued: (message: string) => void,
  onError: (err: unknown) => void,
): Promise<void> {
  try {
    if (await queueSearchCatchUp(ctx))
      onQueued(
        'the search index is behind the vault (an upgrade or new items): re-indexing in the background',
      );
  } catch (err) {
    onError(err);
  }
}
