/**
 * entity-terms.ts — the names of the entities (src/analysis) linked to an item, as index terms
 * of the item's document, so a search for a person, unit or vehicle finds the evidence linked
 * to them, in any spelling or script the names are written in — and only for a caller who may
 * see that link (DESIGN rules 4 and 7).
 *
 * A name does not go into the index as a plain word: who may match it depends on where the
 * link, its other end, its basis item and the entity live, and on the person's protection. So
 * each name term carries a *scope key*: the SHA-256 (first 12 hex digits) of the sorted set of
 * conditions a caller must hold for the term to match, each `c:<compartment>` (analysis:read
 * and items:read there: the link is visible) or `r:<compartment>` (persons:reveal there). The
 * keys and their conditions are kept in search_entity_scope; at query time the service keeps
 * the keys whose conditions the caller holds, and a query word is also looked for under each
 * of those keys. A caller who may not see a link never has its key, so the name cannot find,
 * count or facet the item for them.
 *
 * What each link contributes (the link's own compartment is always a condition; an end or a
 * basis that is another item, an incident or an unprotected entity adds its compartment,
 * exactly the parts `seeLink` in src/analysis/links.ts requires to be visible):
 *   - an entity with protection `none`: its name, Arabic name and other names, with its own
 *     compartment as a condition (outside it the entity does not exist);
 *   - `pseudonymised`: the names as above, and the pseudonym without the entity's compartment
 *     (a link shows the pseudonym to anyone who may see the link);
 *   - `protected`: the pseudonym as above, and the names only with `r:<its compartment>` too —
 *     a caller without persons:reveal there cannot confirm a guessed real name by searching.
 *
 * Spellings: each name word is indexed as its analysed term (Arabic normalisation, stemming:
 * `w`), Latin words also as their transliteration fold (src/lib/translit.ts foldLatin: `t`,
 * "Mohammed" = "Muhammad" = "Mohamad") and every word as its consonant skeleton for the other
 * script (`a` for Arabic-script words, `l` for Latin ones: "محمد" meets "Mohammed"). The
 * skeleton is the weakest key (as in the gazetteer): across scripts it may also meet a name
 * with the same consonants.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { isArabicWord } from '../lib/arabic.js';
import { termOf, tokenize } from '../lib/search-tokens.js';
import { foldLatin, skeleton } from '../lib/translit.js';
import type { Database } from '../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A caller's analysis reach: where they read analysis records, and where persons:reveal. */
export interface EntityReach {
  readonly read: readonly string[] | 'all';
  readonly reveal: readonly string[] | 'all';
}

/** Separates names in the index, so a phrase never runs from one name into the next. */
export const NAME_SEPARATOR = '_';
/** Above this many scope keys for one caller, the first ones (by key) are used. */
export const MAX_SCOPES_PER_QUERY = 16;
/** At most this many links of one item are read for its names. */
const MAX_LINKS = 2000;

export function scopeKey(conditions: readonly string[]): string {
  const sorted = [...new Set(conditions)].sort();
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 12);
}

/** The four spellings of a name word under a key: analysed, Latin fold, and the skeletons. */
export type Spelling = 'w' | 't' | 'a' | 'l';

export const entityTerm = (key: string, spelling: Spelling, value: string): string =>
  `_e${key}${spelling}${value}`;

/** nameWords are the index spellings of one name, word by word (stop words dropped). */
export function nameWords(
  name: string,
): Array<{ w: string; fold?: string; skel?: { s: 'a' | 'l'; v: string } }> {
  const out: Array<{ w: string; fold?: string; skel?: { s: 'a' | 'l'; v: string } }> = [];
  for (const t of tokenize(name)) {
    const w = termOf(t.text);
    if (!w) continue;
    const arabic = isArabicWord(t.text);
    const fold = arabic ? '' : foldLatin(t.text).replace(/\s+/g, '');
    const skel = skeleton(t.text);
    out.push({
      w,
      ...(fold && /^[a-z0-9]+$/.test(fold) ? { fold } : {}),
      ...(skel.length >= 2 && /^[a-z0-9]+$/.test(skel) ? { skel: { s: arabic ? 'a' : 'l', v: skel } } : {}),
    });
  }
  return out;
}

/** The terms of one name under one key, in order, each word's spellings side by side. */
function nameTerms(key: string, name: string): string[] {
  const words = nameWords(name);
  if (words.length === 0) return [];
  // Spellings go in parallel runs, so a phrase of several words matches in any one spelling.
  const runs: string[][] = [
    words.map((x) => entityTerm(key, 'w', x.w)),
    ...(words.every((x) => x.fold) ? [words.map((x) => entityTerm(key, 't', x.fold!))] : []),
    ...(words.every((x) => x.skel) ? [words.map((x) => entityTerm(key, x.skel!.s, x.skel!.v))] : []),
  ];
  // A word that lacks a spelling in a run of all words still gets it alone.
  const singles = words.flatMap((x) => [
    ...(x.fold && !words.every((y) => y.fold) ? [entityTerm(key, 't', x.fold)] : []),
    ...(x.skel && !words.every((y) => y.skel) ? [entityTerm(key, x.skel.s, x.skel.v)] : []),
  ]);
  return [...runs.flatMap((r) => [...r, NAME_SEPARATOR]), ...singles.flatMap((t) => [t, NAME_SEPARATOR])];
}

interface LinkRow {
  id: string;
  from_type: string;
  from_id: string;
  to_type: string;
  to_id: string;
  basis_item_id: string | null;
  compartment: string;
}

interface EntityRow {
  id: string;
  name: string;
  name_ar: string | null;
  aliases: string;
  compartment: string;
  protection: string;
  pseudonym: string | null;
}

/** A protected person's real names written under a key that needs persons:reveal. */
export interface ProtectedNames {
  readonly entity: string;
  readonly compartment: string;
  readonly key: string;
  readonly terms: readonly string[];
}

/** The entity-name terms of one document and the scope keys they use. */
export interface EntityTerms {
  readonly terms: string[];
  readonly scopes: Map<string, string[]>;
  /** Which protected persons' real names are among `terms`, under which key (search logs a reveal). */
  readonly protectedNames: ProtectedNames[];
}

/**
 * entityTermsOf reads the links that touch the items `itemIds` (the document's root and the
 * items derived from it: an end, or the basis) and returns the names of their entities as
 * scoped terms. `rootId` is the document's item: its own visibility is the search's filter.
 */
export async function entityTermsOf(
  db: Db,
  rootId: string,
  itemIds: readonly string[],
): Promise<EntityTerms> {
  const links = (await db
    .selectFrom('link')
    .select(['id', 'from_type', 'from_id', 'to_type', 'to_id', 'basis_item_id', 'compartment'])
    .where((eb) =>
      eb.or([
        eb.and([eb('from_type', '=', 'item'), eb('from_id', 'in', [...itemIds])]),
        eb.and([eb('to_type', '=', 'item'), eb('to_id', 'in', [...itemIds])]),
        eb('basis_item_id', 'in', [...itemIds]),
      ]),
    )
    .orderBy('id')
    .limit(MAX_LINKS)
    .execute()) as LinkRow[];
  const withEntity = links.filter((l) => l.from_type === 'entity' || l.to_type === 'entity');
  if (withEntity.length === 0) return { terms: [], scopes: new Map(), protectedNames: [] };
  const ids = (type: string) => [
    ...new Set(
      withEntity.flatMap((l) => [
        ...(l.from_type === type ? [l.from_id] : []),
        ...(l.to_type === type ? [l.to_id] : []),
        ...(type === 'item' && l.basis_item_id ? [l.basis_item_id] : []),
      ]),
    ),
  ];
  const entityIds = ids('entity');
  const entities = new Map<string, EntityRow>(
    entityIds.length === 0
      ? []
      : (
          await db
            .selectFrom('entity')
            .select(['id', 'name', 'name_ar', 'aliases', 'compartment', 'protection', 'pseudonym'])
            .where('id', 'in', entityIds)
            .execute()
        ).map((e) => [e.id, e]),
  );
  const incidentIds = ids('incident');
  const incidents = new Map<string, string>(
    incidentIds.length === 0
      ? []
      : (
          await db
            .selectFrom('incident')
            .select(['id', 'compartment'])
            .where('id', 'in', incidentIds)
            .execute()
        ).map((r) => [r.id, r.compartment]),
  );
  const otherItems = ids('item').filter((id) => id !== rootId);
  const items = new Map<string, string>(
    otherItems.length === 0
      ? []
      : (
          await db.selectFrom('item').select(['id', 'compartment']).where('id', 'in', otherItems).execute()
        ).map((r) => [r.id, r.compartment]),
  );

  // The condition that one end (not the named entity) be visible; null: that end is missing.
  const endCondition = (type: string, id: string): string[] | null => {
    if (type === 'item') {
      if (id === rootId) return [];
      const c = items.get(id);
      return c === undefined ? null : [`c:${c}`];
    }
    if (type === 'incident') {
      const c = incidents.get(id);
      return c === undefined ? null : [`c:${c}`];
    }
    const e = entities.get(id);
    if (!e) return null;
    // A protected or pseudonymised person shows by pseudonym wherever the link shows.
    return e.protection !== 'none' && e.pseudonym ? [] : [`c:${e.compartment}`];
  };

  const terms: string[] = [];
  const scopes = new Map<string, string[]>();
  const protectedNames: ProtectedNames[] = [];
  const seen = new Set<string>();
  const add = (conditions: string[], names: readonly string[], hidden?: EntityRow) => {
    const sorted = [...new Set(conditions)].sort();
    const key = scopeKey(sorted);
    scopes.set(key, sorted);
    const written: string[] = [];
    for (const name of names) {
      const dedupe = `${key}\u0000${name}`;
      if (seen.has(dedupe)) continue;
      seen.add(dedupe);
      written.push(...nameTerms(key, name));
    }
    terms.push(...written);
    if (hidden)
      protectedNames.push({ entity: hidden.id, compartment: hidden.compartment, key, terms: written });
  };
  for (const l of withEntity) {
    const ends = [
      { type: l.from_type, id: l.from_id },
      { type: l.to_type, id: l.to_id },
    ];
    const basis = l.basis_item_id ? endCondition('item', l.basis_item_id) : [];
    if (basis === null) continue;
    for (let i = 0; i < 2; i++) {
      const self = ends[i]!;
      const other = ends[1 - i]!;
      if (self.type !== 'entity') continue;
      const e = entities.get(self.id);
      const otherCond = endCondition(other.type, other.id);
      if (!e || otherCond === null) continue;
      const base = [`c:${l.compartment}`, ...otherCond, ...basis];
      const names = [e.name, ...(e.name_ar ? [e.name_ar] : []), ...(JSON.parse(e.aliases) as string[])];
      if (e.protection === 'protected') add([...base, `c:${e.compartment}`, `r:${e.compartment}`], names, e);
      else add([...base, `c:${e.compartment}`], names);
      if (e.protection !== 'none' && e.pseudonym) add(base, [e.pseudonym]);
    }
  }
  return { terms, scopes, protectedNames };
}

/** recordScopes stores the scope keys a document uses (once each), inside the indexing transaction. */
export async function recordScopes(trx: Db, scopes: ReadonlyMap<string, readonly string[]>): Promise<void> {
  for (const [key, conditions] of scopes)
    await trx
      .insertInto('search_entity_scope')
      .values({ key, conditions: JSON.stringify(conditions) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
}

/** holds tells whether a caller's reach satisfies every condition of a scope. */
export function holds(reach: EntityReach, conditions: readonly string[]): boolean {
  const has = (scope: readonly string[] | 'all', c: string) => scope === 'all' || scope.includes(c);
  return conditions.every((c) =>
    c.startsWith('c:')
      ? has(reach.read, c.slice(2))
      : c.startsWith('r:')
        ? has(reach.reveal, c.slice(2)) && has(reach.read, c.slice(2))
        : false,
  );
}

/** A scope key a caller holds; `reveal`: its conditions include persons:reveal (a protected name). */
export interface ScopeKey {
  readonly key: string;
  readonly reveal: boolean;
}

/** scopeKeysFor returns the scope keys whose conditions `reach` holds (at most MAX_SCOPES_PER_QUERY). */
export async function scopeKeysFor(db: Db, reach: EntityReach | undefined): Promise<ScopeKey[]> {
  if (!reach) return [];
  if (reach.read !== 'all' && reach.read.length === 0) return [];
  const rows = await db
    .selectFrom('search_entity_scope')
    .select(['key', 'conditions'])
    .orderBy('key')
    .execute();
  return rows
    .map((r) => ({ key: r.key, conditions: JSON.parse(r.conditions) as string[] }))
    .filter((r) => holds(reach, r.conditions))
    .map((r) => ({ key: r.key, reveal: r.conditions.some((c) => c.startsWith('r:')) }))
    .slice(0, MAX_SCOPES_PER_QUERY);
}
