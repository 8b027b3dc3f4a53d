import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Register } from '../../cli/command.js';
import { withStore } from '../../cli/context.js';
import { CliExit, EXIT, printJson, println } from '../../cli/io.js';
import { getItem, readVerified, recordView } from '../service.js';

export const registerGet: Register = (program, { io }) => {
  program
    .command('get')
    .description("write an item's bytes to a file, verified against its SHA-256 on the way out")
    .argument('<ern>', 'evidence reference number')
    .requiredOption('--out <file>', 'where to write the bytes')
    .option('--force', 'overwrite an existing file')
    .option('--json', 'machine-readable output')
    .action(async (ern: string, opts: { out: string; force?: boolean; json?: boolean }) => {
      if (!opts.force && (await exists(opts.out)))
        throw new CliExit(EXIT.usage, `${opts.out} exists (use --force)`);
      // Written beside the target and renamed only once the hash matched: no half-verified file.
      const tmp = join(dirname(opts.out), `.attest-get-${randomBytes(6).toString('hex')}`);
      const item = await withStore(io, program.opts(), async (ctx) => {
        const item = await getItem(ctx, ern);
        // A read through the CLI is audited like one over HTTP (issue 18.8).
        await recordView(ctx, item, 'cli', 'content');
        const fh = await open(tmp, 'wx', 0o600);
        try {
          await readVerified(ctx, item, async (chunk) => void (await fh.write(chunk)));
          await fh.sync();
        } catch (err) {
          await fh.close();
          await rm(tmp, { force: true });
          throw err;
        }
        await fh.close();
        await rename(tmp, opts.out);
        return item;
      });
      if (opts.json)
        return printJson(io, { ern: item.ern, sha256: item.sha256, size: item.size, out: opts.out });
      println(io.stdout, `${item.ern} → ${opts.out} (${item.size} bytes, SHA-256 verified ${item.sha256})`);
    });
};

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
