import type { Register } from '../../cli/command.js';
import { withStore } from '../../cli/context.js';
import { CliExit, EXIT, printJson, println } from '../../cli/io.js';
import { visible } from '../../lib/display.js';
import { parseErn } from '../../lib/ern.js';
import { listItems } from '../service.js';

export const registerList: Register = (program, { io }) => {
  program
    .command('list')
    .description('list items in ERN order')
    .option('--compartment <name>', 'only this compartment')
    .option('--kind <kind>', 'only this kind (image, video, document, archive, text, …)')
    .option('--after <ern>', 'continue after this ERN')
    .option('--limit <n>', 'at most this many (1–1000)', '100')
    .option('--json', 'machine-readable output')
    .action(
      async (opts: {
        compartment?: string;
        kind?: string;
        after?: string;
        limit: string;
        json?: boolean;
      }) => {
        const afterSeq = opts.after === undefined ? undefined : parseErn(opts.after);
        if (opts.after !== undefined && afterSeq === undefined)
          throw new CliExit(EXIT.usage, `--after: not an ERN: ${opts.after}`);
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw new CliExit(EXIT.usage, '--limit must be 1 to 1000');
        const items = await withStore(io, program.opts(), (ctx) =>
          listItems(ctx, {
            limit,
            ...(afterSeq !== undefined ? { afterSeq } : {}),
            ...(opts.compartment ? { compartments: [opts.compartment] } : {}),
            ...(opts.kind ? { kind: opts.kind } : {}),
          }),
        );
        if (opts.json) return printJson(io, items);
        for (const i of items) {
          println(
            io.stdout,
            `${i.ern}  ${i.sha256.slice(0, 12)}  ${String(i.size).padStart(12)}  ${i.kind.padEnd(9)} ${visible(i.title)}`,
          );
        }
      },
    );
};
