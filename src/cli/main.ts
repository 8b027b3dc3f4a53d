/**
 * main.ts — the `attest` program: global options, error handling and exit codes around the
 * commands listed in commands.ts. `run(args, io)` returns the exit code, so tests drive the CLI
 * without a process.
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import type { CommandEnv, Register } from './command.js';
import { CliExit, type CliIo, EXIT } from './io.js';

/**
 * ALONE lists commands that run without loading the rest of the program. Loading every domain
 * (commands.ts) costs several seconds of a start under tsx's module hooks — most of an
 * `attest backup` of a small deployment (bench/scale.ts) — and a backup or restore needs only the
 * store and the log. Any other command, `--help` and `--version` load the whole program.
 */
const ALONE: Readonly<Record<string, () => Promise<Register>>> = {
  backup: async () => (await import('./commands/backup.js')).registerBackup,
  restore: async () => (await import('./commands/backup.js')).registerBackup,
};

/**
 * commandOf is the command `args` name when it is one of ALONE: the first word after the global
 * options (`--data <dir>`, `--data=<dir>`), none when help or the version is asked for first.
 */
export function commandOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--data') i++;
    else if (a.startsWith('--data=')) continue;
    else if (a.startsWith('-')) return undefined;
    else return Object.hasOwn(ALONE, a) ? a : undefined;
  }
  return undefined;
}

/** registersFor loads what `args` need: one command of ALONE, or every command. */
async function registersFor(args: readonly string[]): Promise<readonly Register[]> {
  const alone = commandOf(args);
  if (alone) return [await ALONE[alone]!()];
  return (await import('./commands.js')).COMMANDS;
}

/** buildProgram assembles the command tree from `registers` (exported for --help tests). */
export function buildProgram(env: CommandEnv, registers: readonly Register[]): Command {
  const program = new Command('attest')
    .description(
      'Attest: evacuation monitoring and a tamper-evident evidence vault, from checkpoint to courtroom.',
    )
    .version(VERSION)
    .option('--data <dir>', 'data directory (default: $ATTEST_DATA or ./data)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => env.io.stdout.write(s),
      writeErr: (s) => env.io.stderr.write(s),
    });
  for (const register of registers) register(program, env);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** run parses `args` and runs the command; it returns the process exit code. */
export async function run(args: string[], io: CliIo, extra: readonly Register[] = []): Promise<number> {
  let code: number = EXIT.ok;
  const env: CommandEnv = {
    io,
    exit: (c) => {
      code = Math.max(code, c);
    },
  };
  const program = buildProgram(env, [
    ...(extra.length > 0 ? (await import('./commands.js')).COMMANDS : await registersFor(args)),
    ...extra,
  ]);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliExit) {
      if (err.message) io.stderr.write(`attest: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`attest: ${(err as Error).message ?? String(err)}\n`);
    return EXIT.failed;
  }
  return code;
}

/**
 * quietOnClosedPipe keeps a closed stdout or stderr (`attest show | head`) from crashing the
 * process with an unhandled EPIPE (issue 18.10): output that nobody reads is dropped and the
 * command finishes its work — an `add` still commits and signs what it added.
 */
export function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    throw err;
  });
}

/** main is what bin/attest.js calls with the real process. */
export async function main(args: string[]): Promise<number> {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  return run(args, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    isTTY: Boolean(process.stderr.isTTY),
  });
}
