/**
 * entry-access.ts — who may read a log entry's content (issue 12.5). The leaf hash and index of
 * every entry are for every `log:read` holder: that is what keeps the log verifiable by hash, and
 * a salted (version 2) leaf hash reveals nothing guessable (README, "What a leaf hash reveals").
 * The content — kind, actor, item, ERN, hashes — is for those who hold `log:read` in the
 * compartment of the entry's subject (the item's, the operation's for an observation, the one an
 * analysis record names; all of them when there are several), and for the deployment's
 * auditors: holders of `log:read` in every compartment (`*`). An entry whose subject is gone is
 * shown only to them. Entries with no subject (key rotations) are for all.
 */
import type { Ctx } from '../ctx.js';
import { getEntry, type StoredEntry } from './service.js';

/** A reader's reach: where it holds log:read ('all' for the deployment's auditors). */
export type LogReach = readonly string[] | 'all';

/** An entry as one reader may see it: whole, or reduced to its index and leaf hash. */
export type EntryForReader =
  | StoredEntry
  | { readonly seq: number; readonly leafHash: string; readonly redacted: true };

/**
 * subjectCompartments returns the compartments of the entry's subjects — its item's, its
 * operation's (observations), and the one it names in `data.compartment` (analysis records:
 * an entity, incident, link or claim has no item of its own) — an empty list for none, or
 * undefined when a subject is gone. A reader must hold log:read in every one of them.
 */
async function subjectCompartments(ctx: Ctx, entry: StoredEntry): Promise<string[] | undefined> {
  const out: string[] = [];
  if (entry.itemId !== undefined) {
    const row = await ctx.db
      .selectFrom('item')
      .select('compartment')
      .where('id', '=', entry.itemId)
      .executeTakeFirst();
    if (!row) return undefined;
    out.push(row.compartment);
  }
  const operationId = entry.data?.operationId;
  if (typeof operationId === 'string') {
    const row = await ctx.db
      .selectFrom('operation')
      .select('compartment')
      .where('id', '=', operationId)
      .executeTakeFirst();
    if (!row) return undefined;
    out.push(row.compartment);
  }
  const named = entry.data?.compartment;
  if (typeof named === 'string') out.push(named);
  return out;
}

/** entryForReader returns entry `seq` as a reader with `reach` may see it. */
export async function entryForReader(ctx: Ctx, seq: number, reach: LogReach): Promise<EntryForReader> {
  const entry = await getEntry(ctx, seq);
  if (reach === 'all') return entry;
  const compartments = await subjectCompartments(ctx, entry);
  if (compartments?.every((c) => reach.includes(c))) return entry;
  return { seq: entry.seq, leafHash: entry.leafHash, redacted: true };
}
