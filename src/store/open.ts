/**
 * open.ts — opens a deployment's storage (records + blobs) as a Ctx for services.
 */
import type { Config } from '../config.js';
import type { Ctx } from '../ctx.js';
import type { LogKey } from '../lib/log-key.js';
import { openBlobStore } from './blob-location.js';
import { openDatabase } from './db.js';
import { claimLogKey, loadOrCreateLogKey, refuseMissingKey } from './keys.js';

export interface OpenStore {
  readonly ctx: Ctx;
  readonly location: string;
  close(): Promise<void>;
}

/**
 * openStore opens the database (running migrations) and the configured blob store (files under
 * dataDir by default, or ATTEST_BLOBS: src/store/blob-location.ts).
 */
export async function openStore(config: Config, clock: () => Date = () => new Date()): Promise<OpenStore> {
  const store = await openBlobStore(config);
  let handle: Awaited<ReturnType<typeof openDatabase>>;
  try {
    handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (err) {
    store.close();
    throw err;
  }
  let logKey: LogKey;
  try {
    // A log that has signed checkpoints must not silently get a new key (issue 18.4).
    await refuseMissingKey(handle.db, config.keysDir);
    logKey = loadOrCreateLogKey(config.keysDir, config.logOrigin);
    // One key per log, whatever the number of processes (issue 21.2).
    await claimLogKey(handle.db, logKey.verifierKey, config.keysDir, clock().toISOString());
  } catch (err) {
    await handle.close();
    store.close();
    throw err;
  }
  const ctx: Ctx = { db: handle.db, dialect: handle.dialect, blobs: store.blobs, config, clock, logKey };
  return {
    ctx,
    location: handle.location,
    close: async () => {
      await handle.close();
      store.close();
    },
  };
}
