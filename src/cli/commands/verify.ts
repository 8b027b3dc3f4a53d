import type { Ctx } from '../../ctx.js';
import { visible } from '../../lib/display.js';
import type { Problem } from '../../vault/verify.js';
import { verifyVault } from '../../vault/verify.js';
import { withStore } from '../context.js';
import { EXIT, printJson, println } from '../io.js';
import type { Register } from '../main.js';

/** Checks `attest verify` runs, in order; later domains (the custody log) add theirs. */
export const VERIFY_CHECKS: { name: string; run: (ctx: Ctx) => Promise<Problem[]> }[] = [
  { name: 'vault', run: (ctx) => verifyVault(ctx) },
];

export const registerVerify: Register = (program, { io, exit }) => {
  program
    .command('verify')
    .description('re-hash every blob and check every record; exits non-zero and names each problem')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const problems = await withStore(io, program.opts(), async (ctx) => {
        const found: Problem[] = [];
        for (const check of VERIFY_CHECKS) found.push(...(await check.run(ctx)));
        return found;
      });
      if (opts.json) printJson(io, { ok: problems.length === 0, problems });
      else if (problems.length === 0) println(io.stdout, 'verify: all checks passed');
      else {
        for (const p of problems)
          println(io.stdout, `FAIL ${p.code} ${visible(p.subject)}: ${visible(p.message)}`);
        println(io.stderr, `verify: ${problems.length} problem(s)`);
      }
      if (problems.length) exit(EXIT.failed);
    });
};
