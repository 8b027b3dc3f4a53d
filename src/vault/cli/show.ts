import type { Register } from '../../cli/command.js';
import { withStore } from '../../cli/context.js';
import { printJson, println } from '../../cli/io.js';
import { visible } from '../../lib/display.js';
import type { Item } from '../item.js';
import { getItem, recordView } from '../service.js';

export const registerShow: Register = (program, { io }) => {
  program
    .command('show')
    .description('show one item: hash, media type, provenance, compartment')
    .argument('<ern>', 'evidence reference number, e.g. ATT-000123')
    .option('--json', 'machine-readable output')
    .action(async (ern: string, opts: { json?: boolean }) => {
      const item = await withStore(io, program.opts(), async (ctx) => {
        const item = await getItem(ctx, ern);
        // A read through the CLI is audited like one over HTTP (issue 18.8).
        await recordView(ctx, item, 'cli', 'detail');
        return item;
      });
      if (opts.json) return printJson(io, item);
      for (const [k, v] of describeItem(item)) println(io.stdout, `${k.padEnd(15)} ${visible(v)}`);
    });
};

/** describeItem lists an item's fields as label/value pairs for people. */
export function describeItem(item: Item): [string, string][] {
  return [
    ['ERN', item.ern],
    ['Title', item.title],
    ['SHA-256', item.sha256],
    ['Size', `${item.size} bytes`],
    ['Media type', item.mediaType],
    ['Kind', item.kind],
    [
      'Original name',
      item.originalNameHex ? `${item.originalName} (raw bytes ${item.originalNameHex})` : item.originalName,
    ],
    ['Source', item.source],
    ['Collected at', item.collectedAt],
    ['Collected by', item.collectedBy],
    ['Compartment', item.compartment],
    ['Added at', item.createdAt],
    ['Added by', item.createdBy],
  ];
}
