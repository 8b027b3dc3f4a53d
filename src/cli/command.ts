/**
 * command.ts — what a command module exports: a `Register` that adds its commands to the program.
 * Domains write their commands in `src/<domain>/cli.ts` (or `cli/`) against this type and the
 * helpers in io.ts and context.ts; src/cli/commands.ts lists them all, once.
 */
import type { Command } from 'commander';
import type { CliIo } from './io.js';

export interface CommandEnv {
  readonly io: CliIo;
  /** Records the exit code a command ends with (the highest one wins). */
  exit(code: number): void;
}

/** Register adds one command (or a group) to `program`; commands print through `env.io`. */
export type Register = (program: Command, env: CommandEnv) => void;
