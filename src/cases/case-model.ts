/** case-model.ts — cases as services and clients see them, mapped from their rows. */
import type { Selectable } from 'kysely';
import type { CaseEntityTable, LegalCaseTable } from './tables.js';

export const ENTITY_KINDS = ['suspect', 'unit', 'witness', 'victim', 'organisation'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export const MEMBER_ROLES = ['lead', 'member', 'reviewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export interface CaseSummary {
  readonly id: string;
  readonly ref: string;
  readonly title: string;
  readonly legalFramework: string;
  readonly compartment: string;
  readonly status: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface CaseEntity {
  readonly id: string;
  readonly kind: EntityKind;
  /** The real name, or the pseudonym when the entity is protected and the viewer is outside. */
  readonly name: string;
  readonly pseudonym: string | null;
  readonly protected: boolean;
  readonly entityRef: string | null;
  readonly itemErns: string[];
}

export interface CaseItemRef {
  readonly ern: string;
  readonly title: string;
  readonly mediaType: string;
  readonly sha256: string;
  readonly size: number;
  readonly parentErn: string | null;
  readonly addedAt: string;
}

export interface CaseDetail extends CaseSummary {
  readonly items: CaseItemRef[];
  readonly entities: CaseEntity[];
  readonly incidents: {
    id: string;
    incidentRef: string | null;
    title: string;
    occurredOn: string | null;
  }[];
  /** `authorName` is the author's username (null for the CLI operator or a removed account). */
  readonly notes: { id: string; body: string; at: string; author: string; authorName: string | null }[];
  readonly team: { userId: string; username: string | null; role: string; addedAt: string }[];
  readonly checklists: string[];
}

export function caseFromRow(r: Selectable<LegalCaseTable>): CaseSummary {
  return {
    id: r.id,
    ref: r.ref,
    title: r.title,
    legalFramework: r.legal_framework,
    compartment: r.compartment,
    status: r.status,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

/**
 * entityFromRow maps an entity; a protected one is shown by its pseudonym unless `inside`
 * (the viewer holds its name compartment) — DESIGN.md rule 4.
 */
export function entityFromRow(
  r: Selectable<CaseEntityTable>,
  itemErns: string[],
  inside: boolean,
): CaseEntity {
  const hidden = r.protected === 1 && !inside;
  return {
    id: r.id,
    kind: r.kind as EntityKind,
    name: hidden ? (r.pseudonym ?? 'protected') : r.name,
    pseudonym: r.pseudonym,
    protected: r.protected === 1,
    entityRef: r.entity_ref,
    itemErns,
  };
}
