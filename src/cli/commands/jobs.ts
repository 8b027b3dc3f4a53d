/**
 * jobs.ts — `attest worker` (job workers alone, the scale tier's background processes) and
 * `attest jobs …`: list the queue, re-run failed jobs, and wait until the queue is empty (what
 * scripts and tests use after `attest add`).
 */
import { JOB_STATES, type Job, type JobState, listJobs, queueDepth, retryJob } from '../../store/jobs.js';
import { openStore } from '../../store/open.js';
import type { Register } from '../command.js';
import { configFrom, withStore } from '../context.js';
import { CliExit, EXIT, printJson, println } from '../io.js';
import { queueStartupJobs, startWorker } from '../job-kinds.js';

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^[0-9]{1,6}$/.test(raw) || Number(raw) < 1)
    throw new CliExit(EXIT.usage, `${name} must be a whole number ≥ 1`);
  return Number(raw);
}

function jobLine(j: Job): string {
  const reason = j.state === 'failed' || j.errorCode ? `  ${j.errorCode}: ${j.error}` : '';
  const progress =
    j.state === 'running' ? `  ${j.progress}%${j.progressNote ? ` ${j.progressNote}` : ''}` : '';
  return `${j.id}  ${j.kind.padEnd(12)} ${j.state.padEnd(8)} attempts ${j.attempts}/${j.maxAttempts}${progress}${reason}`;
}

export const registerJobs: Register = (program, { io, exit }) => {
  program
    .command('worker')
    .description('run job workers only (no HTTP server): intake extraction and other background jobs')
    .option('--concurrency <n>', 'jobs at the same time (default 1)')
    .action(async (opts: { concurrency?: string }) => {
      const concurrency = positive('--concurrency', opts.concurrency, 1);
      const store = await openStore(configFrom(io, program.opts()));
      await queueStartupJobs(
        store.ctx,
        (message) => println(io.stdout, `attest worker: ${message}`),
        (err) => io.stderr.write(`attest worker: ${(err as Error).message ?? String(err)}\n`),
      );
      const worker = startWorker(store.ctx, concurrency, (err) =>
        io.stderr.write(`attest worker: ${(err as Error).message ?? String(err)}\n`),
      );
      println(
        io.stdout,
        `Attest worker ${worker.id} running ${concurrency} job loop(s) on ${store.location}`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await worker.stop();
      await store.close();
    });

  const jobs = program
    .command('jobs')
    .description('the durable job queue: list jobs, re-run failed ones, wait until the queue is empty')
    .option('--state <state>', `only jobs in this state (${JOB_STATES.join(', ')})`)
    .option('--kind <kind>', 'only jobs of this kind (e.g. intake)')
    .option('--limit <n>', 'at most this many (default 100)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { state?: string; kind?: string; limit?: string; json?: boolean }) => {
      if (opts.state !== undefined && !(JOB_STATES as readonly string[]).includes(opts.state))
        throw new CliExit(EXIT.usage, `--state must be one of ${JOB_STATES.join(', ')}`);
      const limit = positive('--limit', opts.limit, 100);
      const { list, depth } = await withStore(io, program.opts(), async (ctx) => ({
        list: await listJobs(ctx, {
          limit,
          ...(opts.state ? { state: opts.state as JobState } : {}),
          ...(opts.kind ? { kind: opts.kind } : {}),
        }),
        depth: await queueDepth(ctx),
      }));
      if (opts.json) return printJson(io, { depth, jobs: list });
      println(
        io.stdout,
        `queued ${depth.queued} · running ${depth.running} · done ${depth.done} · failed ${depth.failed}`,
      );
      for (const j of list) println(io.stdout, jobLine(j));
    });

  jobs
    .command('retry')
    .description('run failed jobs again now (attempts start over)')
    .argument('[id...]', 'job ids')
    .option('--failed', 'every failed job')
    .action(async (ids: string[], opts: { failed?: boolean }) => {
      if (ids.length === 0 && !opts.failed) throw new CliExit(EXIT.usage, 'give job ids or --failed');
      await withStore(io, program.opts(), async (ctx) => {
        const targets = opts.failed
          ? (await listJobs(ctx, { state: 'failed', limit: 1000 })).map((j) => j.id)
          : ids;
        for (const id of targets) {
          const job = await retryJob(ctx, id);
          if (job) println(io.stdout, `${id}  queued again`);
          else {
            io.stderr.write(`attest: ${id}: no failed or finished job with this id\n`);
            exit(EXIT.failed);
          }
        }
      });
    });

  jobs
    .command('wait')
    .description('block until no job is queued or running (exit 1 on --timeout)')
    .option('--timeout <seconds>', 'give up after this long (exit 1)')
    .option('--poll <ms>', 'how often to look (default 250 ms)')
    .action(async (opts: { timeout?: string; poll?: string }) => {
      const timeoutMs = opts.timeout === undefined ? Infinity : positive('--timeout', opts.timeout, 1) * 1000;
      const pollMs = positive('--poll', opts.poll, 250);
      await withStore(io, program.opts(), async (ctx) => {
        const started = Date.now();
        for (;;) {
          const depth = await queueDepth(ctx);
          if (depth.queued + depth.running === 0) {
            println(io.stdout, `queue empty: ${depth.done} done, ${depth.failed} failed`);
            return;
          }
          if (Date.now() - started > timeoutMs) {
            io.stderr.write(
              `attest: still ${depth.queued} queued and ${depth.running} running after the timeout\n`,
            );
            exit(EXIT.failed);
            return;
          }
          await new Promise((r) => setTimeout(r, pollMs));
        }
      });
    });
};
