/**
 * ctx.ts — what every service receives: the database, the blob store, the configuration and a
 * clock. Tests pass a fixed clock and a temp store; nothing reads globals behind the caller's back.
 */
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { LogKey } from './lib/log-key.js';
import type { BlobStore } from './store/blobs.js';
import type { DialectName } from './store/db.js';
import type { Database } from './store/schema.js';

export interface Ctx {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  readonly blobs: BlobStore;
  readonly config: Config;
  readonly clock: () => Date;
  /** The custody log's signing key (C2SP signed-note, Ed25519). */
  readonly logKey: LogKey;
}

/** nowIso returns the context's current time as UTC ISO 8601 (DESIGN.md rule 5). */
export function nowIso(ctx: Pick<Ctx, 'clock'>): string {
  return ctx.clock().toISOString();
}
