/**
 * io.ts — what a CLI command may touch of its process: output streams, the environment, whether
 * a person is watching (TTY). `bin/attest.js` wires the real process; tests pass buffers.
 */
import type { Writable } from 'node:stream';

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  readonly isTTY: boolean;
}

/** CliExit ends a command with an exit code and an optional message for stderr. */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message = '',
  ) {
    super(message);
    this.name = 'CliExit';
  }
}

/** Exit codes: 0 all good; 1 some items or checks failed; 2 the command was used wrongly. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function println(stream: Writable, line = ''): void {
  stream.write(`${line}\n`);
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
