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
import { type Entry, parsePayload } from './entry.js';
import { getEntry, type RawEntry, type StoredEntry } from './service.js';

/** A reader's reach: where it holds log:read ('all' for the deployment's auditors). */
export type LogReach = readonly string[] | 'all';

/** An entry as one reader may see it: whole, or reduced to its index and leaf hash. */
export type EntryForReader =
  | StoredEntry
  | { readonly seq: number; readonly leafHash: string; readonly redacted: true };

/** The subjects an entry names, whose compartments decide who may read it. */
interface Subjects {
  readonly item: string | undefined;
  readonly operation: string | undefined;
  readonly case: string | undefined;
  readonly rfa: string | undefined;
  /** A compartment named outright (`data.compartment`). */
  readonly named: string | undefined;
}

/**
 * subjectsOf names an entry's subjects — its item, its operation (observations), its case (a
 * case's entries: case-add, element-link, export…), its RFA (consent-override) and the
 * compartment it names in `data.compartment` (analysis records: an entity, incident, link or
 * claim has no item of its own).
 */
function subjectsOf(entry: Pick<Entry, 'itemId' | 'data'>): Subjects {
  const d = entry.data ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    item: entry.itemId,
    operation: str(d.operationId),
    case: str(d.case),
    rfa: str(d.rfa),
    named: str(d.compartment),
  };
}

/** Ids per query: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 1000;

/** compartmentsById looks up the compartment of each id, CHUNK ids per query. */
async function compartmentsById(
  ids: ReadonlySet<string>,
  lookup: (chunk: string[]) => Promise<{ id: string; compartment: string }[]>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const all = [...ids];
  for (let i = 0; i < all.length; i += CHUNK)
    for (const r of await lookup(all.slice(i, i + CHUNK))) out.set(r.id, r.compartment);
  return out;
}

/**
 * subjectCompartments returns, for each entry, the compartments of its subjects (an empty list
 * for none) or undefined when a subject is gone; one query per kind of subject for the whole
 * list. A reader must hold log:read in every one of them.
 */
async function subjectCompartments(
  ctx: Ctx,
  entries: readonly Pick<Entry, 'itemId' | 'data'>[],
): Promise<(string[] | undefined)[]> {
  const subjects = entries.map(subjectsOf);
  const ids = (k: 'item' | 'operation' | 'case' | 'rfa') =>
    new Set(subjects.flatMap((s) => (s[k] === undefined ? [] : [s[k]])));
  const items = await compartmentsById(ids('item'), (chunk) =>
    ctx.db.selectFrom('item').select(['id', 'compartment']).where('id', 'in', chunk).execute(),
  );
  const operations = await compartmentsById(ids('operation'), (chunk) =>
    ctx.db.selectFrom('operation').select(['id', 'compartment']).where('id', 'in', chunk).execute(),
  );
  // A case's entries and an RFA's are the case's: one about an item a reader may see, made in
  // a case they may not, is not theirs.
  const cases = await compartmentsById(ids('case'), (chunk) =>
    ctx.db.selectFrom('legal_case').select(['id', 'compartment']).where('id', 'in', chunk).execute(),
  );
  const rfas = await compartmentsById(ids('rfa'), (chunk) =>
    ctx.db
      .selectFrom('rfa')
      .innerJoin('legal_case', 'legal_case.id', 'rfa.case_id')
      .select(['rfa.id as id', 'legal_case.compartment as compartment'])
      .where('rfa.id', 'in', chunk)
      .execute(),
  );
  return subjects.map((s) => {
    const out: string[] = [];
    for (const [id, found] of [
      [s.item, items],
      [s.operation, operations],
      [s.case, cases],
      [s.rfa, rfas],
    ] as const) {
      if (id === undefined) continue;
      const c = found.get(id);
      if (c === undefined) return undefined;
      out.push(c);
    }
    if (s.named !== undefined) out.push(s.named);
    return out;
  });
}

/**
 * mayReadEntries tells, for each entry, whether a reader with `reach` may see its content: the
 * one rule for every door an entry leaves by (GET /api/log/entries/:index, an item's custody
 * timeline, an export package's custody-entries.jsonl), judged for a whole list at once.
 */
export async function mayReadEntries(
  ctx: Ctx,
  entries: readonly Pick<Entry, 'itemId' | 'data'>[],
  reach: LogReach,
): Promise<boolean[]> {
  if (reach === 'all') return entries.map(() => true);
  return (await subjectCompartments(ctx, entries)).map(
    (compartments) => compartments?.every((c) => reach.includes(c)) ?? false,
  );
}

/** mayReadEntry tells whether a reader with `reach` may see `entry`'s content. */
export async function mayReadEntry(
  ctx: Ctx,
  entry: Pick<Entry, 'itemId' | 'data'>,
  reach: LogReach,
): Promise<boolean> {
  return (await mayReadEntries(ctx, [entry], reach))[0]!;
}

/**
 * readableRawEntries keeps the stored entries (canonical JSON, as an export package carries
 * them) that a reader with `reach` may read in full, in their order; the others are left out
 * altogether. An entry that does not parse is left out too.
 */
export async function readableRawEntries(
  ctx: Ctx,
  raw: readonly RawEntry[],
  reach: LogReach,
): Promise<RawEntry[]> {
  if (reach === 'all') return [...raw];
  const parsed = raw.map((r) => {
    try {
      return parsePayload(r.payload);
    } catch {
      return undefined;
    }
  });
  const ok = await mayReadEntries(
    ctx,
    parsed.map((e) => e ?? {}),
    reach,
  );
  return raw.filter((_, i) => parsed[i] !== undefined && ok[i]);
}

/** entryForReader returns entry `seq` as a reader with `reach` may see it. */
export async function entryForReader(ctx: Ctx, seq: number, reach: LogReach): Promise<EntryForReader> {
  const entry = await getEntry(ctx, seq);
  if (await mayReadEntry(ctx, entry, reach)) return entry;
  return { seq: entry.seq, leafHash: entry.leafHash, redacted: true };
}
