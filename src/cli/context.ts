/**
 * context.ts — opens the deployment a command works on, from --data and the environment.
 */
import { type Config, loadConfig } from '../config.js';
import type { Ctx } from '../ctx.js';
import { logSize, signCheckpoint } from '../custody/index.js';
import { openStore } from '../store/open.js';
import type { CliIo } from './io.js';

export interface GlobalOptions {
  readonly data?: string;
}

export function configFrom(io: CliIo, globals: GlobalOptions): Config {
  return loadConfig(globals.data ? { ...io.env, ATTEST_DATA: globals.data } : io.env);
}

/**
 * withStore runs `fn` with an open deployment and always closes it. A command that appended to
 * the custody log ends by signing a checkpoint, so the CLI never leaves the log's tail unsigned
 * (issue 18.7); a refusal to sign is printed loudly (the appends themselves are committed).
 */
export async function withStore<T>(
  io: CliIo,
  globals: GlobalOptions,
  fn: (ctx: Ctx, location: string) => Promise<T>,
): Promise<T> {
  const store = await openStore(configFrom(io, globals));
  try {
    const before = await logSize(store.ctx.db);
    try {
      return await fn(store.ctx, store.location);
    } finally {
      // Also when the command failed part-way: what it committed is signed.
      if ((await logSize(store.ctx.db)) > before) await signTail(store.ctx, io);
    }
  } finally {
    await store.close();
  }
}

async function signTail(ctx: Ctx, io: CliIo): Promise<void> {
  try {
    await signCheckpoint(ctx);
  } catch (err) {
    io.stderr.write(
      `attest: WARNING: the custody log grew but no checkpoint was signed: ${(err as Error).message}\n`,
    );
  }
}
