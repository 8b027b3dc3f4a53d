/**
 * verify.ts — `attest verify`: the checks other domains contribute (the vault re-hashes its
 * bytes), then the custody log's own (src/custody/verify.ts), all on one snapshot of the
 * database (verify-run.ts). The registry passes the others in, so the log does not import the
 * domains that write to it.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CommandEnv, Register } from '../../cli/command.js';
import { withStore } from '../../cli/context.js';
import { EXIT, printJson, println } from '../../cli/io.js';
import { visible } from '../../lib/display.js';
import { type ItemLogCheck, type VerifyOptions, verifyCustody } from '../verify.js';
import { verifyWitnessed, type WitnessedReport } from '../witness/verify.js';
import { printWitnessed, readKeyArg, readWitnessArgs } from './trust.js';
import { runVerifyChecks, type VerifyCheck } from './verify-run.js';

interface VerifyFlags {
  json?: boolean;
  checkpoint?: string[];
  key?: string;
  witness?: string[];
  quorum?: string;
}

export type { VerifyCheck } from './verify-run.js';

/**
 * verifyCommand returns `attest verify`, running `checks` in order and then the custody log's,
 * which runs `itemCheck` (the items' records against their entries) as it reads the log.
 */
export function verifyCommand(checks: readonly VerifyCheck[], itemCheck?: ItemLogCheck): Register {
  return (program, env) => registerVerify(program, env, checks, itemCheck);
}

/** verifyChecks lists every check of `attest verify`: `checks`, then the custody log's. */
export function verifyChecks(checks: readonly VerifyCheck[], itemCheck?: ItemLogCheck): VerifyCheck[] {
  return [
    ...checks,
    {
      name: 'custody',
      run: (ctx, published, options) =>
        verifyCustody(ctx, published, itemCheck ? { ...options, itemCheck } : options),
    },
  ];
}

function registerVerify(
  program: Command,
  { io, exit }: CommandEnv,
  checks: readonly VerifyCheck[],
  itemCheck: ItemLogCheck | undefined,
): void {
  const all = verifyChecks(checks, itemCheck);
  program
    .command('verify')
    .description('re-hash every blob and check every record; exits non-zero and names each problem')
    .option(
      '--checkpoint <file...>',
      'also check the log against checkpoints published earlier (signed notes)',
    )
    .option(
      '--key <vkey-or-file>',
      "check checkpoints against this verifier key (yours, pinned) instead of the data directory's",
    )
    .option('--witness <vkey-or-file...>', 'require cosignatures by these witnesses (cosignature/v1 keys)')
    .option('--quorum <n>', 'how many of the --witness keys must cosign a checkpoint (default: all)')
    .option('--json', 'machine-readable output')
    .action(async (opts: VerifyFlags) => {
      const published = await Promise.all((opts.checkpoint ?? []).map((f) => readFile(f, 'utf8')));
      const options: VerifyOptions = opts.key === undefined ? {} : { pinnedKey: await readKeyArg(opts.key) };
      const policy = await readWitnessArgs(opts.witness, opts.quorum);
      let witnessed: WitnessedReport | undefined;
      // The witnesses' cosignatures are checked in the same snapshot as the log.
      const witnessCheck: VerifyCheck = {
        name: 'witnesses',
        run: async (ctx) => {
          const w = await verifyWitnessed(ctx, policy!);
          witnessed = w.report;
          return w.problems;
        },
      };
      // One snapshot of the database for every check (verify-run.ts): a live server's appends
      // while verify runs are not alarms.
      const problems = await withStore(io, program.opts(), (ctx) =>
        runVerifyChecks(ctx, policy ? [...all, witnessCheck] : all, published, options),
      );
      if (witnessed && !opts.json) printWitnessed(io, witnessed);
      if (opts.json) printJson(io, { ok: problems.length === 0, problems, witnessed });
      else if (problems.length === 0) println(io.stdout, 'verify: all checks passed');
      else {
        for (const p of problems)
          println(io.stdout, `FAIL ${p.code} ${visible(p.subject)}: ${visible(p.message)}`);
        println(io.stderr, `verify: ${problems.length} problem(s)`);
      }
      if (problems.length) exit(EXIT.failed);
    });
}
