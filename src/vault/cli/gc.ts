import type { Register } from '../../cli/command.js';
import { withStore } from '../../cli/context.js';
import { CliExit, EXIT, printJson, println } from '../../cli/io.js';
import { collectGarbage } from '../gc.js';

/**
 * `attest gc --dry-run | --apply`: lists (or removes) the blobs no item references and no ingest
 * in progress holds (see src/vault/staging.ts for the rule). A dry run is the default; `attest
 * verify` is what fails on them.
 */
export const registerGc: Register = (program, { io }) => {
  program
    .command('gc')
    .description('find (--dry-run, the default) or remove (--apply) blobs that no item references')
    .option('--dry-run', 'list what would be removed; remove nothing')
    .option('--apply', 'remove them')
    .option('--json', 'machine-readable output')
    .action(async (opts: { dryRun?: boolean; apply?: boolean; json?: boolean }) => {
      if (opts.dryRun && opts.apply) throw new CliExit(EXIT.usage, 'give --dry-run or --apply, not both');
      const apply = opts.apply === true;
      const result = await withStore(io, program.opts(), (ctx) => collectGarbage(ctx, { apply }));
      const bytes = (list: readonly { size: number }[]) => list.reduce((n, b) => n + b.size, 0);
      if (opts.json) {
        printJson(io, { apply, ...result });
      } else {
        const shown = apply ? result.removed : result.found;
        for (const b of shown)
          println(io.stdout, `${apply ? 'removed' : 'unreferenced'} ${b.sha256} ${b.size}`);
        if (apply) {
          println(
            io.stderr,
            `gc: removed ${result.removed.length} blob(s), ${bytes(result.removed)} bytes` +
              (result.found.length > result.removed.length
                ? `; kept ${result.found.length - result.removed.length} staged again meanwhile`
                : ''),
          );
        } else {
          println(
            io.stderr,
            `gc: ${result.found.length} unreferenced blob(s), ${bytes(result.found)} bytes` +
              (result.found.length ? '; dry run, nothing removed (--apply removes them)' : ''),
          );
        }
      }
    });
};
