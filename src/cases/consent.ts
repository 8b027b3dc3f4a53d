/**
 * consent.ts — consent and sharing conditions on sources, witnesses and items, and how they
 * decide what a package for a request for assistance may hold. A condition restricts: consent
 * limited to named jurisdictions, to named purposes, "not to a jurisdiction that may impose the
 * death penalty", or no sharing at all. An item is covered when every condition that applies to
 * it (its own, its provenance source's, those of the witnesses linked to it, and — for a
 * derivative such as a redaction — those of its parent) allows the RFA. A blocked item stays
 * out of the package with its reasons, unless a user holding `consent:override` (the `legal`
 * role) overrides it for that RFA with a reason; the override is logged in the custody log
 * (ids and a hash of the reason) and the access audit.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { recordAccessEvent } from '../access/index.js';
import { type Ctx, nowIso } from '../ctx.js';
import { appendEntries, maybeCheckpoint } from '../custody/index.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { sha256Hex } from '../lib/hash.js';
import { foldSource, LINE_UNSAFE } from '../lib/unsafe-text.js';
import { CaseError } from './errors.js';
import { getRfa, JURISDICTION_CODE, PURPOSE, type Rfa } from './rfa.js';
import { findCase, getCase, text, visibleItemIds } from './service.js';
import { allows, type Viewer } from './viewer.js';

export const SUBJECT_KINDS = ['item', 'source', 'witness'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export interface NewCondition {
  readonly subjectKind: SubjectKind;
  /** An ERN (item), a provenance source as recorded on items (source), or a witness entity id. */
  readonly subject: string;
  readonly jurisdictions?: readonly string[];
  readonly purposes?: readonly string[];
  readonly noDeathPenalty?: boolean;
  readonly noSharing?: boolean;
  readonly note?: string;
  /** Where a source condition is visible (items and witnesses take their own compartment). */
  readonly compartment?: string;
}

export interface Condition {
  readonly id: string;
  readonly subjectKind: SubjectKind;
  readonly subjectRef: string;
  readonly jurisdictions: string[] | null;
  readonly purposes: string[] | null;
  readonly noDeathPenalty: boolean;
  readonly noSharing: boolean;
  readonly note: string;
  readonly recordedAt: string;
}

/** addCondition records a consent or sharing condition. */
export async function addCondition(ctx: Ctx, viewer: Viewer, input: NewCondition): Promise<Condition> {
  if (!SUBJECT_KINDS.includes(input.subjectKind))
    throw new CaseError('INVALID_CASE_INPUT', `subject kind must be one of ${SUBJECT_KINDS.join(', ')}`);
  let subjectRef: string;
  let compartment: string;
  if (input.subjectKind === 'item') {
    const [item] = await visibleItemIds(ctx, viewer, [input.subject]);
    subjectRef = item!.id;
    compartment = item!.compartment;
  } else if (input.subjectKind === 'witness') {
    const w = await ctx.db
      .selectFrom('case_entity')
      .innerJoin('legal_case', 'legal_case.id', 'case_entity.case_id')
      .select(['case_entity.id', 'case_entity.kind', 'legal_case.ref'])
      .where('case_entity.id', '=', input.subject)
      .executeTakeFirst();
    if (w?.kind !== 'witness') throw new CaseError('CASE_NOT_FOUND', `no witness ${input.subject}`);
    compartment = (await findCase(ctx, viewer, w.ref, 'write')).compartment;
    subjectRef = w.id;
  } else {
    subjectRef = text('source', input.subject, 500);
    // Matched folded (sourceMatches), so it must fold to something, and hold nothing that
    // displays in another order than stored.
    if (LINE_UNSAFE.test(subjectRef) || foldSource(subjectRef) === '')
      throw new CaseError(
        'INVALID_CASE_INPUT',
        'source must name a source, without control or bidi-override characters',
      );
    compartment = input.compartment ?? 'general';
  }
  if (!allows(viewer.write, compartment))
    throw new CaseError('CASE_NOT_FOUND', `no ${input.subjectKind} ${input.subject}`);
  const list = (name: string, raw: readonly string[] | undefined, pattern: RegExp) => {
    if (raw === undefined) return null;
    if (!Array.isArray(raw) || raw.length === 0 || raw.length > 100 || raw.some((x) => !pattern.test(x)))
      throw new CaseError('INVALID_CASE_INPUT', `${name} must be a non-empty list of codes`);
    return [...new Set(raw)].sort();
  };
  const jurisdictions = list('jurisdictions', input.jurisdictions, JURISDICTION_CODE);
  const purposes = list('purposes', input.purposes, PURPOSE);
  const note = input.note === undefined ? '' : text('note', input.note, 2000);
  if (!jurisdictions && !purposes && !input.noDeathPenalty && !input.noSharing)
    throw new CaseError(
      'INVALID_CASE_INPUT',
      'a condition needs jurisdictions, purposes, noDeathPenalty or noSharing',
    );
  const row = {
    id: randomUUID(),
    subject_kind: input.subjectKind,
    subject_ref: subjectRef,
    compartment,
    jurisdictions: jurisdictions ? JSON.stringify(jurisdictions) : null,
    purposes: purposes ? JSON.stringify(purposes) : null,
    no_death_penalty: input.noDeathPenalty ? 1 : 0,
    no_sharing: input.noSharing ? 1 : 0,
    note,
    recorded_at: nowIso(ctx),
    recorded_by: viewer.actor,
    salt: randomBytes(16).toString('hex'),
  };
  // The condition and its custody entry in one transaction (DESIGN rule 2): ids and a salted
  // hash of the row only — never the source's name, the witness or the note (rule 4).
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('consent_condition').values(row).execute();
    await appendEntries(
      trx,
      [
        {
          kind: 'annotate',
          actor: viewer.actor,
          ...(row.subject_kind === 'item' ? { itemId: row.subject_ref } : {}),
          data: { action: CONSENT_ENTRY, condition: row.id, compartment, sha256: conditionSha256(row) },
        },
      ],
      row.recorded_at,
    );
  });
  await maybeCheckpoint(ctx);
  return conditionFromRow(row);
}

/** The `action` of a consent condition's custody entry. */
export const CONSENT_ENTRY = 'consent-condition';

/**
 * conditionSha256 is what a condition's custody entry commits to: the SHA-256 of the canonical
 * JSON of its whole row, salt included (so the hash confirms no guessed source name or note).
 */
export function conditionSha256(row: {
  id: string;
  subject_kind: string;
  subject_ref: string;
  compartment: string;
  jurisdictions: string | null;
  purposes: string | null;
  no_death_penalty: number;
  no_sharing: number;
  note: string;
  recorded_at: string;
  recorded_by: string;
  salt: string | null;
}): string {
  return sha256Hex(
    canonicalJson({
      id: row.id,
      subject_kind: row.subject_kind,
      subject_ref: row.subject_ref,
      compartment: row.compartment,
      jurisdictions: row.jurisdictions,
      purposes: row.purposes,
      no_death_penalty: Number(row.no_death_penalty),
      no_sharing: Number(row.no_sharing),
      note: row.note,
      recorded_at: row.recorded_at,
      recorded_by: row.recorded_by,
      salt: row.salt,
    }),
  );
}

function conditionFromRow(r: {
  id: string;
  subject_kind: string;
  subject_ref: string;
  jurisdictions: string | null;
  purposes: string | null;
  no_death_penalty: number;
  no_sharing: number;
  note: string;
  recorded_at: string;
}): Condition {
  return {
    id: r.id,
    subjectKind: r.subject_kind as SubjectKind,
    subjectRef: r.subject_ref,
    jurisdictions: r.jurisdictions ? (JSON.parse(r.jurisdictions) as string[]) : null,
    purposes: r.purposes ? (JSON.parse(r.purposes) as string[]) : null,
    noDeathPenalty: r.no_death_penalty === 1,
    noSharing: r.no_sharing === 1,
    note: r.note,
    recordedAt: r.recorded_at,
  };
}

/** listConditions returns the conditions in the viewer's compartments. */
export async function listConditions(ctx: Ctx, viewer: Viewer): Promise<Condition[]> {
  let q = ctx.db.selectFrom('consent_condition').selectAll().orderBy('recorded_at').orderBy('id');
  if (viewer.read !== 'all') {
    if (viewer.read.length === 0) return [];
    q = q.where('compartment', 'in', [...viewer.read]);
  }
  return (await q.execute()).map(conditionFromRow);
}

export interface Decision {
  readonly itemId: string;
  readonly ern: string;
  readonly allowed: boolean;
  /** Why the item is blocked (empty when allowed); each names the condition's subject kind. */
  readonly reasons: string[];
  /** The same reasons as data, for a client to put in its own words (and language). */
  readonly blocks: Block[];
  /** Set when a legal officer released the blocked item to this RFA. */
  readonly overrideId: string | null;
}

interface ItemFacts {
  readonly id: string;
  readonly ern: string;
  readonly source: string;
  readonly parentId: string | null;
}

/**
 * decide judges each item against the RFA. Reasons say which kind of condition blocks it and
 * why, never the source's or witness's name (the reasons travel into reports and the API).
 */
export async function decide(ctx: Ctx, rfa: Rfa, items: readonly ItemFacts[]): Promise<Decision[]> {
  if (items.length === 0) return [];
  const ids = [...new Set(items.flatMap((i) => [i.id, ...(i.parentId ? [i.parentId] : [])]))];
  const parents = await ctx.db.selectFrom('item').select(['id', 'source']).where('id', 'in', ids).execute();
  const sourceOf = new Map(parents.map((p) => [p.id, p.source]));
  const witnesses = await ctx.db
    .selectFrom('case_entity_item')
    .innerJoin('case_entity', 'case_entity.id', 'case_entity_item.entity_id')
    .select(['case_entity_item.item_id', 'case_entity.id'])
    .where('case_entity.kind', '=', 'witness')
    .where('case_entity_item.item_id', 'in', ids)
    .execute();
  const conditions = (
    await ctx.db
      .selectFrom('consent_condition')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('subject_kind', '=', 'item'), eb('subject_ref', 'in', ids)]),
          // Every source condition: they are matched below by the folded source (foldSource),
          // which SQL cannot compute; conditions are typed by people, so they are few.
          eb('subject_kind', '=', 'source'),
          ...(witnesses.length > 0
            ? [
                eb.and([
                  eb('subject_kind', '=', 'witness'),
                  eb(
                    'subject_ref',
                    'in',
                    witnesses.map((w) => w.id),
                  ),
                ]),
              ]
            : []),
        ]),
      )
      .execute()
  ).map(conditionFromRow);
  const overrides = await ctx.db
    .selectFrom('consent_override')
    .select(['id', 'item_id'])
    .where('rfa_id', '=', rfa.id)
    .where(
      'item_id',
      'in',
      items.map((i) => i.id),
    )
    .execute();
  return items.map((item) => {
    const subjects = [item.id, ...(item.parentId ? [item.parentId] : [])];
    const applicable = conditions.filter(
      (c) =>
        (c.subjectKind === 'item' && subjects.includes(c.subjectRef)) ||
        (c.subjectKind === 'source' &&
          subjects.some((s) => foldSource(sourceOf.get(s) ?? item.source) === foldSource(c.subjectRef))) ||
        (c.subjectKind === 'witness' &&
          witnesses.some((w) => w.id === c.subjectRef && subjects.includes(w.item_id))),
    );
    const found = applicable.flatMap((c) =>
      blockRules(c, rfa).map((b) => ({ subject: c.subjectKind, ...b })),
    );
    const seen = new Set<string>();
    const structured = found.filter((b) => {
      const k = JSON.stringify(b);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const reasons = structured.map((b) => `${b.subject} consent: ${ruleText(b, rfa)}`);
    const override = overrides.find((o) => o.item_id === item.id);
    return {
      itemId: item.id,
      ern: item.ern,
      allowed: reasons.length === 0 || override !== undefined,
      reasons,
      blocks: structured,
      overrideId: override?.id ?? null,
    };
  });
}

/**
 * rfaDecisions returns an RFA with, for each item of its case the viewer may read, whether
 * consent covers it and why not (the case's other items are not named: DESIGN rule 7).
 */
export async function rfaDecisions(
  ctx: Ctx,
  viewer: Viewer,
  ref: string,
): Promise<{ rfa: Rfa; decisions: Omit<Decision, 'itemId'>[] }> {
  const rfa = await getRfa(ctx, viewer, ref);
  const erns = (await getCase(ctx, viewer, rfa.caseRef)).items.map((i) => i.ern);
  const items =
    erns.length === 0
      ? []
      : await ctx.db
          .selectFrom('item')
          .select(['id', 'ern', 'source', 'parent_item_id'])
          .where('ern', 'in', erns)
          .orderBy('ern_seq')
          .execute();
  const decisions = await decide(
    ctx,
    rfa,
    items.map((i) => ({ id: i.id, ern: i.ern, source: i.source, parentId: i.parent_item_id })),
  );
  return { rfa, decisions: decisions.map(({ itemId: _, ...d }) => d) };
}

/** A rule of a condition that does not cover an RFA: `values` are what the condition allows. */
export interface Block {
  readonly subject: Condition['subjectKind'];
  readonly rule: 'no-sharing' | 'jurisdictions' | 'purposes' | 'death-penalty';
  readonly values: string[];
}

/** blockRules lists the rules of condition `c` that the RFA breaks (empty when it is covered). */
function blockRules(c: Condition, rfa: Pick<Rfa, 'jurisdiction' | 'purpose'>): Omit<Block, 'subject'>[] {
  const out: Omit<Block, 'subject'>[] = [];
  if (c.noSharing) out.push({ rule: 'no-sharing', values: [] });
  if (c.jurisdictions && !c.jurisdictions.includes(rfa.jurisdiction.code))
    out.push({ rule: 'jurisdictions', values: [...c.jurisdictions] });
  if (c.purposes && !c.purposes.includes(rfa.purpose))
    out.push({ rule: 'purposes', values: [...c.purposes] });
  if (c.noDeathPenalty && rfa.jurisdiction.deathPenalty) out.push({ rule: 'death-penalty', values: [] });
  return out;
}

function ruleText(b: Omit<Block, 'subject'>, rfa: Pick<Rfa, 'jurisdiction' | 'purpose'>): string {
  switch (b.rule) {
    case 'no-sharing':
      return 'no sharing outside the Mechanism';
    case 'jurisdictions':
      return `limited to jurisdictions ${b.values.join(', ')}; ${rfa.jurisdiction.code} is not one`;
    case 'purposes':
      return `limited to purposes ${b.values.join(', ')}; ${rfa.purpose} is not one`;
    case 'death-penalty':
      return `not to jurisdictions that may impose the death penalty; ${rfa.jurisdiction.code} may`;
  }
}

/** blocks lists why condition `c` does not cover the RFA (empty when it does). */
export function blocks(c: Condition, rfa: Pick<Rfa, 'jurisdiction' | 'purpose'>): string[] {
  return blockRules(c, rfa).map((b) => ruleText(b, rfa));
}

export const MIN_REASON = 10;

/**
 * overrideConsent releases one blocked item to one RFA. It needs `consent:override` (the legal
 * role) in the item's compartment and a reason of at least MIN_REASON characters; it appends an
 * `annotate` entry (override id, RFA id, SHA-256 of the reason) and an access-audit event.
 */
export async function overrideConsent(
  ctx: Ctx,
  viewer: Viewer,
  rfa: Rfa,
  ern: string,
  reason: string,
  requestId?: string,
): Promise<string> {
  const [item] = await visibleItemIds(ctx, viewer, [ern]);
  if (!allows(viewer.override, item!.compartment))
    throw new CaseError('OVERRIDE_NOT_ALLOWED', 'overriding a consent condition needs the legal role');
  if (typeof reason !== 'string' || reason.trim().length < MIN_REASON || reason.length > 4000)
    throw new CaseError(
      'OVERRIDE_NOT_ALLOWED',
      `an override needs a reason of at least ${MIN_REASON} characters`,
    );
  const id = randomUUID();
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('consent_override')
      .values({ id, rfa_id: rfa.id, item_id: item!.id, reason: reason.trim(), at, by: viewer.actor })
      .execute();
    await appendEntries(
      trx,
      [
        {
          kind: 'annotate',
          actor: viewer.actor,
          itemId: item!.id,
          data: {
            action: 'consent-override',
            rfa: rfa.id,
            override: id,
            reasonSha256: createHash('sha256').update(reason.trim()).digest('hex'),
          },
        },
      ],
      at,
    );
  });
  await recordAccessEvent(ctx, {
    kind: 'consent-override',
    outcome: 'granted',
    actorId: viewer.actor,
    targetId: item!.id,
    ...(requestId ? { requestId } : {}),
  });
  await maybeCheckpoint(ctx);
  return id;
}
