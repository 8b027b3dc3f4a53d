import type { Register } from '../../cli/command.js';
import { withStore } from '../../cli/context.js';
import { CliExit, EXIT, printJson, println } from '../../cli/io.js';
import { visible } from '../../lib/display.js';
import { amendItem, type ItemChanges } from '../amend.js';

interface AmendOptions {
  reason: string;
  title?: string;
  source?: string;
  collectedBy?: string;
  collectedAt?: string;
  compartment?: string;
  json?: boolean;
}

export const registerAmend: Register = (program, { io }) => {
  program
    .command('amend')
    .description("correct an item's provenance or move it to another compartment (logged, with the reason)")
    .argument('<ern>', 'evidence reference number')
    .requiredOption('--reason <text>', 'why (kept with the item, not in the public log)')
    .option('--title <text>', 'new title')
    .option('--source <text>', 'new source')
    .option('--collected-by <id>', 'new collector id')
    .option('--collected-at <iso>', 'new collection time (ISO 8601, or "unknown")')
    .option('--compartment <name>', 'move to this compartment')
    .option('--json', 'machine-readable output')
    .action(async (ern: string, opts: AmendOptions) => {
      const changes: ItemChanges = {
        ...(opts.title !== undefined ? { title: opts.title } : {}),
        ...(opts.source !== undefined ? { source: opts.source } : {}),
        ...(opts.collectedBy !== undefined ? { collectedBy: opts.collectedBy } : {}),
        ...(opts.collectedAt !== undefined ? { collectedAt: opts.collectedAt } : {}),
        ...(opts.compartment !== undefined ? { compartment: opts.compartment } : {}),
      };
      if (Object.keys(changes).length === 0)
        throw new CliExit(EXIT.usage, 'give at least one field to change');
      const item = await withStore(io, program.opts(), (ctx) =>
        amendItem(ctx, ern, changes, { actor: 'cli', reason: opts.reason }),
      );
      if (opts.json) return printJson(io, item);
      println(io.stdout, `${item.ern} amended: ${visible(Object.keys(changes).join(', '))}`);
    });
};
