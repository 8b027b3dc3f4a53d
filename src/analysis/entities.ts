/**
 * entities.ts — persons, organisations, units, places and vehicles. Protection of a person
 * (vocabulary.ts): a `pseudonymised` or `protected` person appears outside their compartment by
 * pseudonym only, and only inside a link the caller may see (DESIGN rule 4); a `protected`
 * person's name, other names and attributes are shown inside the compartment too only to a
 * holder of persons:reveal who asks for them, and each such reveal is a custody `view` entry.
 * Any other entity outside the caller's compartments does not exist for them (rule 7).
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { type Ctx, nowIso } from '../ctx.js';
import { appendEntry } from '../custody/index.js';
import type { CanonicalValue } from '../lib/canonical-json.js';
import { loadGazetteer, queueSearchUpdates } from '../search/index.js';
import { AnalysisError } from './errors.js';
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

/** The entity as its own compartment sees it (a protected person's identity only when revealed). */
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
  /** True when a protected person's name, other names and attributes are withheld. */
  readonly withheld: boolean;
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
  if (!Array.isArray(value) || value.length > MAX_ALIASES)
    throw invalid(`aliases is a list of at most ${MAX_ALIASES} names`, 'aliases');
  return [...new Set(value.map((a, i) => text(a, `aliases[${i}]`, 300)!))];
}

function attributesOf(value: unknown): Record<string, string | number | boolean> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalid('attributes is an object', 'attributes');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_ATTRIBUTES) throw invalid(`at most ${MAX_ATTRIBUTES} attributes`, 'attributes');
  // A null-prototype object: an attribute named __proto__ or constructor stays plain data.
  const out: Record<string, string | number | boolean> = Object.create(null);
  for (const [k, v] of entries) {
    if (!/^[a-zA-Z][a-zA-Z0-9_-]{0,39}$/.test(k) || k === 'constructor')
      throw invalid(`attribute name ${JSON.stringify(k.slice(0, 40))} is not allowed`, 'attributes');
    if (typeof v === 'string') out[k] = text(v, `attributes.${k}`, 300)!;
    else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') out[k] = v;
    else throw invalid(`attributes.${k} must be text, a number or true/false`, 'attributes');
  }
  return { ...out };
}

function pcodeOf(kind: EntityKind, value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !loadGazetteer().places.has(value.toUpperCase()))
    throw invalid('pcode names no gazetteer place', 'pcode');
  if (kind !== 'place' && kind !== 'unit' && kind !== 'organisation')
    throw invalid('pcode is for places, units and organisations (their base)', 'pcode');
  return value.toUpperCase();
}

/** fold is how two names are compared for "the same name": NFKC, case and spacing ignored. */
function fold(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * protectionOf checks the protection level and the pseudonym. The pseudonym must not be the
 * person's name, Arabic name or another name in `identity` — the names the caller may know: for
 * a caller who cannot see a protected person's withheld identity, `identity` is empty, because
 * an answer that depended on the withheld name would let them confirm a guess (README).
 */
function protectionOf(
  kind: EntityKind,
  protection: unknown,
  pseudonym: unknown,
  identity: readonly (string | null)[],
): { protection: Protection; pseudonym: string | null } {
  const level = protection === undefined ? 'none' : oneOf(protection, 'protection', PROTECTION_LEVELS);
  const p = text(pseudonym, 'pseudonym', 100, true);
  if (level !== 'none') {
    if (kind !== 'person') throw invalid('only a person can be protected', 'protection');
    if (!p) throw invalid('a protected person needs a pseudonym', 'pseudonym');
    if (identity.some((n) => n !== null && fold(n) === fold(p)))
      throw invalid('the pseudonym must not be the name', 'pseudonym');
  }
  return { protection: level, pseudonym: p };
}

/** rowBody is what the custody entry commits to: every column (commitment 2, records.ts). */
function rowBody(row: Row): CanonicalValue {
  return { ...row };
}

function fullView(row: Row, reveal: boolean): EntityView {
  const withheld = row.protection === 'protected' && !reveal;
  return {
    view: 'full',
    id: row.id,
    kind: row.kind as EntityKind,
    name: withheld ? null : row.name,
    nameAr: withheld ? null : row.name_ar,
    aliases: withheld ? [] : (JSON.parse(row.aliases) as string[]),
    compartment: row.compartment,
    protection: row.protection as Protection,
    pseudonym: row.pseudonym,
    withheld,
    pcode: row.pcode,
    attributes: withheld ? {} : (JSON.parse(row.attributes) as Record<string, string | number | boolean>),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * viewOf is how `scope` may see an entity at the end of a link or in a list: in full (a
 * protected person's identity withheld), by pseudonym, or not at all (undefined).
 */
export function viewOf(row: Row, scope: Scope): EntityView | PseudonymView | undefined {
  if (inScope(scope, row.compartment)) return fullView(row, false);
  if (row.protection !== 'none' && row.pseudonym)
    return {
      view: 'pseudonym',
      id: row.id,
      kind: 'person',
      pseudonym: row.pseudonym,
      protection: row.protection as Protection,
    };
  return undefined;
}

/** createEntity records a new entity in a compartment the actor may write. */
export async function createEntity(ctx: Ctx, actor: Actor, input: EntityInput): Promise<EntityView> {
  const kind = oneOf(input.kind, 'kind', ENTITY_KINDS);
  const name = text(input.name, 'name', 300)!;
  const nameAr = text(input.nameAr, 'nameAr', 300, true);
  const aliases = aliasesOf(input.aliases);
  const pcode = pcodeOf(kind, input.pcode);
  const attributes = attributesOf(input.attributes);
  // The caller typed every name here: checking the pseudonym against them confirms nothing new.
  const { protection, pseudonym } = protectionOf(kind, input.protection, input.pseudonym, [
    name,
    nameAr,
    ...aliases,
  ]);
  const compartment = writableCompartment(actor, input.compartment);
  const now = nowIso(ctx);
  const row: Row = {
    id: `ent-${randomUUID()}`,
    kind,
    name,
    name_ar: nameAr,
    aliases: JSON.stringify(aliases),
    compartment,
    protection,
    pseudonym,
    pcode,
    attributes: JSON.stringify(attributes),
    created_at: now,
    created_by: actor.id,
    updated_at: now,
    salt: newSalt(),
  };
  await inTransaction(ctx, async (trx) => {
    await trx.insertInto('entity').values(row).execute();
    await recordChange(ctx, trx, actor, {
      action: 'entity-create',
      record: row.id,
      compartment: row.compartment,
      body: rowBody(row),
    });
  });
  // What the caller typed is not echoed for a protected person: the reply is a read like any other.
  return fullView(row, false);
}

export interface EntityPatch {
  readonly name?: unknown;
  readonly nameAr?: unknown;
  readonly aliases?: unknown;
  readonly protection?: unknown;
  readonly pseudonym?: unknown;
  readonly attributes?: unknown;
}

/**
 * updateEntity changes an entity the actor may write (its kind and compartment stay). Every
 * field is checked first, so no answer depends on what is stored. A protected person's identity
 * (name, Arabic name, other names, attributes) is withheld from a caller without persons:reveal
 * in its compartment, so such a caller may neither change it (IDENTITY_FORBIDDEN: they could
 * erase an identity they cannot see) nor learn anything about it: the pseudonym is checked
 * against the withheld names only for a caller who may see them. Lowering a protected person's
 * protection would show their name to every reader, so it needs persons:reveal as well.
 */
export async function updateEntity(
  ctx: Ctx,
  actor: Actor,
  id: string,
  patch: EntityPatch,
): Promise<EntityView> {
  const row = await readRow(ctx, id);
  if (!row || !inScope(actor.read, row.compartment)) throw new AnalysisError('NOT_FOUND', `no entity ${id}`);
  writableCompartment(actor, row.compartment);
  const kind = row.kind as EntityKind;
  // 1. Validate every field on its own, before anything is compared with the stored record.
  const name = patch.name === undefined ? row.name : text(patch.name, 'name', 300)!;
  const nameAr = patch.nameAr === undefined ? row.name_ar : text(patch.nameAr, 'nameAr', 300, true);
  const aliases =
    patch.aliases === undefined ? (JSON.parse(row.aliases) as string[]) : aliasesOf(patch.aliases);
  const attributes =
    patch.attributes === undefined
      ? (JSON.parse(row.attributes) as Record<string, string | number | boolean>)
      : attributesOf(patch.attributes);
  const level =
    patch.protection === undefined
      ? row.protection
      : oneOf(patch.protection, 'protection', PROTECTION_LEVELS);
  const pseudo =
    patch.pseudonym === undefined ? row.pseudonym : text(patch.pseudonym, 'pseudonym', 100, true);
  // 2. Rights: a withheld identity is neither changed nor consulted by a caller who cannot see it.
  const withheld = row.protection === 'protected' && !inScope(actor.reveal, row.compartment);
  if (
    withheld &&
    (patch.name !== undefined ||
      patch.nameAr !== undefined ||
      patch.aliases !== undefined ||
      patch.attributes !== undefined)
  )
    throw new AnalysisError(
      'IDENTITY_FORBIDDEN',
      "changing a protected person's name, other names or attributes needs persons:reveal",
    );
  if (withheld && level !== 'protected')
    throw new AnalysisError(
      'REVEAL_FORBIDDEN',
      'lowering the protection of a protected person needs persons:reveal',
    );
  // 3. The rules between fields, over the names this caller may know.
  const { protection, pseudonym } = protectionOf(
    kind,
    level,
    pseudo,
    withheld ? [] : [name, nameAr, ...aliases],
  );
  const next: Row = {
    ...row,
    name,
    name_ar: nameAr,
    aliases: patch.aliases === undefined ? row.aliases : JSON.stringify(aliases),
    protection,
    pseudonym,
    attributes: patch.attributes === undefined ? row.attributes : JSON.stringify(attributes),
    updated_at: nowIso(ctx),
  };
  await inTransaction(ctx, async (trx) => {
    const { id: _id, ...rest } = next;
    await trx.updateTable('entity').set(rest).where('id', '=', id).execute();
    await recordChange(ctx, trx, actor, {
      action: 'entity-update',
      record: id,
      compartment: row.compartment,
      body: rowBody(next),
    });
    // The items linked to it are indexed again with its new names (search-entity job).
    await queueSearchUpdates(trx, { entities: [{ id, compartment: row.compartment }] }, next.updated_at);
  });
  return fullView(next, false);
}

/** readRow reads one entity row by id (undefined for an id of the wrong shape or none). */
export async function readRow(ctx: Ctx, id: string): Promise<Row | undefined> {
  if (!isRecordId('ent', id)) return undefined;
  return ctx.db.selectFrom('entity').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * getEntity returns an entity of the actor's compartments (another compartment's is not found,
 * protected or not: the pseudonym shows only inside a link the caller may see). `reveal` shows a
 * protected person's identity to a holder of persons:reveal there, and logs that view.
 */
export async function getEntity(ctx: Ctx, actor: Actor, id: string, reveal = false): Promise<EntityView> {
  const row = await readRow(ctx, id);
  if (!row || !inScope(actor.read, row.compartment)) throw new AnalysisError('NOT_FOUND', `no entity ${id}`);
  if (!reveal || row.protection !== 'protected') return fullView(row, false);
  if (!inScope(actor.reveal, row.compartment))
    throw new AnalysisError('REVEAL_FORBIDDEN', "a protected person's identity needs persons:reveal");
  await appendEntry(ctx, {
    kind: 'view',
    actor: actor.id,
    data: { record: row.id, part: 'identity', compartment: row.compartment },
  });
  return fullView(row, true);
}

/** listEntities lists the entities of the actor's compartments in id order, a page at a time. */
export async function listEntities(
  ctx: Ctx,
  actor: Actor,
  options: { kind?: string; after?: string; limit?: number } = {},
): Promise<{ entities: EntityView[]; next: string | null }> {
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 500);
  if (actor.read !== 'all' && actor.read.length === 0) return { entities: [], next: null };
  let q = ctx.db
    .selectFrom('entity')
    .selectAll()
    .orderBy('id')
    .limit(limit + 1);
  if (actor.read !== 'all') q = q.where('compartment', 'in', [...actor.read]);
  if (options.kind) q = q.where('kind', '=', oneOf(options.kind, 'kind', ENTITY_KINDS));
  if (options.after !== undefined) {
    if (!isRecordId('ent', options.after))
      throw invalid('after is an entity id (the previous page’s next)', 'after');
    q = q.where('id', '>', options.after);
  }
  const rows = await q.execute();
  const page = rows.slice(0, limit);
  return {
    entities: page.map((r) => fullView(r, false)),
    next: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}
