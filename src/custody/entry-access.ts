/**
 * entry-access.ts — who may read a log entry's content (issue 12.5). The leaf hash and index of
 * every entry are for every `log:read` holder: that is what keeps the log verifiable by hash, and
 * a salted (version 2) leaf hash reveals nothing guessable (README, "What a leaf hash reveals").
 * The content — kind, actor, item, ERN, hashes — is for those who hold `log:read` in the
 * compartment of the entry's subject (the item's, the operation's for an observation, the one an
 * analysis record names, the case's for a case's entry or an RFA's; all of them when there are
 * several), and for the deployment's
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
  // A case's entries (case-add, element-link, export…) and an RFA's (consent-override) are the
  // case's: one about an item a reader may see, made in a case they may not, is not theirs.
  const caseId = entry.data?.case;
  if (typeof caseId === 'string') {
    const row = await ctx.db
      .selectFrom('legal_case')
      .select('compartment')
      .where('id', '=', caseId)
      .executeTakeFirst();
    if (!row) return undefined;
    out.push(row.compartment);
  }
  const rfaId = entry.data?.rfa;
  if (typeof rfaId === 'string') {
    const row = await ctx.db
      .selectFrom('rfa')
      .innerJoin('legal_case', 'legal_case.id', 'rfa.case_id')
      .select('legal_case.compartment')
      .where('rfa.id', '=', rfaId)
      .executeTakeFirst();
    if (!row) return undefined;
    out.push(row.compartment);
  }
  const named = entry.data?.compartment;
  if (typeof named === 'string') out.push(named);
  return out;
}

/** mayReadEntry tells whether a reader with `reach` may see `entry`'s content. */
export async function mayReadEntry(ctx: Ctx, entry: StoredEntry, reach: LogReach): Promise<boolean> {
  if (reach === 'all') return true;
  const compartments = await subjectCompartments(ctx, entry);
  return compartments?.every((c) => reach.includes(c)) ?? false;
}

/** entryForReader returns entry `seq` as a reader with `reach` may see it. */
export async function entryForReader(ctx: Ctx, seq: number, reach: LogReach): Promise<EntryForReader> {
  const entry = await getEntry(ctx, seq);
  if (await mayReadEntry(ctx, entry, reach)) return entry;
  return { seq: entry.seq, leafHash: entry.leafHash, redacted: true };
}
