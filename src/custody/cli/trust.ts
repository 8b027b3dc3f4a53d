/**
 * trust.ts — `attest log rotate-key | trust-state | publish | verify-bundle`: the commands
 * that move trust outside the database (issues 18.2, 18.4, 18.5, 18.6).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CliExit, type CliIo, EXIT, printJson, println } from '../../cli/io.js';
import type { Ctx } from '../../ctx.js';
import type { Cosigned } from '../../lib/cosignature.js';
import { parseVerifierKey } from '../../lib/note.js';
import { verifyBundle, verifySavedCheckpoint } from '../bundle.js';
import { rotateKey } from '../key-rotation.js';
import { publishCheckpoints } from '../publish.js';
import { latestCheckpointRow } from '../repo.js';
import { readSignerState, statePath, writeSignerState } from '../signer-state.js';
import { verifyCustody } from '../verify.js';
import { witnessLatest } from '../witness/service.js';
import { type WitnessedReport, type WitnessPolicy, witnessPolicy } from '../witness/verify.js';

type Open = <T>(fn: (ctx: Ctx) => Promise<T>) => Promise<T>;

/** readKeyArg accepts a verifier key string, or the path of a file holding one. */
export async function readKeyArg(arg: string): Promise<string> {
  let text = arg.trim();
  if (!/^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/.test(text)) {
    try {
      text = (await readFile(arg, 'utf8')).trim();
    } catch {
      throw new CliExit(EXIT.usage, `--key: ${arg} is neither a verifier key nor a readable file`);
    }
  }
  try {
    return parseVerifierKey(text).verifierKey;
  } catch {
    throw new CliExit(
      EXIT.usage,
      '--key: not a verifier key (name+keyhash+base64, as `attest log head` prints)',
    );
  }
}

/**
 * readWitnessArgs turns `--witness <vkey-or-file>` (repeatable) and `--quorum N` into the policy
 * a verifier checks cosignatures against; undefined when no witness is named.
 */
export async function readWitnessArgs(
  witness: readonly string[] | undefined,
  quorum: string | undefined,
): Promise<WitnessPolicy | undefined> {
  if (!witness || witness.length === 0) {
    if (quorum !== undefined) throw new CliExit(EXIT.usage, '--quorum needs at least one --witness');
    return undefined;
  }
  const keys: string[] = [];
  for (const arg of witness) {
    let text = arg.trim();
    if (!/^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/.test(text)) {
      try {
        text = (await readFile(arg, 'utf8')).trim();
      } catch {
        throw new CliExit(EXIT.usage, `--witness: ${arg} is neither a witness key nor a readable file`);
      }
    }
    keys.push(text);
  }
  if (quorum !== undefined && !/^[0-9]{1,6}$/.test(quorum))
    throw new CliExit(EXIT.usage, `--quorum must be a whole number, got "${quorum}"`);
  try {
    return witnessPolicy(keys, quorum === undefined ? undefined : Number(quorum));
  } catch (err) {
    throw new CliExit(EXIT.usage, `--witness/--quorum: ${(err as Error).message}`);
  }
}

/** describeCosigned prints "name (time)" for each cosignature. */
export function describeCosigned(cosigned: readonly Cosigned[]): string {
  return cosigned.map((c) => `${c.name} (${new Date(c.timestamp * 1000).toISOString()})`).join(', ');
}

/** printWitnessed prints which checkpoint a quorum of the given witnesses cosigned, and by whom. */
export function printWitnessed(io: CliIo, w: WitnessedReport): void {
  if (!w.checkpoint) return;
  println(
    io.stdout,
    `witnessed: checkpoint #${w.checkpoint.number} (${w.checkpoint.size} entries) cosigned by ` +
      `${describeCosigned(w.checkpoint.cosigned)}; quorum ${w.quorum} met; ${w.unwitnessed} entries after it not yet witnessed`,
  );
}

export function addTrustCommands(log: Command, io: CliIo, open: Open): void {
  log
    .command('rotate-key')
    .description('make a new log signing key, announced by an entry the old key signs')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const r = await open((ctx) => rotateKey(ctx, 'cli'));
      if (opts.json) return printJson(io, r);
      println(io.stdout, `old key: ${r.oldKey}`);
      println(io.stdout, `new key: ${r.newKey}`);
      println(io.stdout, `announced in checkpoint ${r.checkpoint.size}, signed by both keys.`);
      println(
        io.stdout,
        'Publish the new key where verifiers find it; restart running servers to sign with it.',
      );
    });

  log
    .command('trust-state')
    .description("adopt the latest checkpoint as the signer's memory, when its state file was lost")
    .action(async () => {
      const adopted = await open(async (ctx) => {
        if (readSignerState(ctx.config.keysDir)) {
          throw new CliExit(EXIT.usage, `${statePath(ctx.config.keysDir)} exists; nothing to adopt`);
        }
        const problems = (await verifyCustody(ctx)).filter((p) => p.code !== 'signer-state-missing');
        if (problems.length) {
          throw new CliExit(
            EXIT.failed,
            `the log does not verify (${problems[0]!.code} ${problems[0]!.subject}…): run \`attest verify\`; nothing adopted`,
          );
        }
        const row = await latestCheckpointRow(ctx.db);
        if (!row) throw new CliExit(EXIT.failed, 'no checkpoint to adopt');
        writeSignerState(ctx.config.keysDir, {
          origin: ctx.logKey.origin,
          number: Number(row.number),
          size: Number(row.size),
          root: row.root,
          signedNote: row.signed_note,
          at: row.at,
        });
        return row;
      });
      println(
        io.stdout,
        `adopted checkpoint #${adopted.number} (size ${adopted.size}). Compare it with a copy published earlier.`,
      );
    });

  log
    .command('publish')
    .description(
      'write every new checkpoint to a directory (DIR/checkpoints/<size>, DIR/checkpoint) or POST it to a URL; with witnesses configured, cosigned by them',
    )
    .requiredOption('--to <dir-or-url>', 'a directory, or an http(s) URL')
    .option('--wait <seconds>', "how long to wait for the witnesses' quorum (default 30)")
    .option('--json', 'machine-readable output')
    .action(async (opts: { to: string; wait?: string; json?: boolean }) => {
      if (opts.wait !== undefined && !/^[0-9]{1,4}$/.test(opts.wait))
        throw new CliExit(EXIT.usage, '--wait must be a whole number of seconds (at most 9999)');
      const waitMs = opts.wait === undefined ? undefined : Number(opts.wait) * 1000;
      const r = await open((ctx) => publishCheckpoints(ctx, opts.to, waitMs === undefined ? {} : { waitMs }));
      const short = r.witnesses !== null && !r.witnesses.quorumMet;
      if (opts.json) printJson(io, r);
      else {
        println(
          io.stdout,
          r.published.length ? `published sizes ${r.published.join(', ')}` : 'nothing new to publish',
        );
        if (r.updated.length)
          println(
            io.stdout,
            `written again with the cosignatures that arrived since: ${r.updated.join(', ')}`,
          );
        if (r.witnesses)
          println(
            io.stdout,
            `the latest checkpoint is cosigned by ${r.witnesses.cosignedBy} of ${r.witnesses.configured} witnesses (quorum ${r.witnesses.quorum})`,
          );
        if (r.skipped.length) {
          println(io.stderr, `not published (not signed by the current key): ${r.skipped.join(', ')}`);
        }
      }
      // Published, but not as a verifier who requires the quorum will accept it: say so, and
      // fail the command, so a scheduled publish is noticed; running it again adds them.
      if (short)
        throw new CliExit(
          EXIT.failed,
          `the witnesses' quorum was not met in time (${r.witnesses?.cosignedBy} of ${r.witnesses?.quorum}): published without it; run attest log publish again to add the cosignatures when they arrive (attest log witness shows why)`,
        );
    });

  log
    .command('verify-bundle')
    .description('check a proof bundle (attest log proofs --json) offline, against a pinned key')
    .argument('<file>', 'the bundle (JSON)')
    .option('--key <vkey-or-file>', "the log's verifier key you trust (default: the key in the bundle)")
    .option('--witness <vkey-or-file...>', 'require cosignatures by these witnesses (cosignature/v1 keys)')
    .option('--quorum <n>', 'how many of the --witness keys must cosign (default: all)')
    .option('--json', 'machine-readable output')
    .action(
      async (file: string, opts: { key?: string; json?: boolean; witness?: string[]; quorum?: string }) => {
        let parsed: unknown;
        try {
          const text = await readFile(file, 'utf8');
          if (text.length > 256 * 1024 * 1024) throw new Error('too large');
          parsed = JSON.parse(text);
        } catch (err) {
          throw new CliExit(EXIT.usage, `${file}: not readable JSON (${(err as Error).message})`);
        }
        const key = opts.key === undefined ? undefined : await readKeyArg(opts.key);
        const r = verifyBundle(parsed, key, await readWitnessArgs(opts.witness, opts.quorum));
        if (opts.json) printJson(io, r);
        else {
          for (const p of r.problems) println(io.stdout, `FAIL ${p}`);
          if (r.ok) {
            println(
              io.stdout,
              `bundle OK: checkpoint of ${r.size} entries, ${r.checked.inclusion} inclusion and ${r.checked.consistency} consistency proofs`,
            );
            if (r.witnesses)
              println(
                io.stdout,
                `cosigned by ${describeCosigned(r.witnesses.cosigned)} (quorum ${r.witnesses.quorum})`,
              );
          }
          if (!r.pinned)
            println(
              io.stderr,
              'note: checked against the key inside the bundle; pass --key to pin the one you trust',
            );
        }
        if (!r.ok) throw new CliExit(EXIT.failed);
      },
    );

  log
    .command('witness')
    .description('ask the configured witnesses (ATTEST_WITNESSES) to cosign the latest checkpoint now')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const outcomes = await open((ctx) => {
        if (ctx.config.witnesses.witnesses.length === 0)
          throw new CliExit(EXIT.usage, 'no witnesses are configured (ATTEST_WITNESSES)');
        return witnessLatest(ctx, { force: true });
      });
      if (opts.json) printJson(io, outcomes);
      else
        for (const o of outcomes)
          println(
            io.stdout,
            `${o.name}: ${o.outcome}${o.size === undefined ? '' : ` (${o.size} entries)`}${o.error ? ` — ${o.error.code}: ${o.error.message}` : ''}`,
          );
      if (outcomes.some((o) => o.outcome === 'failed')) throw new CliExit(EXIT.failed);
    });

  log
    .command('verify-checkpoint')
    .description(
      "check a saved checkpoint (GET /api/log/checkpoint) offline: the log's signature and witnesses' cosignatures",
    )
    .argument('<file>', 'the signed note, as served or saved (CRLF and a final newline are tolerated)')
    .requiredOption('--key <vkey-or-file>', "the log's verifier key you trust")
    .option('--witness <vkey-or-file...>', 'witnesses whose cosignatures to check (cosignature/v1 keys)')
    .option('--quorum <n>', 'how many of the --witness keys must cosign (default: all)')
    .option('--json', 'machine-readable output')
    .action(
      async (file: string, opts: { key: string; json?: boolean; witness?: string[]; quorum?: string }) => {
        const key = await readKeyArg(opts.key);
        const policy = await readWitnessArgs(opts.witness, opts.quorum);
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (err) {
          throw new CliExit(
            EXIT.usage,
            `${file}: not readable (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
          );
        }
        const r = verifySavedCheckpoint(text, key, policy);
        if (opts.json) printJson(io, r);
        else {
          for (const p of r.problems) println(io.stdout, `FAIL ${p}`);
          if (r.checkpoint)
            println(
              io.stdout,
              `checkpoint: ${r.checkpoint.origin}, ${r.checkpoint.size} entries, root ${r.checkpoint.root}`,
            );
          if (r.witnesses)
            println(
              io.stdout,
              `cosigned by ${r.witnesses.cosigned.length ? describeCosigned(r.witnesses.cosigned) : 'none of the witnesses given'} (quorum ${r.witnesses.quorum}${r.witnesses.met ? ' met' : ' NOT met'})`,
            );
          if (r.ok) println(io.stdout, 'checkpoint OK');
        }
        if (!r.ok) throw new CliExit(EXIT.failed);
      },
    );
}
