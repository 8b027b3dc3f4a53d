/**
 * context.ts — opens the deployment a command works on, from --data and the environment.
 */
import { type Config, loadConfig } from '../config.js';
import type { Ctx } from '../ctx.js';
import { openStore } from '../store/open.js';
import type { CliIo } from './io.js';

export interface GlobalOptions {
  readonly data?: string;
}

export function configFrom(io: CliIo, globals: GlobalOptions): Config {
  return loadConfig(globals.data ? { ...io.env, ATTEST_DATA: globals.data } : io.env);
}

/** withStore runs `fn` with an open deployment and always closes it. */
export async function withStore<T>(
  io: CliIo,
  globals: GlobalOptions,
  fn: (ctx: Ctx, location: string) => Promise<T>,
): Promise<T> {
  const store = await openStore(configFrom(io, globals));
  try {
    return await fn(store.ctx, store.location);
  } finally {
    await store.close();
  }
}
