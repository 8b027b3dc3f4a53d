/**
 * near-duplicates.ts — the near-duplicate index over PDQ hashes, in the database. A query for
 * "hashes within Hamming distance r of h" uses multi-index hashing (Norouzi, Punjani & Fleet,
 * "Fast Search in Hamming Space with Multi-Index Hashing", CVPR 2012): the 256 bits are cut into
 * m = 16 chunks of 16 bits, each an indexed column; by the pigeonhole principle two hashes within
 * r = 31 agree to within ⌊r/m⌋ = 1 bit on at least one chunk, so the candidates are the rows
 * whose chunk i is one of the 17 values within 1 bit of h's chunk i, for some i: 16 × 17 exact
 * index lookups instead of a scan, then the exact distance decides. The same search over an
 * in-memory table is src/lib/mih.ts (used by the benchmark against a brute-force scan).
 *
 * Every query is confined to one compartment (DESIGN.md rule 7): an item is only ever compared
 * with, and linked to, items of its own compartment.
 */
import type { Ctx } from '../ctx.js';
import { appendEntries } from '../custody/index.js';
import { parseErn } from '../lib/ern.js';
import { chunkProbes } from '../lib/mih.js';
import { hammingDistanceHex, PDQ_MATCH_DISTANCE, PDQ_MIN_QUALITY, pdqChunks } from '../lib/pdq.js';
import type { Item } from '../vault/index.js';

export const NEAR_DUPLICATE = 'near-duplicate-of';
export const EXACT_DUPLICATE = 'exact-duplicate-of';

export interface NearDuplicate {
  readonly itemId: string;
  readonly ern: string;
  readonly relation: string;
  readonly distance: number;
}

export interface PdqMatch {
  readonly itemId: string;
  readonly distance: number;
}

/**
 * findNearDuplicates returns the items of `compartment` whose PDQ hash is within `maxDistance`
 * (≤ 31) of `hash`, nearest first.
 */
export async function findNearDuplicates(
  ctx: Pick<Ctx, 'db'>,
  hash: string,
  compartment: string,
  maxDistance = PDQ_MATCH_DISTANCE,
): Promise<PdqMatch[]> {
  const chunks = pdqChunks(hash);
  const radius = Math.floor(Math.min(maxDistance, PDQ_MATCH_DISTANCE) / 16);
  const rows = await ctx.db
    .selectFrom('pdq_hash')
    .select(['item_id', 'hash'])
    .where('compartment', '=', compartment)
    .where((eb) => eb.or(chunks.map((c, i) => eb(`c${i}` as 'c0', 'in', chunkProbes(c, radius)))))
    .execute();
  const out: PdqMatch[] = [];
  for (const r of rows) {
    const distance = hammingDistanceHex(hash, r.hash);
    if (distance <= maxDistance) out.push({ itemId: r.item_id, distance });
  }
  return out.sort((a, b) => a.distance - b.distance || a.itemId.localeCompare(b.itemId));
}

/**
 * indexPdq stores `item`'s PDQ hash and links it to the items of its compartment that are
 * near-duplicates (relation near-duplicate-of, with the distance) or hold the same bytes
 * (exact-duplicate-of); each link is logged as an `annotate` entry. Hashes below the quality PDQ
 * trusts for matching (50) are stored but not linked. Returns the number of links made.
 */
export async function indexPdq(
  ctx: Ctx,
  item: Item,
  pdq: { readonly hash: string; readonly quality: number },
  actor: string,
): Promise<number> {
  const chunks = pdqChunks(pdq.hash);
  const row = {
    item_id: item.id,
    compartment: item.compartment,
    hash: pdq.hash,
    quality: pdq.quality,
    ...Object.fromEntries(chunks.map((c, i) => [`c${i}`, c])),
  } as Parameters<ReturnType<Ctx['db']['insertInto']>['values']>[0];
  await ctx.db
    .insertInto('pdq_hash')
    .values(row as never)
    .onConflict((oc) => oc.column('item_id').doNothing())
    .execute();
  if (pdq.quality < PDQ_MIN_QUALITY) return 0;
  const matches = (await findNearDuplicates(ctx, pdq.hash, item.compartment)).filter(
    (m) => m.itemId !== item.id,
  );
  const qualities = await ctx.db
    .selectFrom('pdq_hash')
    .select(['item_id', 'quality'])
    .where('item_id', 'in', matches.length ? matches.map((m) => m.itemId) : ['-'])
    .execute();
  const good = new Set(qualities.filter((q) => q.quality >= PDQ_MIN_QUALITY).map((q) => q.item_id));
  return linkItems(
    ctx,
    item,
    matches
      .filter((m) => good.has(m.itemId))
      .map((m) => ({ to: m.itemId, relation: NEAR_DUPLICATE, distance: m.distance })),
    actor,
  );
}

/**
 * linkExactDuplicates links `item` to the other items of its compartment that hold the same
 * bytes (an item recorded again with its own provenance). Never across compartments.
 */
export async function linkExactDuplicates(ctx: Ctx, item: Item, actor: string): Promise<number> {
  const rows = await ctx.db
    .selectFrom('item')
    .select('id')
    .where('blob_sha256', '=', item.sha256)
    .where('compartment', '=', item.compartment)
    .where('id', '!=', item.id)
    .where('ern_seq', '<', parseErn(item.ern) ?? 0)
    .execute();
  return linkItems(
    ctx,
    item,
    rows.map((r) => ({ to: r.id, relation: EXACT_DUPLICATE, distance: 0 })),
    actor,
  );
}

async function linkItems(
  ctx: Ctx,
  item: Item,
  links: readonly { to: string; relation: string; distance: number }[],
  actor: string,
): Promise<number> {
  if (links.length === 0) return 0;
  const at = ctx.clock().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('item_link')
      .select(['to_item_id', 'relation'])
      .where('from_item_id', '=', item.id)
      .execute();
    const have = new Set(existing.map((e) => `${e.relation} ${e.to_item_id}`));
    const fresh = links.filter((l) => !have.has(`${l.relation} ${l.to}`));
    if (fresh.length === 0) return 0;
    await trx
      .insertInto('item_link')
      .values(
        fresh.map((l) => ({
          from_item_id: item.id,
          to_item_id: l.to,
          relation: l.relation,
          distance: l.distance,
          created_at: at,
        })),
      )
      .execute();
    await appendEntries(
      trx,
      fresh.map((l) => ({
        kind: 'annotate' as const,
        actor,
        itemId: item.id,
        data: { relation: l.relation, to: l.to, distance: l.distance },
      })),
      at,
    );
    return fresh.length;
  });
}

/** nearDuplicatesOf lists `item`'s links in either direction, within its own compartment. */
export async function nearDuplicatesOf(ctx: Pick<Ctx, 'db'>, item: Item): Promise<NearDuplicate[]> {
  const out = await ctx.db
    .selectFrom('item_link')
    .innerJoin('item', 'item.id', 'item_link.to_item_id')
    .select([
      'item.id as itemId',
      'item.ern as ern',
      'item_link.relation as relation',
      'item_link.distance as distance',
    ])
    .where('item_link.from_item_id', '=', item.id)
    .where('item.compartment', '=', item.compartment)
    .execute();
  const back = await ctx.db
    .selectFrom('item_link')
    .innerJoin('item', 'item.id', 'item_link.from_item_id')
    .select([
      'item.id as itemId',
      'item.ern as ern',
      'item_link.relation as relation',
      'item_link.distance as distance',
    ])
    .where('item_link.to_item_id', '=', item.id)
    .where('item.compartment', '=', item.compartment)
    .execute();
  return [...out, ...back]
    .map((r) => ({ itemId: r.itemId, ern: r.ern, relation: r.relation, distance: Number(r.distance ?? 0) }))
    .sort((a, b) => a.distance - b.distance || a.ern.localeCompare(b.ern));
}

export interface NearDuplicateList {
  readonly ern: string;
  readonly pdq: string | null;
  readonly quality: number | null;
  readonly matches: { readonly ern: string; readonly distance: number }[];
}

/**
 * nearDuplicatesForItem searches the index with `item`'s own PDQ hash and those of its keyframes,
 * within its compartment only, and returns the other items found (nearest first).
 */
export async function nearDuplicatesForItem(
  ctx: Pick<Ctx, 'db'>,
  item: Item,
  maxDistance = PDQ_MATCH_DISTANCE,
): Promise<NearDuplicateList> {
  const own = await ctx.db
    .selectFrom('pdq_hash')
    .selectAll()
    .where('item_id', '=', item.id)
    .executeTakeFirst();
  const frames = await ctx.db
    .selectFrom('derivation')
    .innerJoin('pdq_hash', 'pdq_hash.item_id', 'derivation.item_id')
    .select(['pdq_hash.item_id', 'pdq_hash.hash'])
    .where('derivation.parent_item_id', '=', item.id)
    .where('derivation.kind', '=', 'keyframe')
    .execute();
  const mine = new Set([item.id, ...frames.map((f) => f.item_id)]);
  const best = new Map<string, number>();
  for (const h of [...(own ? [own.hash] : []), ...frames.map((f) => f.hash)]) {
    for (const m of await findNearDuplicates(ctx, h, item.compartment, maxDistance)) {
      if (mine.has(m.itemId)) continue;
      best.set(m.itemId, Math.min(best.get(m.itemId) ?? 256, m.distance));
    }
  }
  const ids = [...best.keys()];
  const erns = ids.length
    ? await ctx.db
        .selectFrom('item')
        .select(['id', 'ern'])
        .where('id', 'in', ids)
        .where('compartment', '=', item.compartment)
        .execute()
    : [];
  return {
    ern: item.ern,
    pdq: own?.hash ?? null,
    quality: own ? Number(own.quality) : null,
    matches: erns
      .map((r) => ({ ern: r.ern, distance: best.get(r.id)! }))
      .sort((a, b) => a.distance - b.distance || a.ern.localeCompare(b.ern)),
  };
}
