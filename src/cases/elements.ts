/**
 * elements.ts — a case's legal-element checklists: which crimes (from the checklists shipped
 * as data, ./checklists) the case pursues, links from each element to the items or incidents
 * that support or contradict it with a short analysis note, and the coverage view — every
 * element of the chosen crimes and their contextual elements, with its evidence, so the gaps
 * (elements with nothing supporting them) show. A link to a contextual element counts for every
 * crime element that repeats it (e.g. rs-eoc/context-cah/1 covers rs-eoc/7-1-d/4).
 */
import { randomUUID } from 'node:crypto';
import { type Ctx, nowIso } from '../ctx.js';
import { appendEntries } from '../custody/index.js';
import { CHECKLISTS, type CrimeDef, crimeById, elementById } from './checklists/checklists.js';
import { CaseError } from './errors.js';
import { findCase, text, visibleItemIds } from './service.js';
import { allows, type Viewer } from './viewer.js';

export const STANCES = ['supports', 'contradicts'] as const;
export type Stance = (typeof STANCES)[number];

/** addCrime adds the checklist of crime `crimeId` (e.g. `rs-eoc/7-1-d`) to a case. */
export async function addCrime(ctx: Ctx, viewer: Viewer, caseRef: string, crimeId: string): Promise<void> {
  const c = await findCase(ctx, viewer, caseRef, 'write');
  if (!crimeById(crimeId)) {
    const known = [...CHECKLISTS.values()].flatMap((l) => l.crimes.map((cr) => `${l.id}/${cr.id}`));
    throw new CaseError('UNKNOWN_ELEMENT', `no crime ${crimeId} (known: ${known.join(', ')})`);
  }
  await ctx.db
    .insertInto('case_checklist')
    .values({ case_id: c.id, checklist_id: crimeId, added_at: nowIso(ctx) })
    .onConflict((oc) => oc.columns(['case_id', 'checklist_id']).doNothing())
    .execute();
}

export interface NewLink {
  readonly elementId: string;
  readonly targetKind: 'item' | 'incident';
  /** An ERN for an item, the case incident's id for an incident. */
  readonly target: string;
  readonly stance: Stance;
  readonly note: string;
}

/**
 * linkElement links an element of the case's checklists to an item or incident. An item link
 * appends an `annotate` entry (the element id and stance; the note stays out of the log).
 */
export async function linkElement(
  ctx: Ctx,
  viewer: Viewer,
  caseRef: string,
  input: NewLink,
): Promise<string> {
  const c = await findCase(ctx, viewer, caseRef, 'write');
  const element = elementById(input.elementId);
  if (!element) throw new CaseError('UNKNOWN_ELEMENT', `no element ${input.elementId}`);
  if (!STANCES.includes(input.stance))
    throw new CaseError('INVALID_CASE_INPUT', 'stance must be supports or contradicts');
  const note = text('note', input.note, 2000);
  let targetId: string;
  let itemId: string | undefined;
  if (input.targetKind === 'item') {
    const [item] = await visibleItemIds(ctx, viewer, [input.target]);
    const inCase = await ctx.db
      .selectFrom('case_item')
      .select('item_id')
      .where('case_id', '=', c.id)
      .where('item_id', '=', item!.id)
      .executeTakeFirst();
    if (!inCase)
      throw new CaseError('INVALID_CASE_INPUT', `${input.target} is not in ${c.ref}; add it first`);
    targetId = item!.id;
    itemId = item!.id;
  } else if (input.targetKind === 'incident') {
    const inc = await ctx.db
      .selectFrom('case_incident')
      .select('id')
      .where('case_id', '=', c.id)
      .where('id', '=', input.target)
      .executeTakeFirst();
    if (!inc) throw new CaseError('CASE_NOT_FOUND', `no incident ${input.target} in ${c.ref}`);
    targetId = inc.id;
  } else {
    throw new CaseError('INVALID_CASE_INPUT', 'target kind must be item or incident');
  }
  const id = randomUUID();
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('element_link')
      .values({
        id,
        case_id: c.id,
        element_id: element.id,
        target_kind: input.targetKind,
        target_id: targetId,
        stance: input.stance,
        note,
        created_at: at,
        created_by: viewer.actor,
      })
      .execute();
    if (itemId)
      await appendEntries(
        trx,
        [
          {
            kind: 'annotate',
            actor: viewer.actor,
            itemId,
            data: { action: 'element-link', case: c.id, element: element.id, stance: input.stance, link: id },
          },
        ],
        at,
      );
  });
  return id;
}

export interface Evidence {
  readonly linkId: string;
  readonly kind: 'item' | 'incident';
  /** ERN or incident id. */
  readonly ref: string;
  readonly title: string;
  readonly stance: Stance;
  readonly note: string;
  /** The element the link was made on (a contextual element, when inherited). */
  readonly via: string;
}

export interface ElementCoverage {
  readonly id: string;
  readonly n: number;
  readonly text: string;
  readonly citation: string;
  readonly notes?: string;
  readonly supporting: Evidence[];
  readonly contradicting: Evidence[];
  /** True when nothing supports the element yet. */
  readonly gap: boolean;
}

export interface CrimeCoverage {
  readonly id: string;
  readonly title: string;
  readonly citation: string;
  readonly contextual: boolean;
  readonly elements: ElementCoverage[];
}

export interface Coverage {
  readonly caseRef: string;
  readonly crimes: CrimeCoverage[];
  readonly gaps: string[];
  readonly elements: number;
  readonly covered: number;
}

/**
 * coverage returns the case's crimes (and the contextual elements they rely on) element by
 * element with their evidence; links to items outside the viewer's compartments are left out.
 */
export async function coverage(ctx: Ctx, viewer: Viewer, caseRef: string): Promise<Coverage> {
  const c = await findCase(ctx, viewer, caseRef);
  const chosen = await ctx.db
    .selectFrom('case_checklist')
    .select('checklist_id')
    .where('case_id', '=', c.id)
    .execute();
  const crimes: { key: string; crime: CrimeDef }[] = [];
  const add = (key: string) => {
    const found = crimeById(key);
    if (found && !crimes.some((x) => x.key === key)) crimes.push({ key, crime: found.crime });
  };
  for (const r of chosen.map((x) => x.checklist_id).sort()) {
    add(r);
    // Each crime brings the contextual elements it repeats.
    const found = crimeById(r);
    for (const e of found?.crime.elements ?? [])
      if (e.context) add(`${found!.checklist.id}/${e.context.split('/')[0]}`);
  }
  crimes.sort(
    (a, b) => Number(b.crime.contextual) - Number(a.crime.contextual) || a.key.localeCompare(b.key),
  );
  const links = await ctx.db
    .selectFrom('element_link')
    .leftJoin('item', (j) =>
      j.onRef('item.id', '=', 'element_link.target_id').on('element_link.target_kind', '=', 'item'),
    )
    .leftJoin('case_incident', (j) =>
      j
        .onRef('case_incident.id', '=', 'element_link.target_id')
        .on('element_link.target_kind', '=', 'incident'),
    )
    .select([
      'element_link.id',
      'element_link.element_id',
      'element_link.target_kind',
      'element_link.stance',
      'element_link.note',
      'item.ern',
      'item.title as item_title',
      'item.compartment',
      'case_incident.id as incident_id',
      'case_incident.title as incident_title',
    ])
    .where('element_link.case_id', '=', c.id)
    .orderBy('element_link.created_at')
    .orderBy('element_link.id')
    .execute();
  const evidence = links
    .filter(
      (l) => l.target_kind === 'incident' || (l.compartment !== null && allows(viewer.read, l.compartment)),
    )
    .map(
      (l): Evidence => ({
        linkId: l.id,
        kind: l.target_kind as 'item' | 'incident',
        ref: l.target_kind === 'item' ? l.ern! : l.incident_id!,
        title: (l.target_kind === 'item' ? l.item_title : l.incident_title) ?? '',
        stance: l.stance as Stance,
        note: l.note,
        via: l.element_id,
      }),
    );
  let total = 0;
  let covered = 0;
  const gaps: string[] = [];
  const out = crimes.map(({ key, crime }): CrimeCoverage => {
    const checklistId = key.split('/')[0]!;
    return {
      id: key,
      title: crime.title,
      citation: crime.citation,
      contextual: crime.contextual,
      elements: crime.elements.map((e): ElementCoverage => {
        const ids = new Set([e.id, ...(e.context ? [`${checklistId}/${e.context}`] : [])]);
        const mine = evidence.filter((x) => ids.has(x.via));
        const supporting = mine.filter((x) => x.stance === 'supports');
        total++;
        if (supporting.length > 0) covered++;
        else gaps.push(e.id);
        return {
          id: e.id,
          n: e.n,
          text: e.text,
          citation: e.citation,
          ...(e.notes ? { notes: e.notes } : {}),
          supporting,
          contradicting: mine.filter((x) => x.stance === 'contradicts'),
          gap: supporting.length === 0,
        };
      }),
    };
  });
  return { caseRef: c.ref, crimes: out, gaps, elements: total, covered };
}
