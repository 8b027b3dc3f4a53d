import { readFile } from 'node:fs/promises';
import type { Ctx } from '../../ctx.js';
import { verifyCustody } from '../../custody/verify.js';
import { visible } from '../../lib/display.js';
import type { Problem } from '../../vault/verify.js';
import { verifyVault } from '../../vault/verify.js';
import { withStore } from '../context.js';
import { EXIT, printJson, println } from '../io.js';
import type { Register } from '../main.js';

/** Checks `attest verify` runs, in order: the vault's bytes, then the custody log. */
export const VERIFY_CHECKS: { name: string; run: (ctx: Ctx, published: string[]) => Promise<Problem[]> }[] = [
  { name: 'vault', run: (ctx) => verifyVault(ctx) },
  { name: 'custody', run: (ctx, published) => verifyCustody(ctx, published) },
];

export const registerVerify: Register = (program, { io, exit }) => {
  program
    .command('verify')
    .description('re-hash every blob and check every record; exits non-zero and names each problem')
    .option(
      '--checkpoint <file...>',
      'also check the log against checkpoints published earlier (signed notes)',
    )
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean; checkpoint?: string[] }) => {
      const published = await Promise.all((opts.checkpoint ?? []).map((f) => readFile(f, 'utf8')));
      const problems = await withStore(io, program.opts(), async (ctx) => {
        const found: Problem[] = [];
        for (const check of VERIFY_CHECKS) found.push(...(await check.run(ctx, published)));
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
