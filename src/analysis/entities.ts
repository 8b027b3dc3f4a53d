/**
 * entities.ts — persons, organisations, units, places and vehicles. A person may be protected:
 * outside the entity's compartment a pseudonymised or protected person appears by pseudonym only
 * (DESIGN rule 4); inside it a protected person's name needs an explicit reveal, which is
 * recorded in the custody log as a view. Any other entity outside the caller's compartments does
 * not exist for them (rule 7).
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { appendEntry } from '../custody/service.js';
import { type Ctx, nowIso } from '../ctx.js';
import type { CanonicalValue } from '../lib/canonical-json.js';
import { loadGazetteer } from '../search/index.js';
import { AnalysisError } from './errors.js';
import { type Actor, inScope, invalid, oneOf, recordChange, type Scope, text, writableCompartment } from './records.js';
import type { EntityTable } from './tables.js';
import { ENTITY_KINDS, type EntityKind, PROTECTION_LEVELS, type Protection } from './vocabulary.js';

export interface EntityInput {
  readonly kind: unknown;
  readonly name: unknown;
  readonly nameAr?: unknown;
  readonly aliases?: unknown;
  readonly compartment: unknown;
  readonly protection?: unknown;
  readonly pseudonym?: unknown;
  readonly pcode?: unknown;
  readonly attributes?: unknown;
}

/** The entity as its own compartment sees it (a protected name only when revealed). */
export interface EntityView {
  readonly view: 'full';
  readonly id: string;
  readonly kind: EntityKind;
  readonly name: string | null;
  readonly nameAr: string | null;
  readonly aliases: string[];
  readonly compartment: string;
  readonly protection: Protection;
  readonly pseudonym: string | null;
  readonly pcode: string | null;
  readonly attributes: Record<string, string | number | boolean>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A protected person seen from outside their compartment: the pseudonym and nothing else. */
export interface PseudonymView {
  readonly view: 'pseudonym';
  readonly id: string;
  readonly kind: 'person';
  readonly pseudonym: string;
  readonly protection: Protection;
}

type Row = Selectable<EntityTable>;

const MAX_ALIASES = 50;
const MAX_ATTRIBUTES = 32;

function aliasesOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > MAX_ALIASES) throw invalid(`aliases is a list of at most ${MAX_ALIASES} names`, 'aliases');
  return [...new Set(value.map((a, i) => text(a, `aliases[${i}]`, 300)!))];
}

function attributesOf(value: unknown): Record<string, string | number | boolean> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('attributes is an object', 'attributes');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_ATTRIBUTES) throw invalid(`at most ${MAX_ATTRIBUTES} attributes`, 'attributes');
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of entries) {
    if (!/^[a-zA-Z][a-zA-Z0-9_-]{0,39}$/.test(k)) throw invalid(`attribute name ${k.slice(0, 40)} is not allowed`, 'attributes');
    if (typeof v === 'string') out[k] = text(v, `attributes.${k}`, 300)!;
    else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') out[k] = v;
    else throw invalid(`attributes.${k} must be text, a number or true/false`, 'attributes');
  }
  return out;
}

function pcodeOf(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !loadGazetteer().places.has(value.toUpperCase()))
    throw invalid('pcode names no gazetteer place', 'pcode');
  return value.toUpperCase();
}

function protectionOf(kind: EntityKind, protection: unknown, pseudonym: unknown, name: string): { protection: Protection; pseudonym: string | null } {
  const level = protection === undefined ? 'none' : oneOf(protection, 'protection', PROTECTION_LEVELS);
  const p = text(pseudonym, 'pseudonym', 100, true);
  if (level !== 'none') {
    if (kind !== 'person') throw invalid('only a person can be protected', 'protection');
    if (!p) throw invalid('a protected person needs a pseudonym', 'pseudonym');
    if (p.toLowerCase() === name.toLowerCase()) throw invalid('the pseudonym must not be the name', 'pseudonym');
  }
  return { protection: level, pseudonym: p };
}

function rowBody(row: Row): CanonicalValue {
  const { created_at: _c, updated_at: _u, ...rest } = row;
  return { ...rest };
}

function fullView(row: Row, reveal: boolean): EntityView {
  const hidden = row.protection === 'protected' && !reveal;
  return {
    view: 'full',
    id: row.id,
    kind: row.kind as EntityKind,
    name: hidden ? null : row.name,
    nameAr: hidden ? null : row.name_ar,
    aliases: hidden ? [] : (JSON.parse(row.aliases) as string[]),
    compartment: row.compartment,
    protection: row.protection as Protection,
    pseudonym: row.pseudonym,
    pcode: row.pcode,
    attributes: hidden ? {} : (JSON.parse(row.attributes) as Record<string, string | number | boolean>),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * viewOf is how `scope` may see an entity row: in full, by pseudonym, or not at all (undefined).
 * Links, incidents and lists show their entity ends through it.
 */
export function viewOf(row: Row, scope: Scope, reveal = false): EntityView | PseudonymView | undefined {
  if (inScope(scope, row.compartment)) return fullView(row, reveal);
  if (row.protection !== 'none' && row.pseudonym)
    return { view: 'pseudonym', id: row.id, kind: 'person', pseudonym: row.pseudonym, protection: row.protection as Protection };
  return undefined;
}

/** createEntity records a new entity in a compartment the actor may write. */
export async function createEntity(ctx: Ctx, actor: Actor, input: EntityInput): Promise<EntityView> {
  const kind = oneOf(input.kind, 'kind', ENTITY_KINDS);
  const name = text(input.name, 'name', 300)!;
  const { protection, pseudonym } = protectionOf(kind, input.protection, input.pseudonym, name);
  const now = nowIso(ctx);
  const row: Row = {
    id: `ent-${randomUUID()}`,
    kind,
    name,
    name_ar: text(input.nameAr, 'nameAr', 300, true),
    aliases: JSON.stringify(aliasesOf(input.aliases)),
    compartment: writableCompartment(actor, input.compartment),
    protection,
    pseudonym,
    pcode: pcodeOf(input.pcode),
    attributes: JSON.stringify(attributesOf(input.attributes)),
    created_at: now,
    created_by: actor.id,
    updated_at: now,
  };
  if (kind !== 'place' && row.pcode && kind !== 'unit' && kind !== 'organisation')
    throw invalid('pcode is for places, units and organisations (their base)', 'pcode');
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('entity').values(row).execute();
    await recordChange(ctx, trx, actor, { action: 'entity-create', record: row.id, body: rowBody(row) });
  });
  return fullView(row, true);
}

export interface EntityPatch {
  readonly name?: unknown;
  readonly nameAr?: unknown;
  readonly aliases?: unknown;
  readonly protection?: unknown;
  readonly pseudonym?: unknown;
  readonly attributes?: unknown;
}

/** updateEntity changes an entity the actor may write (its kind and compartment stay). */
export async function updateEntity(ctx: Ctx, actor: Actor, id: string, patch: EntityPatch): Promise<EntityView> {
  const row = await readRow(ctx, id);
  if (!row || !inScope(actor.read, row.compartment)) throw new AnalysisError('NOT_FOUND', `no entity ${id}`);
  writableCompartment(actor, row.compartment);
  const name = patch.name === undefined ? row.name : text(patch.name, 'name', 300)!;
  const level = patch.protection === undefined ? row.protection : patch.protection;
  const pseudo = patch.pseudonym === undefined ? row.pseudonym : patch.pseudonym;
  const { protection, pseudonym } = protectionOf(row.kind as EntityKind, level, pseudo, name);
  const next: Row = {
    ...row,
    name,
    name_ar: patch.nameAr === undefined ? row.name_ar : text(patch.nameAr, 'nameAr', 300, true),
    aliases: patch.aliases === undefined ? row.aliases : JSON.stringify(aliasesOf(patch.aliases)),
    protection,
    pseudonym,
    attributes: patch.attributes === undefined ? row.attributes : JSON.stringify(attributesOf(patch.attributes)),
    updated_at: nowIso(ctx),
  };
  await ctx.db.transaction().execute(async (trx) => {
    const { id: _id, ...rest } = next;
    await trx.updateTable('entity').set(rest).where('id', '=', id).execute();
    await recordChange(ctx, trx, actor, { action: 'entity-update', record: id, body: rowBody(next) });
  });
  return fullView(next, true);
}

export async function readRow(ctx: Ctx, id: string): Promise<Row | undefined> {
  if (!/^ent-[0-9a-f-]{36}$/.test(id)) return undefined;
  return ctx.db.selectFrom('entity').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * getEntity returns the entity as the actor may see it. `reveal` shows a protected person's
 * name inside their compartment and logs that view in the custody log.
 */
export async function getEntity(ctx: Ctx, actor: Actor, id: string, reveal = false): Promise<EntityView | PseudonymView> {
  const row = await readRow(ctx, id);
  const view = row ? viewOf(row, actor.read, reveal) : undefined;
  if (!row || !view) throw new AnalysisError('NOT_FOUND', `no entity ${id}`);
  if (reveal && view.view === 'full' && row.protection === 'protected') {
    await appendEntry(ctx, { kind: 'view', actor: actor.id, data: { record: id, part: 'identity' } });
  }
  return view;
}

/** listEntities lists the entities of the actor's compartments, by name, a page at a time. */
export async function listEntities(
  ctx: Ctx,
  actor: Actor,
  options: { kind?: string; after?: string; limit?: number } = {},
): Promise<{ entities: EntityView[]; next: string | null }> {
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 500);
  if (actor.read !== 'all' && actor.read.length === 0) return { entities: [], next: null };
  let q = ctx.db.selectFrom('entity').selectAll().orderBy('id').limit(limit + 1);
  if (actor.read !== 'all') q = q.where('compartment', 'in', [...actor.read]);
  if (options.kind) q = q.where('kind', '=', oneOf(options.kind, 'kind', ENTITY_KINDS));
  if (options.after) q = q.where('id', '>', options.after);
  const rows = await q.execute();
  const page = rows.slice(0, limit);
  return {
    entities: page.map((r) => fullView(r, false)),
    next: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}
