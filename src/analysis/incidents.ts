/**
 * incidents.ts — incidents: a type from the vocabulary, a title and description, an uncertain
 * time range (time-range.ts), a place (gazetteer P-code), the items and records linked to it
 * (links.ts) and its claims with their corroboration; the incident's own corroboration status
 * is derived from its claims over the items the caller may see.
 */
import { randomUUID } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import { type Ctx, nowIso } from '../ctx.js';
import { ancestors, loadGazetteer } from '../search/index.js';
import { type ClaimView, claimsOf } from './claims.js';
import { type IncidentStatus, incidentStatus, sourceKey } from './corroboration.js';
import { AnalysisError } from './errors.js';
import { type LinkView, linksOf } from './links.js';
import {
  type Actor,
  inScope,
  inTransaction,
  invalid,
  isRecordId,
  newSalt,
  oneOf,
  recordChange,
  type Scope,
  text,
  writableCompartment,
} from './records.js';
import type { IncidentTable } from './tables.js';
import { timeRange } from './time-range.js';
import { INCIDENT_TYPES, type IncidentType } from './vocabulary.js';

export interface IncidentInput {
  readonly type: unknown;
  readonly title: unknown;
  readonly description?: unknown;
  readonly compartment: unknown;
  /** A period or instant ("2016-12-15", "2016-12"), or {earliest, latest}. */
  readonly start?: unknown;
  readonly end?: unknown;
  readonly pcode?: unknown;
}

export interface IncidentSummary {
  readonly id: string;
  readonly type: IncidentType;
  readonly title: string;
  readonly description: string;
  readonly compartment: string;
  readonly start: { readonly earliest: string | null; readonly latest: string | null };
  readonly end: { readonly earliest: string | null; readonly latest: string | null };
  readonly pcode: string | null;
  readonly placeName: string | null;
  readonly createdAt: string;
}

export interface IncidentDetail extends IncidentSummary {
  readonly links: LinkView[];
  readonly claims: ClaimView[];
  readonly corroboration: {
    readonly status: IncidentStatus;
    /** Independent sources supporting at least one claim (one source counts once across claims). */
    readonly supportingSources: number;
    readonly contradictingSources: number;
  };
}

type Row = Selectable<IncidentTable>;

function summary(row: Row): IncidentSummary {
  const place = row.pcode ? loadGazetteer().places.get(row.pcode) : undefined;
  return {
    id: row.id,
    type: row.type as IncidentType,
    title: row.title,
    description: row.description,
    compartment: row.compartment,
    start: { earliest: row.start_earliest, latest: row.start_latest },
    end: { earliest: row.end_earliest, latest: row.end_latest },
    pcode: row.pcode,
    placeName: place ? `${place.nameEn} / ${place.nameAr}` : null,
    createdAt: row.created_at,
  };
}

/** createIncident records an incident in a compartment the actor may write. */
export async function createIncident(ctx: Ctx, actor: Actor, input: IncidentInput): Promise<IncidentSummary> {
  const type = oneOf(input.type, 'type', INCIDENT_TYPES);
  const range = timeRange(input.start, input.end);
  let pcode: string | null = null;
  if (input.pcode !== undefined && input.pcode !== null && input.pcode !== '') {
    if (typeof input.pcode !== 'string' || !loadGazetteer().places.has(input.pcode.toUpperCase()))
      throw invalid('pcode names no gazetteer place', 'pcode');
    pcode = input.pcode.toUpperCase();
  }
  const row: Row = {
    id: `inc-${randomUUID()}`,
    type,
    title: text(input.title, 'title', 300)!,
    description: text(input.description, 'description', 10_000, true) ?? '',
    compartment: writableCompartment(actor, input.compartment),
    start_earliest: range.startEarliest,
    start_latest: range.startLatest,
    end_earliest: range.endEarliest,
    end_latest: range.endLatest,
    pcode,
    created_at: nowIso(ctx),
    created_by: actor.id,
    salt: newSalt(),
  };
  await inTransaction(ctx, async (trx) => {
    await trx.insertInto('incident').values(row).execute();
    // Every column, created_at and created_by included (commitment 2, records.ts).
    const body = { ...row };
    await recordChange(ctx, trx, actor, {
      action: 'incident-create',
      record: row.id,
      compartment: row.compartment,
      body,
    });
  });
  return summary(row);
}

/** getIncident returns an incident with its visible links and claims and its status. */
export async function getIncident(ctx: Ctx, scope: Scope, id: string): Promise<IncidentDetail> {
  const row = isRecordId('inc', id)
    ? await ctx.db.selectFrom('incident').selectAll().where('id', '=', id).executeTakeFirst()
    : undefined;
  if (!row || !inScope(scope, row.compartment)) throw new AnalysisError('NOT_FOUND', `no incident ${id}`);
  const links = await linksOf(ctx, scope, { type: 'incident', id });
  const claims = await claimsOf(ctx, scope, id);
  const sources = (stance: string) =>
    new Set(
      claims.flatMap((c) => c.stances.filter((s) => s.stance === stance).map((s) => sourceKey(s.source))),
    ).size;
  return {
    ...summary(row),
    links,
    claims,
    corroboration: {
      status: incidentStatus(claims.map((c) => c.corroboration.status)),
      supportingSources: sources('supports'),
      contradictingSources: sources('contradicts'),
    },
  };
}

/** placesWithin returns the P-codes of a place and every place inside it. */
function placesWithin(area: string): string[] {
  const out: string[] = [];
  for (const p of loadGazetteer().places.values())
    if (p.pcode === area || ancestors(p).includes(area)) out.push(p.pcode);
  return out;
}

/**
 * listIncidents lists visible incidents, latest start first (undated last): by type, inside a
 * place's admin area (P-code), and overlapping [from, to) when given.
 */
export async function listIncidents(
  ctx: Ctx,
  scope: Scope,
  options: { type?: string; place?: string; from?: string; to?: string; limit?: number } = {},
): Promise<IncidentSummary[]> {
  if (scope !== 'all' && scope.length === 0) return [];
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 500);
  let q = ctx.db.selectFrom('incident').selectAll();
  if (scope !== 'all') q = q.where('compartment', 'in', [...scope]);
  if (options.type) q = q.where('type', '=', oneOf(options.type, 'type', INCIDENT_TYPES));
  const from = options.from === undefined ? undefined : instant(options.from, 'from');
  const to = options.to === undefined ? undefined : instant(options.to, 'to');
  // Overlap of [start earliest, end latest] (an open end: the start's latest) with [from, to).
  if (from)
    q = q.where((eb) =>
      eb.or([
        eb('end_latest', '>=', from),
        eb.and([eb('end_latest', 'is', null), eb('start_latest', '>=', from)]),
      ]),
    );
  if (to) q = q.where('start_earliest', '<', to);
  if (options.place !== undefined) {
    const area = options.place.toUpperCase();
    if (!loadGazetteer().places.has(area)) throw invalid('place names no gazetteer place', 'place');
    q = q.where('pcode', 'in', placesWithin(area));
  }
  // Both dialects sort undated incidents last (SQLite and PostgreSQL place NULL differently).
  const rows = await q
    .orderBy(sql`case when start_earliest is null then 1 else 0 end`)
    .orderBy('start_earliest', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(summary);
}

function instant(value: string, field: string): string {
  const t = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) || Number.isNaN(t.getTime()))
    throw invalid(`${field} is an ISO 8601 date or instant`, field);
  return t.toISOString();
}
