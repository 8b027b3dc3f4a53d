/**
 * job-worker.ts — runs durable jobs (jobs.ts): the contract a job kind implements, and the
 * worker that claims jobs under a lease, keeps the lease alive while the handler runs, records
 * progress, success or the reason for failure, and goes on serving other jobs whatever a handler
 * does (throws, hangs past its time limit, loses its lease).
 *
 * A domain adds background work by exporting a `JobKind` and listing it in src/cli/job-kinds.ts; see
 * src/intake/README.md ("Adding a job kind").
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Ctx } from '../ctx.js';
import { AttestError } from '../lib/errors.js';
import {
  claimJob,
  completeJob,
  enqueueJobs,
  failJob,
  type Job,
  type JobFailureReport,
  releaseJob,
  renewLease,
  reportProgress,
} from './jobs.js';

/** What a handler receives besides the context. */
export interface RunningJob extends Job {
  /** Aborted when the job's time limit passes, its lease is lost or the worker stops. */
  readonly signal: AbortSignal;
  /** report records how far the job is (0–100) and a short note with no personal data. */
  report(percent: number, note?: string): Promise<void>;
  /** The id of the worker running it (the custody log's actor for what the job records). */
  readonly worker: string;
}

/** JobKind is one kind of background work: its name, limits and handler. */
export interface JobKind {
  /** Unique, e.g. `intake` or `search.index`: lowercase letters, digits, dots and dashes. */
  readonly name: string;
  /** Attempts before a job is failed for good (default 5). */
  readonly maxAttempts?: number;
  /** How long one attempt may run before it is aborted and counted as failed (default 10 min). */
  readonly timeoutMs?: number;
  /**
   * Kinds after whose successful completion a job of this kind is enqueued for the same item, in
   * the same transaction as the completion (e.g. search indexing after `intake`).
   */
  readonly after?: readonly string[];
  /**
   * run does the work. Return a small JSON object (ids and counts) kept as the job's result.
   * Throw `JobFailure` for a failure retrying cannot fix (hostile or broken input); any other
   * error is retried with back-off. Handlers must be idempotent: an attempt may be repeated after
   * a crash, so what they record is keyed (e.g. one derivative per parent, kind and key).
   */
  run(ctx: Ctx, job: RunningJob): Promise<Record<string, unknown> | undefined>;
}

export type JobFailureCode = string;

/** JobFailure is a failure the input causes: the job fails at once with this code and reason. */
export class JobFailure extends AttestError<JobFailureCode> {}

export interface WorkerOptions {
  /** Worker id (default host:pid:random); recorded as the lease owner and custody actor. */
  readonly id?: string;
  /** Jobs run at the same time by this worker (default 1). */
  readonly concurrency?: number;
  /** Lease length; renewed every third of it while a handler runs (default 60 s). */
  readonly leaseMs?: number;
  /** Wait between polls when the queue is empty (default 1 s). */
  readonly pollMs?: number;
  /** Called with errors of the worker itself (database down…); the loop keeps going. */
  readonly onError?: (err: unknown) => void;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const KIND_NAME = /^[a-z][a-z0-9.-]{0,62}$/;

/** JobRegistry is the set of kinds a worker runs, checked once. */
export class JobRegistry {
  readonly #kinds = new Map<string, JobKind>();

  constructor(kinds: readonly JobKind[]) {
    for (const k of kinds) {
      if (!KIND_NAME.test(k.name)) throw new Error(`job kind name ${JSON.stringify(k.name)} is not valid`);
      if (this.#kinds.has(k.name)) throw new Error(`job kind ${k.name} is registered twice`);
      this.#kinds.set(k.name, k);
    }
  }

  get(name: string): JobKind | undefined {
    return this.#kinds.get(name);
  }

  names(): string[] {
    return [...this.#kinds.keys()];
  }

  /** followUps lists the kinds to enqueue when a job of `kind` completes. */
  followUps(kind: string): JobKind[] {
    return [...this.#kinds.values()].filter((k) => k.after?.includes(kind));
  }
}

/** workerId returns a readable, unique id for this process's worker. */
export function workerId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9.-]/g, '-')
      .slice(0, 40) || 'host';
  return `worker:${host}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * Worker claims and runs jobs of the registry's kinds. `start()` runs `concurrency` loops until
 * `stop()`; tests drive it step by step with `runOnce()`.
 */
export class Worker {
  readonly id: string;
  readonly #ctx: Ctx;
  readonly #registry: JobRegistry;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #onError: (err: unknown) => void;
  readonly #stopping = new AbortController();
  #loops: Promise<void>[] = [];
  #wake: (() => void)[] = [];

  constructor(ctx: Ctx, registry: JobRegistry, options: WorkerOptions = {}) {
    this.#ctx = ctx;
    this.#registry = registry;
    this.id = options.id ?? workerId();
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#pollMs = options.pollMs ?? 1000;
    this.#onError = options.onError ?? (() => {});
  }

  /** start begins polling; it returns at once. */
  start(): void {
    if (this.#loops.length > 0) return;
    for (let i = 0; i < this.#concurrency; i++) this.#loops.push(this.#loop(`${this.id}/${i}`));
  }

  /** stop ends the loops after their current jobs are aborted and recorded. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    for (const wake of this.#wake.splice(0)) wake();
    await Promise.all(this.#loops);
    this.#loops = [];
  }

  /** nudge wakes idle loops (after enqueueing in this process). */
  nudge(): void {
    for (const wake of this.#wake.splice(0)) wake();
  }

  async #loop(slot: string): Promise<void> {
    while (!this.#stopping.signal.aborted) {
      let ran = false;
      try {
        ran = await this.runOnce(slot);
      } catch (err) {
        this.#onError(err);
      }
      if (!ran && !this.#stopping.signal.aborted) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.#pollMs);
          this.#wake.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    }
  }

  /** runOnce claims one job and runs it to its end; false when nothing was runnable. */
  async runOnce(owner: string = this.id): Promise<boolean> {
    const job = await claimJob(this.#ctx, owner, this.#registry.names(), this.#leaseMs);
    if (!job) return false;
    await this.#run(job, owner);
    return true;
  }

  async #run(job: Job, owner: string): Promise<void> {
    const ctx = this.#ctx;
    const kind = this.#registry.get(job.kind)!;
    const abort = new AbortController();
    const onStop = () => abort.abort(new JobFailure('INTERRUPTED', 'the worker stopped during the job'));
    this.#stopping.signal.addEventListener('abort', onStop, { once: true });
    const timeoutMs = kind.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(
      () => abort.abort(new JobFailure('TIMEOUT', `the job ran longer than its limit of ${timeoutMs} ms`)),
      timeoutMs,
    );
    // Keep the lease while the handler runs; losing it means another worker took the job over.
    const heartbeat = setInterval(
      () => {
        renewLease(ctx, job.id, owner, this.#leaseMs)
          .then((held) => {
            if (!held) abort.abort(new JobFailure('LEASE_LOST', 'the job was taken over by another worker'));
          })
          .catch(this.#onError);
      },
      Math.max(50, Math.floor(this.#leaseMs / 3)),
    );
    const running: RunningJob = {
      ...job,
      worker: owner,
      signal: abort.signal,
      report: async (percent, note) => {
        await reportProgress(ctx, job.id, owner, percent, note);
      },
    };
    try {
      // A handler that ignores its signal still cannot keep this slot: the race ends with the abort.
      const aborted = new Promise<never>((_, reject) => {
        abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true });
      });
      const result = (await Promise.race([kind.run(ctx, running), aborted])) ?? {};
      const at = ctx.clock().toISOString();
      await ctx.db.transaction().execute(async (trx) => {
        if (!(await completeJob(trx, job.id, owner, result, at))) return;
        const next = this.#registry.followUps(job.kind);
        await enqueueJobs(
          trx,
          next.map((k) => ({
            kind: k.name,
            itemId: job.itemId,
            compartment: job.compartment,
            payload: { after: job.id },
            ...(k.maxAttempts !== undefined ? { maxAttempts: k.maxAttempts } : {}),
          })),
          at,
        );
      });
    } catch (err) {
      const report = failureReport(err);
      if (report.code === 'INTERRUPTED') await releaseJob(ctx, job.id, owner);
      else if (report.code !== 'LEASE_LOST') await failJob(ctx, job.id, owner, report);
    } finally {
      clearTimeout(timer);
      clearInterval(heartbeat);
      this.#stopping.signal.removeEventListener('abort', onStop);
    }
  }
}

/** failureReport turns what a handler threw into the reason recorded on the job. */
export function failureReport(err: unknown): JobFailureReport {
  if (err instanceof JobFailure) {
    // A stop or a lost lease is not the input's fault: the job runs again. A time-out is final
    // (input that streams or loops forever); an operator can re-run it on demand.
    const transient = err.code === 'INTERRUPTED' || err.code === 'LEASE_LOST';
    return { code: err.code, message: err.message, permanent: !transient };
  }
  if (err instanceof AttestError) return { code: err.code, message: err.message, permanent: false };
  const e = err as Error;
  return {
    code: 'ERROR',
    message: `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`,
    permanent: false,
  };
}
