/**
 * rfa.ts — requests for assistance (RFA) from prosecuting authorities, and the jurisdictions
 * they come from (with the "may impose the death penalty" flag the consent rules read).
 * An RFA belongs to a case; its package is built from the case's items (see consent.ts for what
 * may go into it).
 *
 *   received → in-review → approved → fulfilled        (any open state → refused | withdrawn)
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { type Ctx, nowIso } from '../ctx.js';
import { nextValues } from '../store/counters.js';
import { CaseError } from './errors.js';
import { findCase, text } from './service.js';
import type { RfaTable } from './tables.js';
import { allows, type Viewer } from './viewer.js';

export const JURISDICTION_CODE = /^[A-Z]{2,3}(-[A-Z0-9]{1,8})?$/;
export const PURPOSE = /^[a-z][a-z0-9-]{1,39}$/;
export const RFA_REF = /^RFA-[0-9]{4,}$/;
export const RFA_STATUSES = [
  'received',
  'in-review',
  'approved',
  'fulfilled',
  'refused',
  'withdrawn',
] as const;
export type RfaStatus = (typeof RFA_STATUSES)[number];

const NEXT: Readonly<Record<RfaStatus, readonly RfaStatus[]>> = {
  received: ['in-review', 'refused', 'withdrawn'],
  'in-review': ['approved', 'refused', 'withdrawn'],
  approved: ['fulfilled', 'refused', 'withdrawn'],
  fulfilled: [],
  refused: [],
  withdrawn: [],
};

export interface Jurisdiction {
  readonly code: string;
  readonly name: string;
  readonly deathPenalty: boolean;
}

/** setJurisdiction records or updates a jurisdiction (ISO 3166 code, optionally a subdivision). */
export async function setJurisdiction(ctx: Ctx, input: Jurisdiction): Promise<Jurisdiction> {
  if (!JURISDICTION_CODE.test(input.code))
    throw new CaseError('INVALID_CASE_INPUT', 'a jurisdiction code is ISO 3166 (e.g. NL, US-TX)');
  const name = text('name', input.name, 200);
  const row = { code: input.code, name, death_penalty: input.deathPenalty ? 1 : 0, updated_at: nowIso(ctx) };
  await ctx.db
    .insertInto('jurisdiction')
    .values(row)
    .onConflict((oc) =>
      oc.column('code').doUpdateSet({ name, death_penalty: row.death_penalty, updated_at: row.updated_at }),
    )
    .execute();
  return { code: row.code, name, deathPenalty: input.deathPenalty };
}

export async function listJurisdictions(ctx: Ctx): Promise<Jurisdiction[]> {
  const rows = await ctx.db.selectFrom('jurisdiction').selectAll().orderBy('code').execute();
  return rows.map((r) => ({ code: r.code, name: r.name, deathPenalty: r.death_penalty === 1 }));
}

export interface Rfa {
  readonly id: string;
  readonly ref: string;
  readonly caseRef: string;
  readonly authority: string;
  readonly jurisdiction: Jurisdiction;
  readonly purpose: string;
  readonly scope: string;
  readonly status: RfaStatus;
  readonly receivedOn: string;
  readonly dueOn: string | null;
  readonly closedOn: string | null;
  readonly createdAt: string;
}

export interface NewRfa {
  readonly caseRef: string;
  readonly authority: string;
  readonly jurisdiction: string;
  readonly purpose: string;
  readonly scope: string;
  readonly receivedOn: string;
  readonly dueOn?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function date(name: string, raw: string): string {
  if (!DATE.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`)))
    throw new CaseError('INVALID_CASE_INPUT', `${name} must be a date, YYYY-MM-DD`);
  return raw;
}

/** createRfa records a request for assistance against a case. */
export async function createRfa(ctx: Ctx, viewer: Viewer, input: NewRfa): Promise<Rfa> {
  const c = await findCase(ctx, viewer, input.caseRef, 'write');
  const j = await ctx.db
    .selectFrom('jurisdiction')
    .selectAll()
    .where('code', '=', input.jurisdiction)
    .executeTakeFirst();
  if (!j) throw new CaseError('UNKNOWN_JURISDICTION', `no jurisdiction ${input.jurisdiction}; add it first`);
  if (!PURPOSE.test(input.purpose))
    throw new CaseError('INVALID_CASE_INPUT', 'purpose is a short id such as prosecution or investigation');
  const receivedOn = date('receivedOn', input.receivedOn);
  const dueOn = input.dueOn === undefined ? null : date('dueOn', input.dueOn);
  if (dueOn && dueOn < receivedOn) throw new CaseError('INVALID_CASE_INPUT', 'dueOn is before receivedOn');
  const at = nowIso(ctx);
  const id = await ctx.db.transaction().execute(async (trx) => {
    const seq = await nextValues(trx, 'rfa');
    const rowId = randomUUID();
    await trx
      .insertInto('rfa')
      .values({
        id: rowId,
        ref: `RFA-${String(seq).padStart(4, '0')}`,
        case_id: c.id,
        authority: text('authority', input.authority, 300),
        jurisdiction: j.code,
        purpose: input.purpose,
        scope: text('scope', input.scope, 4000),
        status: 'received',
        received_on: receivedOn,
        due_on: dueOn,
        closed_on: null,
        created_at: at,
        created_by: viewer.actor,
      })
      .execute();
    return rowId;
  });
  return getRfa(ctx, viewer, id);
}

async function rfaRows(ctx: Ctx, viewer: Viewer, where?: { column: 'rfa.id' | 'rfa.ref'; value: string }) {
  let q = ctx.db
    .selectFrom('rfa')
    .innerJoin('legal_case', 'legal_case.id', 'rfa.case_id')
    .innerJoin('jurisdiction', 'jurisdiction.code', 'rfa.jurisdiction')
    .selectAll('rfa')
    .select([
      'legal_case.ref as case_ref',
      'legal_case.compartment',
      'jurisdiction.name as jurisdiction_name',
      'jurisdiction.death_penalty',
    ])
    .orderBy('rfa.ref');
  if (where) q = q.where(where.column, '=', where.value);
  if (viewer.read !== 'all') {
    if (viewer.read.length === 0) return [];
    q = q.where('legal_case.compartment', 'in', [...viewer.read]);
  }
  return q.execute();
}

function rfaFromRow(
  r: Selectable<RfaTable> & { case_ref: string; jurisdiction_name: string; death_penalty: number },
): Rfa {
  return {
    id: r.id,
    ref: r.ref,
    caseRef: r.case_ref,
    authority: r.authority,
    jurisdiction: { code: r.jurisdiction, name: r.jurisdiction_name, deathPenalty: r.death_penalty === 1 },
    purpose: r.purpose,
    scope: r.scope,
    status: r.status as RfaStatus,
    receivedOn: r.received_on,
    dueOn: r.due_on,
    closedOn: r.closed_on,
    createdAt: r.created_at,
  };
}

/** listRfas returns the RFAs of the cases the viewer may read (optionally of one case). */
export async function listRfas(ctx: Ctx, viewer: Viewer, caseRef?: string): Promise<Rfa[]> {
  const rows = (await rfaRows(ctx, viewer)).map(rfaFromRow);
  return caseRef ? rows.filter((r) => r.caseRef === caseRef) : rows;
}

/** getRfa returns the RFA `idOrRef` or CASE_NOT_FOUND (also when its case is outside the viewer's). */
export async function getRfa(ctx: Ctx, viewer: Viewer, idOrRef: string): Promise<Rfa> {
  const [row] = await rfaRows(ctx, viewer, {
    column: RFA_REF.test(idOrRef) ? 'rfa.ref' : 'rfa.id',
    value: idOrRef,
  });
  if (!row) throw new CaseError('CASE_NOT_FOUND', `no request for assistance ${idOrRef}`);
  return rfaFromRow(row);
}

/** setRfaStatus moves an RFA along its lifecycle; closing states set closedOn. */
export async function setRfaStatus(ctx: Ctx, viewer: Viewer, ref: string, status: string): Promise<Rfa> {
  const rfa = await getRfa(ctx, viewer, ref);
  const c = await findCase(ctx, viewer, rfa.caseRef);
  if (!allows(viewer.write, c.compartment))
    throw new CaseError('CASE_NOT_FOUND', `no request for assistance ${ref}`);
  if (!(RFA_STATUSES as readonly string[]).includes(status))
    throw new CaseError('INVALID_CASE_INPUT', `status must be one of ${RFA_STATUSES.join(', ')}`);
  if (!NEXT[rfa.status].includes(status as RfaStatus))
    throw new CaseError('INVALID_RFA_TRANSITION', `an RFA ${rfa.status} cannot become ${status}`);
  const closing = NEXT[status as RfaStatus].length === 0;
  await ctx.db
    .updateTable('rfa')
    .set({ status, ...(closing ? { closed_on: nowIso(ctx).slice(0, 10) } : {}) })
    .where('id', '=', rfa.id)
    .where('status', '=', rfa.status)
    .execute();
  return getRfa(ctx, viewer, rfa.id);
}
