/**
 * claims.ts — claims (what an incident's record asserts: "the hospital was struck by two
 * missiles") and each item's stance on them. A claim's corroboration is tallied over the items
 * the caller may see (corroboration.ts), so a hidden item never moves a status, a count or a
 * list. The items linked to the claim's incident that take no stance are listed as silent.
 */
import { randomUUID } from 'node:crypto';
import { type Ctx, nowIso } from '../ctx.js';
import { type ClaimTally, tallyClaim } from './corroboration.js';
import { AnalysisError } from './errors.js';
import { seeLink } from './links.js';
import {
  type Actor,
  inScope,
  inTransaction,
  isRecordId,
  newSalt,
  oneOf,
  recordChange,
  type Scope,
  text,
  writableCompartment,
} from './records.js';
import { rootSource, visibleItem } from './refs.js';
import { STANCES, type Stance } from './vocabulary.js';

export interface StanceView {
  readonly ern: string;
  readonly title: string;
  /** The item's source for independence (its root item's, for a derived item). */
  readonly source: string;
  readonly stance: Stance;
  /** True when no stance was recorded: the item is linked to the claim's incident and says nothing. */
  readonly implicit: boolean;
}

export interface ClaimView {
  readonly id: string;
  readonly incidentId: string | null;
  readonly statement: string;
  readonly compartment: string;
  readonly stances: StanceView[];
  readonly supporting: string[];
  readonly contradicting: string[];
  readonly silent: string[];
  readonly corroboration: ClaimTally;
  readonly createdAt: string;
}

async function visibleIncident(ctx: Ctx, scope: Scope, id: unknown): Promise<string> {
  const row = isRecordId('inc', id)
    ? await ctx.db
        .selectFrom('incident')
        .select(['id', 'compartment'])
        .where('id', '=', id)
        .executeTakeFirst()
    : undefined;
  if (!row || !inScope(scope, row.compartment))
    throw new AnalysisError('NOT_FOUND', `no incident ${String(id)}`);
  return row.id;
}

/** createClaim records a claim, of an incident the actor sees or standing alone. */
export async function createClaim(
  ctx: Ctx,
  actor: Actor,
  input: { statement: unknown; incidentId?: unknown; compartment: unknown },
): Promise<ClaimView> {
  const statement = text(input.statement, 'statement', 2000)!;
  const compartment = writableCompartment(actor, input.compartment);
  const incidentId =
    input.incidentId !== undefined && input.incidentId !== null
      ? await visibleIncident(ctx, actor.read, input.incidentId)
      : null;
  const row = {
    id: `clm-${randomUUID()}`,
    incident_id: incidentId,
    statement,
    compartment,
    created_at: nowIso(ctx),
    created_by: actor.id,
    salt: newSalt(),
  };
  await inTransaction(ctx, async (trx) => {
    await trx.insertInto('claim').values(row).execute();
    // Every column, created_at and created_by included (commitment 2, records.ts).
    const body = { ...row };
    await recordChange(ctx, trx, actor, { action: 'claim-create', record: row.id, compartment, body });
  });
  return getClaim(ctx, actor.read, row.id);
}

/** setStance records (or changes) an item's stance on a claim in a compartment the actor may write. */
export async function setStance(
  ctx: Ctx,
  actor: Actor,
  claimId: string,
  ern: unknown,
  stance: unknown,
): Promise<ClaimView> {
  const s = oneOf(stance, 'stance', STANCES);
  const claim = await readClaim(ctx, actor.read, claimId);
  writableCompartment(actor, claim.compartment);
  const item = await visibleItem(ctx, actor.read, ern);
  const at = nowIso(ctx);
  await inTransaction(ctx, async (trx) => {
    await trx.deleteFrom('stance').where('claim_id', '=', claim.id).where('item_id', '=', item.id).execute();
    await trx
      .insertInto('stance')
      .values({ claim_id: claim.id, item_id: item.id, stance: s, created_at: at, created_by: actor.id })
      .execute();
    await recordChange(ctx, trx, actor, {
      action: 'claim-stance',
      record: claim.id,
      compartment: claim.compartment,
      body: stanceBody({
        claim_id: claim.id,
        item_id: item.id,
        stance: s,
        created_at: at,
        created_by: actor.id,
      }),
      itemId: item.id,
      extra: { stance: s },
    });
  });
  return getClaim(ctx, actor.read, claim.id);
}

/**
 * stanceBody is what a stance's custody entry commits to (commitment 2, records.ts): the claim,
 * the item, the stance, and when and by whom it was taken.
 */
export function stanceBody(r: {
  claim_id: string;
  item_id: string;
  stance: string;
  created_at: string;
  created_by: string;
}): { [k: string]: string } {
  return { claim: r.claim_id, item: r.item_id, stance: r.stance, at: r.created_at, by: r.created_by };
}

async function readClaim(ctx: Ctx, scope: Scope, id: string) {
  const row = isRecordId('clm', id)
    ? await ctx.db.selectFrom('claim').selectAll().where('id', '=', id).executeTakeFirst()
    : undefined;
  if (!row || !inScope(scope, row.compartment)) throw new AnalysisError('NOT_FOUND', `no claim ${id}`);
  // A claim of an incident the caller cannot see would say that the incident exists.
  if (row.incident_id) await visibleIncident(ctx, scope, row.incident_id);
  return row;
}

/**
 * The items of `scope` linked to an incident (either end of a link), with their ids. Only links
 * the caller may see count — the same rule as the links list (links.ts `seeLink`: the link's
 * compartment, both ends and its basis item) — so a hidden basis never shows an item as silent.
 */
async function incidentItems(ctx: Ctx, scope: Scope, incidentId: string) {
  if (scope !== 'all' && scope.length === 0) return [];
  const ends = await ctx.db
    .selectFrom('link')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([
          eb('from_type', '=', 'incident'),
          eb('from_id', '=', incidentId),
          eb('to_type', '=', 'item'),
        ]),
        eb.and([eb('to_type', '=', 'incident'), eb('to_id', '=', incidentId), eb('from_type', '=', 'item')]),
      ]),
    )
    .$if(scope !== 'all', (q) => q.where('compartment', 'in', [...(scope as readonly string[])]))
    .limit(500)
    .execute();
  const seen: typeof ends = [];
  for (const l of ends) if (await seeLink(ctx, scope, l)) seen.push(l);
  const ids = [...new Set(seen.map((l) => (l.from_type === 'item' ? l.from_id : l.to_id)))];
  if (ids.length === 0) return [];
  return ctx.db
    .selectFrom('item')
    .select(['id', 'ern', 'title', 'ern_seq'])
    .where('id', 'in', ids)
    .$if(scope !== 'all', (q) => q.where('compartment', 'in', [...(scope as readonly string[])]))
    .execute();
}

/** getClaim returns a claim with the stances of the items the caller may see, and its tally. */
export async function getClaim(ctx: Ctx, scope: Scope, id: string): Promise<ClaimView> {
  const claim = await readClaim(ctx, scope, id);
  const rows =
    scope !== 'all' && scope.length === 0
      ? []
      : await ctx.db
          .selectFrom('stance as s')
          .innerJoin('item as i', 'i.id', 's.item_id')
          .select(['s.stance', 'i.id', 'i.ern', 'i.title', 'i.ern_seq'])
          .where('s.claim_id', '=', claim.id)
          .$if(scope !== 'all', (q) => q.where('i.compartment', 'in', [...(scope as readonly string[])]))
          .orderBy('i.ern_seq')
          .execute();
  const stances: StanceView[] = [];
  for (const r of rows)
    stances.push({
      ern: r.ern,
      title: r.title,
      source: await rootSource(ctx, scope, r.id),
      stance: r.stance as Stance,
      implicit: false,
    });
  if (claim.incident_id) {
    const taken = new Set(rows.map((r) => r.id));
    const linked = (await incidentItems(ctx, scope, claim.incident_id)).filter((i) => !taken.has(i.id));
    linked.sort((a, b) => Number(a.ern_seq) - Number(b.ern_seq));
    for (const i of linked)
      stances.push({
        ern: i.ern,
        title: i.title,
        source: await rootSource(ctx, scope, i.id),
        stance: 'silent',
        implicit: true,
      });
  }
  const erns = (s: Stance) => stances.filter((x) => x.stance === s).map((x) => x.ern);
  return {
    id: claim.id,
    incidentId: claim.incident_id,
    statement: claim.statement,
    compartment: claim.compartment,
    stances,
    supporting: erns('supports'),
    contradicting: erns('contradicts'),
    silent: erns('silent'),
    corroboration: tallyClaim(stances),
    createdAt: claim.created_at,
  };
}

/** claimsOf lists the visible claims of an incident (at most 200, oldest first), each tallied. */
export async function claimsOf(ctx: Ctx, scope: Scope, incidentId: string): Promise<ClaimView[]> {
  if (scope !== 'all' && scope.length === 0) return [];
  const ids = await ctx.db
    .selectFrom('claim')
    .select('id')
    .where('incident_id', '=', incidentId)
    .$if(scope !== 'all', (q) => q.where('compartment', 'in', [...(scope as readonly string[])]))
    .orderBy('created_at')
    .orderBy('id')
    .limit(200)
    .execute();
  const out: ClaimView[] = [];
  for (const r of ids) out.push(await getClaim(ctx, scope, r.id));
  return out;
}
