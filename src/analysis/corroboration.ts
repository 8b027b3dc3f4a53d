/**
 * corroboration.ts — how well a claim is corroborated, from the items that support, contradict or
 * are silent on it. Only independent sources count: items from one source (the provenance
 * `source` of the item or of the item it was derived from, compared without case, spacing or
 * invisible characters)
 * count once, and items whose source is unknown count together as one source at most — an
 * unknown origin cannot be shown to be independent of anything.
 *
 *   status          when
 *   corroborated    ≥ 2 independent sources support, none contradicts
 *   single-source   1 source supports, none contradicts
 *   contested       ≥ 1 source supports and ≥ 1 contradicts
 *   contradicted    none supports, ≥ 1 contradicts
 *   unverified      no item supports or contradicts (silent items, or none)
 *
 * An incident's status combines its claims': contested if any is; corroborated if all are;
 * partly-corroborated if some claim is corroborated or single-source; contradicted if all are;
 * otherwise unverified. Callers compute it over the items they may see (DESIGN rule 7).
 */
import { foldSource } from '../lib/unsafe-text.js';
import type { Stance } from './vocabulary.js';

export type ClaimStatus = 'corroborated' | 'single-source' | 'contested' | 'contradicted' | 'unverified';
export type IncidentStatus =
  | 'corroborated'
  | 'partly-corroborated'
  | 'contested'
  | 'contradicted'
  | 'unverified';

export interface StanceOf {
  readonly stance: Stance;
  /** The item's source as recorded (its root item's, for a derived item). */
  readonly source: string;
}

/**
 * sourceKey is what makes two items "the same source": the source folded (src/lib/unsafe-text.ts
 * `foldSource`: NFKC, case, no white space and no invisible character), so "field team 3",
 * "Field Team 3", "field team 3\u200B" and "field\u00ADteam 3" are one source, not three.
 */
export function sourceKey(source: string): string {
  const k = foldSource(source);
  return k === '' ? 'unknown' : k;
}

export interface ClaimTally {
  readonly status: ClaimStatus;
  readonly supportingSources: number;
  readonly contradictingSources: number;
  readonly silentItems: number;
}

/** tallyClaim counts independent sources on each side and names the status. */
export function tallyClaim(stances: readonly StanceOf[]): ClaimTally {
  const support = new Set<string>();
  const contradict = new Set<string>();
  let silent = 0;
  for (const s of stances) {
    if (s.stance === 'supports') support.add(sourceKey(s.source));
    else if (s.stance === 'contradicts') contradict.add(sourceKey(s.source));
    else silent++;
  }
  const status: ClaimStatus =
    support.size > 0 && contradict.size > 0
      ? 'contested'
      : support.size >= 2
        ? 'corroborated'
        : support.size === 1
          ? 'single-source'
          : contradict.size > 0
            ? 'contradicted'
            : 'unverified';
  return {
    status,
    supportingSources: support.size,
    contradictingSources: contradict.size,
    silentItems: silent,
  };
}

/** incidentStatus combines the statuses of an incident's claims. */
export function incidentStatus(claims: readonly ClaimStatus[]): IncidentStatus {
  if (claims.length === 0) return 'unverified';
  if (claims.includes('contested')) return 'contested';
  if (claims.every((c) => c === 'corroborated')) return 'corroborated';
  if (claims.some((c) => c === 'corroborated' || c === 'single-source')) return 'partly-corroborated';
  if (claims.every((c) => c === 'contradicted')) return 'contradicted';
  return 'unverified';
}
