/**
 * service.ts — cases: create and list, the evidence items in a case, its entities (suspects,
 * units, witnesses — pseudonymous where protected), incidents, notes and team. Every read is
 * scoped to the viewer's compartments in the query; a case or item outside them is "not found".
 * Adding an item to a case appends an `annotate` entry (ids only) in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { ALL_COMPARTMENTS, grantsOf, ROLE_PERMISSIONS } from '../access/index.js';
import { type Ctx, nowIso } from '../ctx.js';
import { appendEntries, maybeCheckpoint } from '../custody/index.js';
import { parseErn } from '../lib/ern.js';
import { nextValues } from '../store/counters.js';
import { COMPARTMENT_NAME, DEFAULT_COMPARTMENT } from '../vault/index.js';
import {
  type CaseDetail,
  type CaseSummary,
  caseFromRow,
  ENTITY_KINDS,
  type EntityKind,
  entityFromRow,
  MEMBER_ROLES,
  type MemberRole,
} from './case-model.js';
import { CaseError } from './errors.js';
import { allows, type Viewer } from './viewer.js';

const MAX_TEXT = 500;
const MAX_NOTE = 20_000;
export const CASE_REF = /^CASE-[0-9]{4,}$/;
/** How a package target is named: a case (CASE-0001) or a request for assistance (RFA-0001). */
export const RFA_OR_CASE = { case: CASE_REF, rfa: /^RFA-[0-9]{4,}$/ } as const;

/** text checks a required one-line field and returns it trimmed. */
export function text(name: string, raw: unknown, max = MAX_TEXT): string {
  if (typeof raw !== 'string') throw new CaseError('INVALID_CASE_INPUT', `${name} is required`);
  const v = raw.trim();
  if (v.length === 0 || v.length > max || /[\u0000-\u001f\u007f]/.test(v))
    throw new CaseError('INVALID_CASE_INPUT', `${name} must be 1 to ${max} characters on one line`);
  return v;
}

export type { CaseSummary } from './case-model.js';

export interface NewCase {
  readonly title: string;
  readonly legalFramework?: string;
  readonly compartment?: string;
}

/** createCase opens a case in `compartment` (default `general`), where the viewer must write. */
export async function createCase(ctx: Ctx, viewer: Viewer, input: NewCase): Promise<CaseSummary> {
  const title = text('title', input.title);
  const legalFramework = text('legal framework', input.legalFramework ?? 'Rome Statute of the ICC');
  const compartment = input.compartment ?? DEFAULT_COMPARTMENT;
  if (!COMPARTMENT_NAME.test(compartment))
    throw new CaseError('INVALID_CASE_INPUT', 'compartment must be lowercase letters, digits and dashes');
  if (!allows(viewer.write, compartment))
    throw new CaseError('INVALID_CASE_INPUT', `you cannot open cases in compartment ${compartment}`);
  const at = nowIso(ctx);
  return ctx.db.transaction().execute(async (trx) => {
    const seq = await nextValues(trx, 'case');
    const row = {
      id: randomUUID(),
      ref: `CASE-${String(seq).padStart(4, '0')}`,
      title,
      legal_framework: legalFramework,
      compartment,
      status: 'open',
      created_at: at,
      created_by: viewer.actor,
    };
    await trx.insertInto('legal_case').values(row).execute();
    await trx
      .insertInto('case_member')
      .values({ case_id: row.id, user_id: viewer.actor, role: 'lead', added_at: at })
      .execute();
    return caseFromRow(row);
  });
}

/** listCases returns the cases in the viewer's compartments, newest first. */
export async function listCases(ctx: Ctx, viewer: Viewer): Promise<CaseSummary[]> {
  let q = ctx.db.selectFrom('legal_case').selectAll().orderBy('ref', 'desc');
  if (viewer.read !== 'all') {
    if (viewer.read.length === 0) return [];
    q = q.where('compartment', 'in', [...viewer.read]);
  }
  return (await q.execute()).map(caseFromRow);
}

/** findCase returns the case `idOrRef` if the viewer may read it; else CASE_NOT_FOUND. */
export async function findCase(
  ctx: Ctx,
  viewer: Viewer,
  idOrRef: string,
  mode: 'read' | 'write' = 'read',
): Promise<CaseSummary> {
  const column = CASE_REF.test(idOrRef) ? 'ref' : 'id';
  const row = await ctx.db
    .selectFrom('legal_case')
    .selectAll()
    .where(column, '=', idOrRef)
    .executeTakeFirst();
  // Not "forbidden": a case in another compartment must not reveal that it exists.
  if (!row || !allows(mode === 'read' ? viewer.read : viewer.write, row.compartment))
    throw new CaseError('CASE_NOT_FOUND', `no case ${idOrRef}`);
  return caseFromRow(row);
}

/** getCase returns a case with what the viewer may see of its items, entities and the rest. */
export async function getCase(ctx: Ctx, viewer: Viewer, idOrRef: string): Promise<CaseDetail> {
  const c = await findCase(ctx, viewer, idOrRef);
  const [items, entities, links, incidents, notes, team, checklists] = await Promise.all([
    caseItemRows(ctx, viewer, c.id),
    ctx.db
      .selectFrom('case_entity')
      .selectAll()
      .where('case_id', '=', c.id)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    ctx.db
      .selectFrom('case_entity_item')
      .innerJoin('case_entity', 'case_entity.id', 'case_entity_item.entity_id')
      .innerJoin('item', 'item.id', 'case_entity_item.item_id')
      .select(['case_entity_item.entity_id', 'item.ern', 'item.compartment'])
      .where('case_entity.case_id', '=', c.id)
      .execute(),
    ctx.db
      .selectFrom('case_incident')
      .selectAll()
      .where('case_id', '=', c.id)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    ctx.db
      .selectFrom('case_note')
      .leftJoin('app_user', 'app_user.id', 'case_note.author')
      .selectAll('case_note')
      .select('app_user.username')
      .where('case_id', '=', c.id)
      .orderBy('at')
      .orderBy('case_note.id')
      .execute(),
    ctx.db
      .selectFrom('case_member')
      .leftJoin('app_user', 'app_user.id', 'case_member.user_id')
      .selectAll('case_member')
      .select('app_user.username')
      .where('case_id', '=', c.id)
      // The lead first; then by when they joined, with the username breaking ties (two members
      // added in the same millisecond would otherwise come back in either order).
      .orderBy(sql`case when case_member.role = 'lead' then 0 else 1 end`)
      .orderBy('case_member.added_at')
      .orderBy('app_user.username')
      .execute(),
    ctx.db.selectFrom('case_checklist').select('checklist_id').where('case_id', '=', c.id).execute(),
  ]);
  return {
    ...c,
    items,
    entities: entities.map((e) =>
      entityFromRow(
        e,
        links.filter((l) => l.entity_id === e.id && allows(viewer.read, l.compartment)).map((l) => l.ern),
        allows(viewer.read, e.name_compartment ?? c.compartment),
      ),
    ),
    incidents: incidents.map((i) => ({
      id: i.id,
      incidentRef: i.incident_ref,
      title: i.title,
      occurredOn: i.occurred_on,
    })),
    notes: notes.map((n) => ({ id: n.id, body: n.body, at: n.at, author: n.author, authorName: n.username })),
    team: team.map((m) => ({ userId: m.user_id, username: m.username, role: m.role, addedAt: m.added_at })),
    checklists: checklists.map((r) => r.checklist_id).sort(),
  };
}

/** caseItemRows lists the case's items the viewer may read, in ERN order. */
async function caseItemRows(ctx: Ctx, viewer: Viewer, caseId: string) {
  if (viewer.read !== 'all' && viewer.read.length === 0) return [];
  let q = ctx.db
    .selectFrom('case_item')
    .innerJoin('item', 'item.id', 'case_item.item_id')
    .leftJoin('item as parent', 'parent.id', 'item.parent_item_id')
    .select([
      'item.ern',
      'item.title',
      'item.media_type',
      'item.blob_sha256',
      'item.size',
      'parent.ern as parent_ern',
      'case_item.added_at',
    ])
    .where('case_item.case_id', '=', caseId)
    .orderBy('item.ern_seq');
  if (viewer.read !== 'all') q = q.where('item.compartment', 'in', [...viewer.read]);
  return (await q.execute()).map((r) => ({
    ern: r.ern,
    title: r.title,
    mediaType: r.media_type,
    sha256: r.blob_sha256,
    size: Number(r.size),
    parentErn: r.parent_ern,
    addedAt: r.added_at,
  }));
}

/** visibleItemIds resolves ERNs to item ids the viewer may read, or CASE_NOT_FOUND naming the first. */
export async function visibleItemIds(
  ctx: Ctx,
  viewer: Viewer,
  erns: readonly string[],
): Promise<{ id: string; ern: string; compartment: string }[]> {
  const seqs = erns.map((e) => {
    const s = parseErn(e);
    if (s === undefined) throw new CaseError('INVALID_CASE_INPUT', `${e} is not an ERN (ATT-000123)`);
    return s;
  });
  if (seqs.length === 0) return [];
  if (seqs.length > 1000) throw new CaseError('INVALID_CASE_INPUT', 'at most 1000 items at once');
  const rows = await ctx.db
    .selectFrom('item')
    .select(['id', 'ern', 'compartment', 'ern_seq'])
    .where('ern_seq', 'in', seqs)
    .execute();
  return seqs.map((s, i) => {
    const r = rows.find((x) => Number(x.ern_seq) === s);
    if (!r || !allows(viewer.read, r.compartment))
      throw new CaseError('CASE_NOT_FOUND', `no item ${erns[i]}`);
    return { id: r.id, ern: r.ern, compartment: r.compartment };
  });
}

/**
 * addItems puts items (by ERN) into a case; already present ones are skipped. Each addition is
 * an `annotate` entry about the item (`action: case-add`, the case id) in the same transaction.
 */
export async function addItems(
  ctx: Ctx,
  viewer: Viewer,
  caseRef: string,
  erns: readonly string[],
): Promise<{ added: string[]; already: string[] }> {
  const c = await findCase(ctx, viewer, caseRef, 'write');
  const items = await visibleItemIds(ctx, viewer, erns);
  const at = nowIso(ctx);
  const result = await ctx.db.transaction().execute(async (trx) => {
    const present = new Set(
      (
        await trx
          .selectFrom('case_item')
          .select('item_id')
          .where('case_id', '=', c.id)
          .where(
            'item_id',
            'in',
            items.map((i) => i.id),
          )
          .execute()
      ).map((r) => r.item_id),
    );
    const fresh = [...new Map(items.filter((i) => !present.has(i.id)).map((i) => [i.id, i])).values()];
    if (fresh.length > 0) {
      await trx
        .insertInto('case_item')
        .values(fresh.map((i) => ({ case_id: c.id, item_id: i.id, added_at: at, added_by: viewer.actor })))
        .execute();
      await appendEntries(
        trx,
        fresh.map((i) => ({
          kind: 'annotate' as const,
          actor: viewer.actor,
          itemId: i.id,
          data: { action: 'case-add', case: c.id, ern: i.ern },
        })),
        at,
      );
    }
    return {
      added: fresh.map((i) => i.ern),
      already: items.filter((i) => present.has(i.id)).map((i) => i.ern),
    };
  });
  await maybeCheckpoint(ctx);
  return result;
}

/** removeItem takes an item out of a case (the item itself stays in the vault). */
export async function removeItem(ctx: Ctx, viewer: Viewer, caseRef: string, ern: string): Promise<void> {
  const c = await findCase(ctx, viewer, caseRef, 'write');
  const [item] = await visibleItemIds(ctx, viewer, [ern]);
  await ctx.db.transaction().execute(async (trx) => {
    const gone = await trx
      .deleteFrom('case_item')
      .where('case_id', '=', c.id)
      .where('item_id', '=', item!.id)
      .executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) throw new CaseError('CASE_NOT_FOUND', `${ern} is not in ${c.ref}`);
    await appendEntries(
      trx,
      [
        {
          kind: 'annotate',
          actor: viewer.actor,
          itemId: item!.id,
          data: { action: 'case-remove', case: c.id },
        },
      ],
      nowIso(ctx),
    );
  });
}

export interface NewEntity {
  readonly kind: EntityKind;
  readonly name: string;
  readonly pseudonym?: string;
  readonly protected?: boolean;
  /** Who may see the real name of a protected entity (default: the case's compartment). */
  readonly nameCompartment?: string;
  readonly entityRef?: string;
  readonly itemErns?: readonly string[];
}

/** addEntity records a suspect, unit, witness, victim or organisation in a case. */
export async function addEntity(
  ctx: Ctx,
  viewer: Viewer,
  caseRef: string,
  input: NewEntity,
): Promise<string> {
  const c = await findCase(ctx, viewer, caseRef, 'write');
  if (!ENTITY_KINDS.includes(input.kind))
    throw new CaseError('INVALID_CASE_INPUT', `kind must be one of ${ENTITY_KINDS.join(', ')}`);
  const name = text('name', input.name);
  const isProtected = input.protected === true;
  const pseudonym = input.pseudonym === undefined ? null : text('pseudonym', input.pseudonym, 100);
  if (isProtected && !pseudonym)
    throw new CaseError('INVALID_CASE_INPUT', 'a protected entity needs a pseudonym');
  if (input.nameCompartment !== undefined && !COMPARTMENT_NAME.test(input.nameCompartment))
    throw new CaseError(
      'INVALID_CASE_INPUT',
      'name compartment must be lowercase letters, digits and dashes',
    );
  const items = await visibleItemIds(ctx, viewer, input.itemErns ?? []);
  const id = randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('case_entity')
      .values({
        id,
        case_id: c.id,
        kind: input.kind,
        name,
        pseudonym,
        protected: isProtected ? 1 : 0,
        name_compartment: input.nameCompartment ?? null,
        entity_ref: input.entityRef === undefined ? null : text('entity ref', input.entityRef, 128),
        created_at: nowIso(ctx),
        created_by: viewer.actor,
      })
      .execute();
    const unique = [...new Set(items.map((i) => i.id))];
    if (unique.length > 0)
      await trx
        .insertInto('case_entity_item')
        .values(unique.map((item_id) => ({ entity_id: id, item_id })))
        .execute();
  });
  return id;
}

/** addIncident records an incident of the case (a reference to a search incident, or local). */
export async function addIncident(
  ctx: Ctx,
  viewer: Viewer,
  caseRef: string,
  input: { title: string; incidentRef?: string; occurredOn?: string },
): Promise<string> {
  const c = await findCase(ctx, viewer, caseRef, 'write');
  if (input.occurredOn !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(input.occurredOn))
    throw new CaseError('INVALID_CASE_INPUT', 'occurredOn must be a date, YYYY-MM-DD');
  const id = randomUUID();
  await ctx.db
    .insertInto('case_incident')
    .values({
      id,
      case_id: c.id,
      incident_ref: input.incidentRef === undefined ? null : text('incident ref', input.incidentRef, 128),
      title: text('title', input.title),
      occurred_on: input.occurredOn ?? null,
      created_at: nowIso(ctx),
    })
    .execute();
  return id;
}

/** addNote appends an analyst's note to a case (notes are never edited, only added). */
export async function addNote(ctx: Ctx, viewer: Viewer, caseRef: string, body: string): Promise<string> {
  const c = await findCase(ctx, viewer, caseRef, 'write');
  if (typeof body !== 'string' || body.trim().length === 0 || body.length > MAX_NOTE)
    throw new CaseError('INVALID_CASE_INPUT', `a note is 1 to ${MAX_NOTE} characters`);
  const id = randomUUID();
  await ctx.db
    .insertInto('case_note')
    .values({ id, case_id: c.id, body, at: nowIso(ctx), author: viewer.actor })
    .execute();
  return id;
}

/**
 * setMember adds a user to the case team (or changes their role in it). The user is named by id
 * or by username; only a user who may read the case (`cases:read` in its compartment) can join
 * its team, and any other answers as an unknown user does, so the form cannot probe accounts.
 */
export async function setMember(
  ctx: Ctx,
  viewer: Viewer,
  caseRef: string,
  userIdOrName: string,
  role: MemberRole,
): Promise<void> {
  const c = await findCase(ctx, viewer, caseRef, 'write');
  if (!MEMBER_ROLES.includes(role))
    throw new CaseError('INVALID_CASE_INPUT', `role must be one of ${MEMBER_ROLES.join(', ')}`);
  const user = await ctx.db
    .selectFrom('app_user')
    .select('id')
    .where((eb) =>
      eb.or([eb('id', '=', userIdOrName), eb('username', '=', userIdOrName.trim().toLowerCase())]),
    )
    .executeTakeFirst();
  const grants = user ? await grantsOf(ctx.db, user.id) : [];
  const mayRead = grants.some(
    (g) =>
      (g.compartment === ALL_COMPARTMENTS || g.compartment === c.compartment) &&
      ROLE_PERMISSIONS[g.role].includes('cases:read'),
  );
  if (!user || !mayRead) throw new CaseError('CASE_NOT_FOUND', 'no such user');
  await ctx.db
    .insertInto('case_member')
    .values({ case_id: c.id, user_id: user.id, role, added_at: nowIso(ctx) })
    .onConflict((oc) => oc.columns(['case_id', 'user_id']).doUpdateSet({ role }))
    .execute();
}
