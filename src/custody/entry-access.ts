/**
 * entry-access.ts — who may read a log entry's content (issue 12.5). The leaf hash and index of
 * every entry are for every `log:read` holder: that is what keeps the log verifiable by hash, and
 * a salted (version 2) leaf hash reveals nothing guessable (README, "What a leaf hash reveals").
 * The content — kind, actor, item, ERN, hashes — is for those who hold `log:read` in the
 * compartment of the entry's subject (the item's, or the operation's for an observation), and for
 * the deployment's auditors: holders of `log:read` in every compartment (`*`). An entry whose
 * subject is gone is shown only to them. Entries with no subject (key rotations) are for all.
 */
import type { Ctx } from '../ctx.js';
import { getEntry, type StoredEntry } from './service.js';

/** A reader's reach: where it holds log:read ('all' for the deployment's auditors). */
export type LogReach = readonly string[] | 'all';

/** An entry as one reader may see it: whole, or reduced to its index and leaf hash. */
export type EntryForReader =
  | StoredEntry
  | { readonly seq: number; readonly leafHash: string; readonly redacted: true };

/** subjectCompartment returns the compartment of the entry's subject, null for none, undefined if unknown. */
async function subjectCompartment(ctx: Ctx, entry: StoredEntry): Promise<string | null | undefined> {
  if (entry.itemId !== undefined) {
    const row = await ctx.db
      .selectFrom('item')
      .select('compartment')
      .where('id', '=', entry.itemId)
      .executeTakeFirst();
    return row?.compartment;
  }
  const operationId = entry.data?.operationId;
  if (typeof operationId === 'string') {
    const row = await ctx.db
      .selectFrom('operation')
      .select('compartment')
      .where('id', '=', operationId)
      .executeTakeFirst();
    return row?.compartment;
  }
  return null;
}

/** entryForReader returns entry `seq` as a reader with `reach` may see it. */
export async function entryForReader(ctx: Ctx, seq: number, reach: LogReach): Promise<EntryForReader> {
  const entry = await getEntry(ctx, seq);
  if (reach === 'all') return entry;
  const compartment = await subjectCompartment(ctx, entry);
  if (compartment === null || (compartment !== undefined && reach.includes(compartment))) return entry;
  return { seq: entry.seq, leafHash: entry.leafHash, redacted: true };
}
