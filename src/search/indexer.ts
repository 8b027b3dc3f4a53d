/**
 * indexer.ts — keeps the search index in step with the vault. indexItem(ctx, itemId) indexes
 * the item's root (a derived item — OCR text, an extracted e-mail body — folds into the item it
 * was derived from, so a search finds the evidence, not its by-products): the title, metadata
 * values, the item's own text and its derived items' texts, and the places they mention.
 *
 * The place mentions are a derived annotation: stored with offsets (place_mention) and, when
 * they change, recorded in the custody log (`annotate`, the hash of the mentions; DESIGN rule 2)
 * in the same transaction. An item whose indexed content is unchanged is skipped.
 *
 * syncIndex catches the index up with items added since the last run (a high-water mark on
 * ern_seq), in batches; it is what the search job kind runs, and what a search runs first so
 * that a newly added item is findable at once.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { type Ctx, nowIso } from '../ctx.js';
import { appendEntries } from '../custody/index.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { sha256Hex } from '../lib/hash.js';
import { analyze } from '../lib/search-tokens.js';
import type { Database } from '../store/schema.js';
import type { ItemTable } from '../vault/index.js';
import { backendFor } from './backends/backend-for.js';
import { type EntityTerms, entityTermsOf, recordScopes } from './entity-terms.js';
import { docFilterTerms } from './filter-terms.js';
import { loadGazetteer } from './gazetteer/places.js';
import { type PlaceMention, tagPlaces } from './gazetteer/tagger.js';
import { adminUnits, placesOf } from './places-in-text.js';

/** At most this much of one text item is read (bytes) and indexed (characters of all texts). */
export const MAX_TEXT_BYTES = 2 * 1024 * 1024;
export const MAX_BODY_CHARS = 200_000;
/** Derived items followed below one root. */
const MAX_DERIVED = 200;
const TEXT_TYPES = /^(?:text\/|application\/(?:json|xml|x-ndjson)|message\/rfc822)/;
/** The custody actor of index annotations (an id, not a person). */
export const INDEXER_ACTOR = 'system:search-indexer';
const HIGH_WATER = 'search-indexed-seq';
/**
 * INDEX_VERSION names what the indexer writes (the analyser, the texts read): a change that
 * makes existing documents wrong raises it, and an upgraded deployment reads every item again by
 * itself (catch-up.ts). 4: the readable texts of issue 15.
 */
export const INDEX_VERSION = 4;
/** The counter holding the version the whole index was last written at (catch-up.ts). */
export const INDEX_VERSION_COUNTER = 'search-index-version';

type ItemRow = Selectable<ItemTable>;
type Db = Kysely<Database> | Transaction<Database>;

export type IndexOutcome = 'indexed' | 'unchanged' | 'missing';

async function readText(ctx: Ctx, row: ItemRow): Promise<string> {
  if (!TEXT_TYPES.test(row.media_type) || Number(row.size) === 0) return '';
  const end = Math.min(Number(row.size), MAX_TEXT_BYTES) - 1;
  const chunks: Buffer[] = [];
  for await (const c of ctx.blobs.get(row.blob_sha256, { start: 0, end }) as AsyncIterable<Buffer>)
    chunks.push(c);
  // A cut in the middle of a UTF-8 sequence becomes one U+FFFD, never an exception.
  return Buffer.concat(chunks).toString('utf8');
}

function metadataText(json: string): string {
  const out: string[] = [];
  const walk = (v: unknown, depth: number) => {
    if (out.length > 500 || depth > 6) return;
    if (typeof v === 'string') out.push(v);
    else if (typeof v === 'number') out.push(String(v));
    else if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x, depth + 1);
  };
  try {
    walk(JSON.parse(json), 0);
  } catch {
    // Metadata is written by the vault as JSON; anything else is not indexed.
  }
  return out.join(' ').slice(0, 20_000);
}

/** Places the metadata names by P-code (metadata.place, .pcode or .places). */
function givenPlaces(json: string): string[] {
  try {
    const m = JSON.parse(json) as Record<string, unknown>;
    const raw = [m.place, m.pcode, ...(Array.isArray(m.places) ? m.places : [])];
    const places = loadGazetteer().places;
    return raw
      .filter((p): p is string => typeof p === 'string' && places.has(p.toUpperCase()))
      .map((p) => p.toUpperCase());
  } catch {
    return [];
  }
}

function dateOf(row: ItemRow): string {
  return /^\d{4}-\d{2}-\d{2}/.test(row.collected_at) ? row.collected_at : row.created_at;
}

/** rootOf returns the item an item was derived from, through every level (or the item itself). */
export async function rootOf(db: Db, itemId: string): Promise<ItemRow | undefined> {
  let row = await db.selectFrom('item').selectAll().where('id', '=', itemId).executeTakeFirst();
  for (let depth = 0; row?.parent_item_id && depth < 16; depth++) {
    row = await db.selectFrom('item').selectAll().where('id', '=', row.parent_item_id).executeTakeFirst();
  }
  return row;
}

/** entityTermsOfItem: the entity-name terms of an indexed root item (its derived items' links too). */
export async function entityTermsOfItem(db: Db, rootId: string): Promise<EntityTerms> {
  const derived = await derivedOf(db, rootId);
  return entityTermsOf(db, rootId, [rootId, ...derived.map((d) => d.id)]);
}

async function derivedOf(db: Db, rootId: string): Promise<ItemRow[]> {
  const out: ItemRow[] = [];
  let frontier = [rootId];
  while (frontier.length > 0 && out.length < MAX_DERIVED) {
    const rows = await db
      .selectFrom('item')
      .selectAll()
      .where('parent_item_id', 'in', frontier)
      .orderBy('ern_seq')
      .limit(MAX_DERIVED - out.length)
      .execute();
    out.push(...rows);
    frontier = rows.map((r) => r.id);
  }
  return out;
}

interface Prepared {
  readonly root: ItemRow;
  readonly body: string;
  readonly mentions: ReadonlyArray<PlaceMention & { readonly textItemId: string }>;
  readonly given: readonly string[];
  readonly entities: EntityTerms;
  readonly contentSha: string;
}

/**
 * readableTexts returns the texts of a root and its derived items that a person reads, each
 * once (issue 15: snippets showed a PDF's text twice and the extractor's JSON):
 * - an item from which intake extracted a `text` or `body` (HTML, an e-mail, a DOCX, a text in
 *   another encoding, a WARC response) is read through that derivative, never as its own bytes;
 * - a PDF's `page-text` items are left out when its `text` (every page, form-feed separated)
 *   is there;
 * - a `metadata` derivative is the extractor's facts as JSON: only the facts a person wrote
 *   (READABLE_FACTS: a document's title and author, a message's subject and correspondents)
 *   are read, as plain lines; counts, hashes, encodings and the JSON itself are not text;
 * - a text equal to one already read is not read again.
 * Before intake has run, an item's own bytes are read as they are (text types only), so a new
 * item is findable at once; its search-index job reads it again when intake is done.
 */
async function readableTexts(
  ctx: Ctx,
  root: ItemRow,
  derived: readonly ItemRow[],
): Promise<{ itemId: string; text: string }[]> {
  const kindOf = new Map<string, string>();
  for (let i = 0; i < derived.length; i += 500) {
    const rows = await ctx.db
      .selectFrom('derivation')
      .select(['item_id', 'kind'])
      .where(
        'item_id',
        'in',
        derived.slice(i, i + 500).map((d) => d.id),
      )
      .execute();
    for (const r of rows) kindOf.set(r.item_id, r.kind);
  }
  const extracted = new Set<string>();
  const hasAllText = new Set<string>();
  for (const d of derived) {
    const kind = kindOf.get(d.id);
    if (!d.parent_item_id) continue;
    if (kind === 'text' || kind === 'body') extracted.add(d.parent_item_id);
    if (kind === 'text') hasAllText.add(d.parent_item_id);
  }
  const out: { itemId: string; text: string }[] = [];
  const seen = new Set<string>();
  const push = (itemId: string, text: string) => {
    const key = text.trim();
    if (key.length === 0 || seen.has(key)) return;
    seen.add(key);
    out.push({ itemId, text });
  };
  for (const row of [root, ...derived]) {
    const kind = kindOf.get(row.id);
    if (extracted.has(row.id)) continue;
    if (kind === 'page-text' && row.parent_item_id && hasAllText.has(row.parent_item_id)) continue;
    if (kind === 'metadata') push(row.id, readableFacts(await readText(ctx, row)));
    else push(row.id, await readText(ctx, row));
  }
  return out;
}

/** The extractor facts (src/intake/extractors) that are words a person wrote. */
const READABLE_FACTS = ['title', 'subject', 'author', 'from', 'to', 'cc', 'htmlTitle', 'comment'] as const;

/** readableFacts returns the readable facts of a metadata derivative's JSON, one per line. */
export function readableFacts(json: string): string {
  let facts: unknown;
  try {
    facts = JSON.parse(json);
  } catch {
    return '';
  }
  if (!facts || typeof facts !== 'object' || Array.isArray(facts)) return '';
  const f = facts as Record<string, unknown>;
  return READABLE_FACTS.flatMap((k) => (typeof f[k] === 'string' && f[k].trim() ? [f[k].trim()] : [])).join(
    '\n',
  );
}

async function prepare(ctx: Ctx, root: ItemRow): Promise<Prepared> {
  const derived = await derivedOf(ctx.db, root.id);
  const entities = await entityTermsOf(ctx.db, root.id, [root.id, ...derived.map((d) => d.id)]);
  const texts = await readableTexts(ctx, root, derived);
  const meta = metadataText(root.metadata);
  const body = [meta, ...texts.map((t) => t.text)]
    .filter((s) => s.length > 0)
    .join('\n\n')
    .slice(0, MAX_BODY_CHARS);
  const mentions = [
    ...tagPlaces(root.title).map((m) => ({ ...m, textItemId: `${root.id}#title` })),
    ...texts.flatMap((t) => tagPlaces(t.text).map((m) => ({ ...m, textItemId: t.itemId }))),
  ];
  const given = givenPlaces(root.metadata);
  const contentSha = sha256Hex(
    canonicalJson({
      v: INDEX_VERSION,
      title: root.title,
      body,
      kind: root.kind,
      source: root.source,
      compartment: root.compartment,
      date: dateOf(root),
      given: [...given],
      entities: entities.terms,
    }),
  );
  return { root, body, mentions, given, entities, contentSha };
}

async function write(ctx: Ctx, trx: Transaction<Database>, p: Prepared): Promise<void> {
  const { root } = p;
  const backend = backendFor(ctx.dialect);
  const date = dateOf(root);
  const year = Number(date.slice(0, 4));
  const places = placesOf(p.mentions, p.given);
  await backend.removeTerms(trx, Number(root.ern_seq), root.id);
  await trx.deleteFrom('search_doc').where('item_id', '=', root.id).execute();
  await trx
    .insertInto('search_doc')
    .values({
      item_id: root.id,
      doc_id: Number(root.ern_seq),
      ern: root.ern,
      title: root.title,
      kind: root.kind,
      source: root.source,
      compartment: root.compartment,
      date,
      year: Number.isInteger(year) ? year : null,
      body: p.body,
      text_sha256: p.contentSha,
      indexed_at: nowIso(ctx),
      admin: adminUnits(places.areas.keys()),
    })
    .execute();
  await recordScopes(trx, p.entities.scopes);
  await backend.writeTerms(trx, {
    docId: Number(root.ern_seq),
    itemId: root.id,
    compartment: root.compartment,
    title: analyze(root.title),
    body: analyze(p.body),
    tags: [...places.tokens, ...analyze(root.kind), ...analyze(root.source)],
    // Never in the scored row: the name index selects, it does not score (name-match.ts, F1).
    names: p.entities.terms,
    filters: docFilterTerms({
      compartment: root.compartment,
      kind: root.kind,
      source: root.source,
      date,
      areas: places.areas.keys(),
    }),
  });
  await trx.deleteFrom('search_place').where('item_id', '=', root.id).execute();
  if (places.areas.size > 0) {
    await trx
      .insertInto('search_place')
      .values([...places.areas].map(([pcode, level]) => ({ item_id: root.id, pcode, level })))
      .execute();
  }
  const mentionsJson = canonicalJson(
    p.mentions.map((m) => ({ in: m.textItemId, s: m.start, e: m.end, p: m.pcode, c: [...m.candidates] })),
  );
  const mentionsSha = sha256Hex(mentionsJson);
  const before = await trx
    .selectFrom('place_mention')
    .select(['text_item_id', 'start_offset', 'end_offset', 'pcode', 'candidates'])
    .where('item_id', '=', root.id)
    .orderBy('n')
    .execute();
  const beforeSha = sha256Hex(
    canonicalJson(
      before.map((m) => ({
        in: m.text_item_id,
        s: m.start_offset,
        e: m.end_offset,
        p: m.pcode,
        c: JSON.parse(m.candidates) as string[],
      })),
    ),
  );
  if (beforeSha === mentionsSha) return;
  await trx.deleteFrom('place_mention').where('item_id', '=', root.id).execute();
  for (let i = 0; i < p.mentions.length; i += 500) {
    await trx
      .insertInto('place_mention')
      .values(
        p.mentions.slice(i, i + 500).map((m, k) => ({
          item_id: root.id,
          n: i + k,
          text_item_id: m.textItemId,
          start_offset: m.start,
          end_offset: m.end,
          surface: m.text.slice(0, 200),
          pcode: m.pcode,
          candidates: JSON.stringify(m.candidates),
        })),
      )
      .execute();
  }
  await appendEntries(
    trx,
    [
      {
        kind: 'annotate',
        actor: INDEXER_ACTOR,
        itemId: root.id,
        data: { annotation: 'place-mentions', sha256: mentionsSha, count: p.mentions.length },
      },
    ],
    nowIso(ctx),
  );
}

/**
 * indexItems indexes the roots of `itemIds` in one transaction; it returns how many were
 * (re)written. Items already indexed with the same content are skipped.
 */
export async function indexItems(ctx: Ctx, itemIds: readonly string[]): Promise<number> {
  const roots = new Map<string, ItemRow>();
  for (const id of itemIds) {
    const root = await rootOf(ctx.db, id);
    if (root) roots.set(root.id, root);
  }
  const prepared: Prepared[] = [];
  for (const root of roots.values()) {
    const p = await prepare(ctx, root);
    const had = await ctx.db
      .selectFrom('search_doc')
      .select('text_sha256')
      .where('item_id', '=', root.id)
      .executeTakeFirst();
    if (had?.text_sha256 !== p.contentSha) prepared.push(p);
  }
  if (prepared.length === 0) return 0;
  await ctx.db.transaction().execute(async (trx) => {
    for (const p of prepared) await write(ctx, trx, p);
  });
  return prepared.length;
}

/** indexItem indexes one item (through its root): the unit of work of the search job. */
export async function indexItem(ctx: Ctx, itemId: string): Promise<IndexOutcome> {
  const root = await rootOf(ctx.db, itemId);
  if (!root) return 'missing';
  return (await indexItems(ctx, [root.id])) > 0 ? 'indexed' : 'unchanged';
}

/**
 * syncIndex indexes items added since the last sync, `batch` at a time, until none is left or
 * `maxItems` were seen; it returns how many items it looked at.
 */
export async function syncIndex(
  ctx: Ctx,
  options: { batch?: number; maxItems?: number } = {},
): Promise<number> {
  const batch = options.batch ?? 200;
  const maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
  let seen = 0;
  while (seen < maxItems) {
    const mark = await ctx.db
      .selectFrom('counter')
      .select('value')
      .where('name', '=', HIGH_WATER)
      .executeTakeFirst();
    const after = Number(mark?.value ?? 0);
    const rows = await ctx.db
      .selectFrom('item')
      .select(['id', 'ern_seq'])
      .where('ern_seq', '>', after)
      .orderBy('ern_seq')
      .limit(Math.min(batch, maxItems - seen))
      .execute();
    if (rows.length === 0) break;
    await indexItems(
      ctx,
      rows.map((r) => r.id),
    );
    const top = Number(rows[rows.length - 1]!.ern_seq);
    await ctx.db
      .insertInto('counter')
      .values({ name: HIGH_WATER, value: top })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: top }))
      .execute();
    seen += rows.length;
  }
  return seen;
}

/** reindexAll forgets the high-water mark and re-reads every item (after an analyser change). */
export async function reindexAll(ctx: Ctx): Promise<number> {
  await ctx.db.updateTable('search_doc').set({ text_sha256: '' }).execute();
  await ctx.db.deleteFrom('counter').where('name', '=', HIGH_WATER).execute();
  const seen = await syncIndex(ctx);
  await ctx.db
    .insertInto('counter')
    .values({ name: INDEX_VERSION_COUNTER, value: INDEX_VERSION })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: INDEX_VERSION }))
    .execute();
  return seen;
}
