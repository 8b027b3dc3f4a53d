/**
 * job-kinds.ts — every kind of durable job the workers run (src/store/job-worker.ts). A domain
 * adds background work by exporting its `JobKind`s from its index.ts and listing them here; see
 * src/intake/README.md, "Adding a job kind".
 */

import { CASES_JOB_KINDS } from '../cases/index.js';
import type { Ctx } from '../ctx.js';
import { INTAKE_JOB_KINDS } from '../intake/index.js';
import { searchEntityJob, searchIndexJob } from '../search/index.js';
import { type JobKind, JobRegistry, Worker } from '../store/job-worker.js';

export const JOB_KINDS: readonly JobKind[] = [
  ...INTAKE_JOB_KINDS,
  searchIndexJob,
  searchEntityJob,
  ...CASES_JOB_KINDS,
];

/** startWorker runs `concurrency` loops of every job kind on `ctx`; `stop()` ends them. */
export function startWorker(ctx: Ctx, concurrency: number, onError: (err: unknown) => void): Worker {
  const worker = new Worker(ctx, new JobRegistry(JOB_KINDS), { concurrency, onError });
  worker.start();
  return worker;
}
