/**
 * open.ts — opens a deployment's storage (records + blobs) as a Ctx for services.
 */
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Ctx } from '../ctx.js';
import type { LogKey } from '../lib/log-key.js';
import { LocalBlobStore } from './blobs.js';
import { openDatabase } from './db.js';
import { loadOrCreateLogKey, refuseMissingKey } from './keys.js';

export interface OpenStore {
  readonly ctx: Ctx;
  readonly location: string;
  close(): Promise<void>;
}

/** openStore opens the database (running migrations) and the blob directory under dataDir. */
export async function openStore(config: Config, clock: () => Date = () => new Date()): Promise<OpenStore> {
  const blobs = new LocalBlobStore(join(config.dataDir, 'blobs'));
  await blobs.init();
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let logKey: LogKey;
  try {
    // A log that has signed checkpoints must not silently get a new key (issue 18.4).
    await refuseMissingKey(handle.db, config.dataDir);
    logKey = loadOrCreateLogKey(config.dataDir, config.logOrigin);
  } catch (err) {
    await handle.close();
    throw err;
  }
  const ctx: Ctx = { db: handle.db, dialect: handle.dialect, blobs, config, clock, logKey };
  return { ctx, location: handle.location, close: () => handle.close() };
}
