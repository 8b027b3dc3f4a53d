/**
 * log.ts — `attest log …`: the custody log's head, checkpoints, entries and proofs, and the
 * self-contained proof bundle documented in the README.
 */
import type { Command } from 'commander';
import type { CommandEnv, Register } from '../../cli/command.js';
import { withStore } from '../../cli/context.js';
import { CliExit, type CliIo, EXIT, printJson, println } from '../../cli/io.js';
import type { Ctx } from '../../ctx.js';
import { logSize } from '../repo.js';
import {
  type ConsistencyProof,
  checkpointAt,
  getEntry,
  type InclusionProof,
  itemEntries,
  latestCheckpoint,
  proveConsistency,
  proveInclusion,
  signCheckpoint,
} from '../service.js';
import { cosignedNote } from '../witness/service.js';
import { addTrustCommands } from './trust.js';

function sizeArg(name: string, raw: string): number {
  if (!/^[0-9]{1,15}$/.test(raw)) throw new CliExit(EXIT.usage, `${name} must be a whole number`);
  return Number(raw);
}

/**
 * ItemLookup finds the item an ERN names (the vault's getItem). The log knows items only by id;
 * the command registry (src/cli/commands.ts) passes the lookup in, so custody never imports the
 * vault, which itself appends to the log.
 */
export type ItemLookup = (ctx: Ctx, ern: string) => Promise<{ readonly id: string }>;

/** logCommands returns the `attest log` group; `getItem` resolves the ERNs of `log item` and `--item`. */
export function logCommands(getItem: ItemLookup): Register {
  return (program, env) => registerLog(program, env, getItem);
}

function registerLog(program: Command, { io }: CommandEnv, getItem: ItemLookup): void {
  const log = program
    .command('log')
    .description('the tamper-evident custody log: checkpoints, entries, proofs');
  const open = <T>(fn: (ctx: Ctx) => Promise<T>) => withStore(io, program.opts(), fn);
  const out = (json: boolean | undefined, value: unknown, text: () => string) =>
    json ? printJson(io, value) : println(io.stdout, text());

  log
    .command('head')
    .description('size of the log, the latest checkpoint and the public verifier key')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const head = await open(async (ctx) => ({
        size: await logSize(ctx.db),
        key: ctx.logKey.verifierKey,
        checkpoint: (await latestCheckpoint(ctx)) ?? null,
      }));
      out(opts.json, head, () =>
        [
          `entries:    ${head.size}`,
          `key:        ${head.key}`,
          head.checkpoint
            ? `checkpoint: size ${head.checkpoint.size}, root ${head.checkpoint.root}`
            : 'checkpoint: none yet',
        ].join('\n'),
      );
    });

  log
    .command('checkpoint')
    .description('sign a checkpoint now (if the log grew) and print it as a signed note')
    .option('--size <n>', 'print the stored checkpoint of this size instead')
    .option('--json', 'machine-readable output')
    .action(async (opts: { size?: string; json?: boolean }) => {
      const cp = await open(async (ctx) => {
        const signed = opts.size
          ? await checkpointAt(ctx, sizeArg('--size', opts.size))
          : await signCheckpoint(ctx);
        // With the witnesses' cosignatures stored for it (C2SP tlog-cosignature).
        return signed && { ...signed, signedNote: await cosignedNote(ctx, signed) };
      });
      if (!cp) throw new CliExit(EXIT.failed, 'the log is empty: nothing to checkpoint');
      out(opts.json, cp, () => cp.signedNote.trimEnd());
    });

  log
    .command('entry')
    .description('show log entry SEQ (0-based) and its leaf hash')
    .argument('<seq>', 'entry number')
    .option('--json', 'machine-readable output')
    .action(async (seq: string, opts: { json?: boolean }) => {
      const entry = await open((ctx) => getEntry(ctx, sizeArg('SEQ', seq)));
      out(opts.json, entry, () => JSON.stringify(entry, null, 2));
    });

  log
    .command('prove')
    .description("inclusion proof of each of an item's entries to the latest checkpoint")
    .argument('<ern>', 'evidence reference number')
    .option('--json', 'machine-readable output')
    .action(async (ern: string, opts: { json?: boolean }) => {
      const bundle = await open(async (ctx) => {
        const item = await getItem(ctx, ern);
        const cp = await signCheckpoint(ctx);
        if (!cp) throw new CliExit(EXIT.failed, 'the log is empty');
        const entries = (await itemEntries(ctx, item.id)).filter((e) => e.seq < cp.size);
        const inclusion = await Promise.all(entries.map((e) => proveInclusion(ctx, e.seq, cp.size)));
        return { checkpoint: cp.signedNote, key: ctx.logKey.verifierKey, entries, inclusion };
      });
      out(opts.json, bundle, () =>
        bundle.inclusion
          .map(
            (p, i) =>
              `entry ${p.index} (${bundle.entries[i]!.kind}) in tree of ${p.size}: ${p.proof.length} hashes\n  ${p.proof.join('\n  ')}`,
          )
          .join('\n'),
      );
    });

  log
    .command('consistency')
    .description('consistency proof between tree sizes OLD and NEW')
    .argument('<old>', 'older tree size')
    .argument('<new>', 'newer tree size')
    .option('--json', 'machine-readable output')
    .action(async (oldRaw: string, newRaw: string, opts: { json?: boolean }) => {
      const proof = await open((ctx) =>
        proveConsistency(ctx, sizeArg('OLD', oldRaw), sizeArg('NEW', newRaw)),
      );
      out(opts.json, proof, () =>
        [
          `${proof.old} → ${proof.new}`,
          `old root ${proof.oldRoot}`,
          `new root ${proof.newRoot}`,
          ...proof.proof,
        ].join('\n'),
      );
    });

  addProofsCommand(log, io, open, getItem);
  addTrustCommands(log, io, open);
}

/**
 * `attest log proofs --json`: a self-contained bundle — the latest signed checkpoint, the
 * verifier key, inclusion proofs of the chosen entries and consistency proofs from each earlier
 * checkpoint — that anyone can check offline (format in the README).
 */
function addProofsCommand(
  log: Command,
  io: CliIo,
  open: <T>(fn: (ctx: Ctx) => Promise<T>) => Promise<T>,
  getItem: ItemLookup,
): void {
  log
    .command('proofs')
    .description('print a self-contained proof bundle (checkpoint, key, inclusion and consistency proofs)')
    .option('--item <ern...>', 'inclusion proofs for these items (default: the last 10 entries)')
    .option('--json', 'JSON output (the only format)')
    .action(async (opts: { item?: string[] }) => {
      const bundle = await open(async (ctx) => {
        const cp = await signCheckpoint(ctx);
        if (!cp) throw new CliExit(EXIT.failed, 'the log is empty');
        let seqs: number[] = [];
        if (opts.item) {
          for (const ern of opts.item) {
            const item = await getItem(ctx, ern);
            seqs.push(...(await itemEntries(ctx, item.id)).map((e) => e.seq).filter((s) => s < cp.size));
          }
        } else {
          seqs = Array.from({ length: Math.min(10, cp.size) }, (_, i) => cp.size - 1 - i).reverse();
        }
        const inclusion: InclusionProof[] = [];
        for (const s of seqs) inclusion.push(await proveInclusion(ctx, s, cp.size));
        const earlier = await ctx.db
          .selectFrom('checkpoint')
          .select('size')
          .where('size', '<', cp.size)
          .orderBy('size')
          .execute();
        const consistency: ConsistencyProof[] = [];
        for (const e of earlier) consistency.push(await proveConsistency(ctx, Number(e.size), cp.size));
        // With the witnesses' cosignatures stored for it (none yet when just signed).
        return {
          checkpoint: await cosignedNote(ctx, cp),
          key: ctx.logKey.verifierKey,
          inclusion,
          consistency,
        };
      });
      printJson(io, bundle);
    });
}
