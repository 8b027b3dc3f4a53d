import type { Register } from '../command.js';
import { withStore } from '../context.js';
import { CliExit, EXIT, printJson, println } from '../io.js';

export const registerInit: Register = (program, { io }) => {
  program
    .command('init')
    .description('create the data directory and database (runs migrations) and say where they are')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const globals = program.opts();
      const report = await withStore(io, globals, async (ctx, location) => {
        const items = await ctx.db
          .selectFrom('item')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        return {
          dataDir: ctx.config.dataDir,
          database: location,
          dialect: ctx.dialect,
          items: Number(items.n),
          logKey: ctx.logKey.verifierKey,
        };
      }).catch((err: Error) => {
        throw new CliExit(EXIT.failed, `cannot initialise: ${err.message}`);
      });
      if (opts.json) return printJson(io, report);
      println(io.stdout, `Attest data directory: ${report.dataDir}`);
      println(io.stdout, `Database (${report.dialect}): ${report.database}`);
      println(io.stdout, `Items held: ${report.items}`);
      println(io.stdout, `Custody log verifier key (publish it): ${report.logKey}`);
    });
};
