/**
 * isolate.ts — runs a parser of hostile input (PDF, DOCX, e-mail) in a child process with a hard
 * time limit and a memory cap. A parser that loops forever (a PDF whose object references form a
 * cycle) or swells without end would otherwise block or crash the worker's own event loop; here
 * the child is killed, the job fails with TIMEOUT or CRASHED, and the worker goes on serving.
 *
 * The child (isolate-child.ts) runs one extractor from ISOLATED_EXTRACTORS and returns its
 * Extraction as JSON; derivatives come back as files in the job's scratch directory.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { IntakeError } from './errors.js';
import type { ExtractInput, Extraction } from './extractor.js';

/** What the parent sends: the input without its functions and signal. */
export interface IsolatedRequest {
  readonly extractor: string;
  readonly input: Omit<ExtractInput, 'signal' | 'report' | 'head'> & { readonly head: string };
}

export type IsolatedMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly percent: number; readonly note?: string }
  | { readonly type: 'done'; readonly extraction: Extraction }
  | { readonly type: 'error'; readonly code: string; readonly message: string; readonly intake: boolean };

const CHILD = fileURLToPath(new URL('./isolate-child-boot.mjs', import.meta.url));
/** Heap of the child, in MiB (ATTEST_INTAKE_CHILD_MEMORY_MB). */
const MEMORY_MB = Number(process.env.ATTEST_INTAKE_CHILD_MEMORY_MB ?? 1024);
/**
 * How long the child may take to start (load its parsers) before it is given up on, in ms
 * (ATTEST_INTAKE_CHILD_START_MS). The tool's own time limit starts only once the child is ready:
 * it bounds the work on the input, and start-up does not depend on the input (on a busy machine
 * it took longer than the whole tool limit). A child that never starts is a fault of the host,
 * not of the file, so it is a plain error and the job is tried again.
 */
const START_MS = Number(process.env.ATTEST_INTAKE_CHILD_START_MS ?? 180_000);

/** runIsolated runs extractor `name` on `input` in a child process and returns its extraction. */
export function runIsolated(name: string, input: ExtractInput): Promise<Extraction> {
  const { signal, report, head, ...rest } = input;
  const request: IsolatedRequest = { extractor: name, input: { ...rest, head: head.toString('base64') } };
  return new Promise<Extraction>((resolve, reject) => {
    const child = fork(CHILD, [], {
      execArgv: [`--max-old-space-size=${MEMORY_MB}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    let settled = false;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString('utf8');
    });
    const finish = (err: Error | undefined, value?: Extraction) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (child.exitCode === null) child.kill('SIGKILL');
      if (err) reject(err);
      else resolve(value!);
    };
    let timer = setTimeout(
      () => finish(new Error(`the isolated ${name} extraction process did not start within ${START_MS} ms`)),
      START_MS,
    );
    const startToolClock = () => {
      if (settled) return;
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          finish(
            new IntakeError(
              'TIMEOUT',
              `${name} extraction ran longer than ${input.limits.toolTimeoutMs} ms and was stopped (ATTEST_INTAKE_TOOL_TIMEOUT_MS)`,
            ),
          ),
        input.limits.toolTimeoutMs,
      );
      child.send(request);
    };
    const onAbort = () => finish(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('message', (m: IsolatedMessage) => {
      if (m.type === 'ready') startToolClock();
      else if (m.type === 'progress') void report(m.percent, m.note).catch(() => {});
      else if (m.type === 'done') finish(undefined, m.extraction);
      else if (m.type === 'error') {
        finish(
          m.intake
            ? new IntakeError(m.code as IntakeError['code'], m.message)
            : new IntakeError('MALFORMED', `${name} could not read the file: ${m.message}`),
        );
      }
    });
    child.on('error', (err) => finish(err));
    child.on('exit', (code, sig) => {
      const oom = /heap out of memory|Allocation failed/i.test(stderr);
      finish(
        new IntakeError(
          'CRASHED',
          oom
            ? `${name} extraction ran out of its ${MEMORY_MB} MiB of memory and was stopped`
            : `${name} extraction stopped unexpectedly (${sig ?? `exit ${code}`})`,
        ),
      );
    });
  });
}
