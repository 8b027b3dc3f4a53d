/**
 * cli.ts — `attest capture URL` (fetch a web page and store it as a WARC 1.1 item) and
 * `attest intake ERN` (an item's intake: job state and reason, derived items, duplicate links).
 * The command line acts as the deployment's operator (it holds the data directory).
 */
import type { Register } from '../cli/command.js';
import { withStore } from '../cli/context.js';
import { CliExit, EXIT, printJson, println } from '../cli/io.js';
import { visible } from '../lib/display.js';
import { getItem } from '../vault/index.js';
import { captureUrl } from './capture/service.js';
import { IntakeError } from './errors.js';
import { intakeState } from './service.js';

interface CaptureOptions {
  source?: string;
  collectedBy?: string;
  compartment?: string;
  title?: string;
  json?: boolean;
}

export const registerIntake: Register = (program, { io }) => {
  program
    .command('capture')
    .description('fetch a web page and store it as a WARC 1.1 item (its text is then extracted)')
    .argument('<url>', 'http or https URL')
    .option('--source <text>', 'where the link came from (default "web capture")')
    .option('--collected-by <id>', 'who asked for it (an id, not a name; default "cli")')
    .option('--compartment <name>', 'access compartment', 'general')
    .option('--title <text>', 'title (default "Web capture of URL")')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nRedirects are followed and kept (ATTEST_CAPTURE_MAX_REDIRECTS, default 10); the body is\nlimited by ATTEST_CAPTURE_MAX_BYTES (50 MiB) and the fetch by ATTEST_CAPTURE_TIMEOUT_MS (30 s).\nLoopback and private addresses are refused unless ATTEST_CAPTURE_ALLOW_PRIVATE=1.\n\nExample:\n  attest capture https://example.org/report --source "tip line" --compartment general\n  attest jobs wait && attest intake ATT-000042',
    )
    .action(async (url: string, opts: CaptureOptions) => {
      const result = await withStore(io, program.opts(), async (ctx) => {
        try {
          return await captureUrl(ctx, {
            url,
            actor: 'cli',
            collectedBy: opts.collectedBy ?? 'cli',
            ...(opts.source ? { source: opts.source } : {}),
            ...(opts.compartment ? { compartment: opts.compartment } : {}),
            ...(opts.title ? { title: opts.title } : {}),
          });
        } catch (err) {
          if (err instanceof IntakeError && err.code === 'INVALID_URL')
            throw new CliExit(EXIT.usage, err.message);
          if (err instanceof IntakeError)
            throw new CliExit(EXIT.failed, `capture failed (${err.code}): ${err.message}`);
          throw err;
        }
      });
      if (opts.json) {
        return printJson(io, {
          ern: result.item.ern,
          sha256: result.item.sha256,
          size: result.bytes,
          url: result.url,
          finalUrl: result.finalUrl,
          status: result.status,
          redirects: result.redirects,
        });
      }
      println(
        io.stdout,
        `${result.item.ern}  ${visible(result.finalUrl)}  HTTP ${result.status}${result.redirects ? ` after ${result.redirects} redirect(s)` : ''}  ${result.bytes} bytes WARC`,
      );
    });

  program
    .command('intake')
    .description("an item's intake: job state (and the reason if it failed), derived items, duplicate links")
    .argument('<ern>', 'evidence reference number, e.g. ATT-000042')
    .option('--json', 'machine-readable output')
    .action(async (ern: string, opts: { json?: boolean }) => {
      const state = await withStore(io, program.opts(), async (ctx) => {
        try {
          return await intakeState(ctx, await getItem(ctx, ern));
        } catch (err) {
          if ((err as { code?: string }).code === 'INVALID_ERN')
            throw new CliExit(EXIT.usage, (err as Error).message);
          if ((err as { code?: string }).code === 'NOT_FOUND')
            throw new CliExit(EXIT.failed, (err as Error).message);
          throw err;
        }
      });
      if (opts.json) {
        return printJson(io, {
          ern: state.ern,
          state: state.state,
          job: state.job
            ? {
                id: state.job.id,
                attempts: state.job.attempts,
                progress: state.job.progress,
                errorCode: state.job.errorCode,
                error: state.job.error,
                result: state.job.result,
              }
            : null,
          derived: state.derived.map((d) => ({
            ern: d.item.ern,
            kind: d.kind,
            key: d.key,
            tool: `${d.tool}@${d.toolVersion}`,
            mediaType: d.item.mediaType,
            size: d.item.size,
          })),
          links: state.nearDuplicates.map((n) => ({
            ern: n.ern,
            relation: n.relation,
            distance: n.distance,
          })),
        });
      }
      const job = state.job;
      println(
        io.stdout,
        `${state.ern}  intake ${state.state}${job ? ` (attempt ${job.attempts}/${job.maxAttempts})` : ''}${job?.errorCode ? `  ${job.errorCode}: ${visible(job.error ?? '')}` : ''}`,
      );
      for (const d of state.derived)
        println(
          io.stdout,
          `  ${d.item.ern}  ${d.kind.padEnd(10)} ${d.key.padEnd(14)} ${d.item.mediaType}  ${d.tool}@${d.toolVersion}`,
        );
      for (const n of state.nearDuplicates)
        println(io.stdout, `  ${n.relation} ${n.ern} (distance ${n.distance})`);
    });
};
