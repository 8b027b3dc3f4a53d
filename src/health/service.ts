/**
 * service.ts — the server's health for its administrators: the job queue (depth by state and
 * kind, how long the oldest job has waited, the latest failures), storage used, and the custody
 * log (size, the last signed checkpoint and its age, entries not yet in one, the signer's state)
 * and its witnesses (what each cosigned and when, its last error, whether the quorum is met).
 * An administrator of some compartments sees the jobs of those compartments only, and no
 * storage totals (they would count items they may not know of). A failure's text is for those
 * who may read its item; the others see its code (repo.ts latestFailedJobs).
 */
import type { Ctx } from '../ctx.js';
import { latestCheckpoint, logSize, signerRefusal, witnessHealth } from '../custody/index.js';
import { IntakeError } from '../intake/index.js';
import { searchIndexState } from '../search/index.js';
import { getJob, retryJob } from '../store/jobs.js';
import { storageUsed } from '../vault/index.js';
import { jobCountsByKind, latestFailedJobs, oldestQueuedAt, type Scope } from './repo.js';

const FAILED_SHOWN = 50;

/**
 * serverHealth reports the deployment's state within `scope` (undefined: every compartment);
 * `readers` are where the caller may read items (a failure's text is shown only there).
 */
export async function serverHealth(ctx: Ctx, scope: Scope, readers: readonly string[] | 'all') {
  const now = ctx.clock();
  const byKind = await jobCountsByKind(ctx.db, scope);
  const total = (s: 'queued' | 'running' | 'done' | 'failed') => byKind.reduce((n, k) => n + k[s], 0);
  const [size, cp] = [await logSize(ctx.db), await latestCheckpoint(ctx)];
  const refusal = signerRefusal(ctx);
  return {
    at: now.toISOString(),
    scope: scope === undefined ? ('deployment' as const) : ('compartments' as const),
    jobs: {
      queued: total('queued'),
      running: total('running'),
      done: total('done'),
      failed: total('failed'),
      oldestQueuedAt: await oldestQueuedAt(ctx.db, scope),
      byKind,
    },
    failedJobs: (await latestFailedJobs(ctx.db, scope, readers, FAILED_SHOWN)).map((j) => ({
      id: j.id,
      kind: j.kind,
      itemErn: j.item_ern ?? null,
      attempts: j.attempts,
      maxAttempts: j.max_attempts,
      errorCode: j.error_code,
      error: j.error,
      updatedAt: j.updated_at,
    })),
    storage: scope === undefined ? await storageUsed(ctx) : null,
    search: scope === undefined ? await searchIndexState(ctx) : null,
    log: {
      size,
      checkpoint: cp
        ? {
            size: cp.size,
            at: cp.at,
            ageSeconds: Math.max(0, Math.floor((now.getTime() - Date.parse(cp.at)) / 1000)),
            behind: Math.max(0, size - cp.size),
          }
        : null,
      checkpointSeconds: ctx.config.checkpointSeconds,
      signer: refusal ? ('refused' as const) : ('ok' as const),
      signerRefusedAt: refusal?.at ?? null,
    },
    witnesses: await witnessHealth(ctx),
  };
}

/** retryFailedJob re-runs a failed (or finished) job within `scope`; IntakeError otherwise. */
export async function retryFailedJob(ctx: Ctx, id: string, scope: Scope) {
  const job = await retryJob(ctx, id, { compartments: scope });
  if (job) return { id: job.id, kind: job.kind, state: job.state, attempts: job.attempts };
  // Outside the caller's compartments a job does not exist; inside, it may be busy.
  const exists = await getJob(ctx, id, { compartments: scope });
  if (!exists) throw new IntakeError('NOT_FOUND', 'no such job');
  throw new IntakeError(
    'JOB_NOT_RETRYABLE',
    `the job is ${exists.state}; only failed or done jobs are re-run`,
  );
}
