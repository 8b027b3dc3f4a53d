/**
 * claims.ts — claims (what an incident's record asserts: "the hospital was struck by two
 * missiles") and each item's stance on them; the claim's corroboration is tallied over the
 * items the caller may see (corroboration.ts), so a hidden item never moves a status.
 */
import { randomUUID } from 'node:crypto';
import { type Ctx, nowIso } from '../ctx.js';
import { type ClaimTally, tallyClaim } from './corroboration.js';
import { AnalysisError } from './errors.js';
import { type Actor, inScope, oneOf, recordChange, type Scope, text, writableCompartment } from './records.js';
import { rootSource, visibleItem } from './refs.js';
import { STANCES, type Stance } from './vocabulary.js';

export interface ClaimView {
  readonly id: string;
  readonly incidentId: string | null;
  readonly statement: string;
  readonly compartment: string;
  readonly stances: Array<{ readonly ern: string; readonly source: string; readonly stance: Stance }>;
  readonly corroboration: ClaimTally;
}

async function visibleIncident(ctx: Ctx, scope: Scope, id: unknown): Promise<string> {
  const row =
    typeof id === 'string' && /^inc-[0-9a-f-]{36}$/.test(id)
      ? await ctx.db.selectFrom('incident').select(['id', 'compartment']).where('id', '=', id).executeTakeFirst()
      : undefined;
  if (!row || !inScope(scope, row.compartment)) throw new AnalysisError('NOT_FOUND', `no incident ${String(id)}`);
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
  const incidentId = input.incidentId ? await visibleIncident(ctx, actor.read, input.incidentId) : null;
  const row = { id: `clm-${randomUUID()}`, incident_id: incidentId, statement, compartment, created_at: nowIso(ctx), created_by: actor.id };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('claim').values(row).execute();
    const { created_at: _c, ...body } = row;
    await recordChange(ctx, trx, actor, { action: 'claim-create', record: row.id, body });
  });
  return getClaim(ctx, actor.read, row.id);
}

/** setStance records (or changes) an item's stance on a claim. */
export async function setStance(ctx: Ctx, actor: Actor, claimId: string, ern: unknown, stance: unknown): Promise<ClaimView> {
  const s = oneOf(stance, 'stance', STANCES);
  const claim = await readClaim(ctx, actor.read, claimId);
  writableCompartment(actor, claim.compartment);
  const item = await visibleItem(ctx, actor.read, ern);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('stance').where('claim_id', '=', claim.id).where('item_id', '=', item.id).execute();
    await trx.insertInto('stance').values({ claim_id: claim.id, item_id: item.id, stance: s, created_at: nowIso(ctx), created_by: actor.id }).execute();
    await recordChange(ctx, trx, actor, {
      action: 'claim-stance',
      record: claim.id,
      body: { claim: claim.id, item: item.id, stance: s },
      itemId: item.id,
      extra: { stance: s },
    });
  });
  return getClaim(ctx, actor.read, claim.id);
}

async function readClaim(ctx: Ctx, scope: Scope, id: string) {
  const row = /^clm-[0-9a-f-]{36}$/.test(id)
    ? await ctx.db.selectFrom('claim').selectAll().where('id', '=', id).executeTakeFirst()
    : undefined;
  if (!row || !inScope(scope, row.compartment)) throw new AnalysisError('NOT_FOUND', `no claim ${id}`);
  if (row.incident_id) await visibleIncident(ctx, scope, row.incident_id);
  return row;
}

/** getClaim returns a claim with the stances of the items the caller may see, and its tally. */
export async function getClaim(ctx: Ctx, scope: Scope, id: string): Promise<ClaimView> {
  const claim = await readClaim(ctx, scope, id);
  let q = ctx.db
    .selectFrom('stance as s')
    .innerJoin('item as i', 'i.id', 's.item_id')
    .select(['s.stance', 'i.id', 'i.ern', 'i.compartment'])
    .where('s.claim_id', '=', claim.id)
    .orderBy('i.ern_seq');
  if (scope !== 'all') q = q.where('i.compartment', 'in', scope.length ? [...scope] : ['\u0000']);
  const rows = await q.execute();
  const stances = [];
  for (const r of rows) stances.push({ ern: r.ern, source: await rootSource(ctx, r.id), stance: r.stance as Stance });
  return {
    id: claim.id,
    incidentId: claim.incident_id,
    statement: claim.statement,
    compartment: claim.compartment,
    stances,
    corroboration: tallyClaim(stances),
  };
}

/** claimsOf lists the visible claims of an incident, each tallied. */
export async function claimsOf(ctx: Ctx, scope: Scope, incidentId: string): Promise<ClaimView[]> {
  let q = ctx.db.selectFrom('claim').select('id').where('incident_id', '=', incidentId).orderBy('created_at').orderBy('id');
  if (scope !== 'all') q = q.where('compartment', 'in', scope.length ? [...scope] : ['\u0000']);
  const out: ClaimView[] = [];
  for (const r of await q.limit(200).execute()) out.push(await getClaim(ctx, scope, r.id));
  return out;
}
