/**
 * resolve.ts — a place name, in any script or spelling, to the gazetteer places it may mean.
 * An ambiguous name returns every candidate, ranked: the strength of the match (exact name or
 * checked variant, part of a compound name, consonant skeleton), then the admin context the
 * caller gives (places already known nearby: a candidate inside or beside them ranks higher),
 * then a slight preference for communities and governorates, the units that texts usually name.
 */
import { isArabicWord } from '../../lib/arabic.js';
import { foldLatin, skeleton } from '../../lib/translit.js';
import { arabicKey, buildNameIndex, type MatchKind } from './name-index.js';
import { ancestors, type GazetteerData, loadGazetteer, type Place } from './places.js';

export interface Candidate {
  readonly place: Place;
  readonly match: MatchKind;
  readonly score: number;
}

/** Longest name a caller may resolve (characters); longer input is not a place name. */
export const MAX_PLACE_NAME = 200;

// A checked variant names the place its note confirms, ahead of homonyms that only share the name.
const BASE: Record<MatchKind, number> = { variant: 1.05, name: 1, part: 0.8, skeleton: 0.5 };
const LEVEL_BONUS: Record<number, number> = { 4: 0.03, 1: 0.02, 2: 0.01, 3: 0 };

/** contextScore is how well `place` sits with the places of `context` (P-codes). */
function contextScore(place: Place, context: readonly Place[]): number {
  let best = 0;
  const mine = ancestors(place);
  for (const c of context) {
    if (c.pcode === place.pcode) continue;
    const theirs = ancestors(c);
    if (mine.includes(c.pcode) || theirs.includes(place.pcode)) best = Math.max(best, 0.5);
    else if (place.admin3 && place.admin3 === c.admin3) best = Math.max(best, 0.4);
    else if (place.admin2 && place.admin2 === c.admin2) best = Math.max(best, 0.3);
    else if (place.admin1 === c.admin1) best = Math.max(best, 0.1);
  }
  return best;
}

/** lookupName returns the P-codes a name's keys hit, with the strongest match kind of each. */
export function lookupName(name: string, data: GazetteerData, withSkeleton: boolean): Map<string, MatchKind> {
  const index = buildNameIndex(data);
  const out = new Map<string, MatchKind>();
  const arabic = isArabicWord(name.trim());
  const hits = arabic ? index.arabic.get(arabicKey(name)) : index.latin.get(foldLatin(name));
  if (hits) for (const [p, k] of hits) out.set(p, k);
  if (arabic) {
    const joined = index.arabic.get(arabicKey(name).replace(/ /g, ''));
    if (joined) for (const [p, k] of joined) if (!out.has(p)) out.set(p, k);
  }
  if (withSkeleton && out.size === 0) {
    const sk = skeleton(name);
    if (sk.length >= 3) for (const p of index.skeletons.get(sk) ?? []) out.set(p, 'skeleton');
  }
  return out;
}

/**
 * rankCandidates orders the places a name hit (P-code → match kind), best first, in the admin
 * context of the places `near` (P-codes).
 */
export function rankCandidates(
  hits: ReadonlyMap<string, MatchKind>,
  near: readonly string[],
  data: GazetteerData,
): Candidate[] {
  const context = near.map((p) => data.places.get(p)).filter((p): p is Place => p !== undefined);
  return [...hits]
    .map(([pcode, match]) => {
      const place = data.places.get(pcode)!;
      const score = BASE[match] + contextScore(place, context) + (LEVEL_BONUS[place.level] ?? 0);
      return { place, match, score: Math.round(score * 1000) / 1000 };
    })
    .sort(
      (a, b) =>
        b.score - a.score || a.place.level - b.place.level || a.place.pcode.localeCompare(b.place.pcode),
    );
}

/**
 * resolvePlace returns the places `name` may mean, best first; `near` (P-codes) is the admin
 * context that breaks ties between homonyms. A P-code resolves to its own place.
 *
 *   resolvePlace('Foua')[0].place.pcode === 'C3905'; resolvePlace('الفوعة')[0].place.pcode === 'C3905'
 */
export function resolvePlace(
  name: string,
  near: readonly string[] = [],
  data: GazetteerData = loadGazetteer(),
): Candidate[] {
  if (name.trim().length === 0 || name.length > MAX_PLACE_NAME) return [];
  const direct = data.places.get(name.trim().toUpperCase());
  if (direct) return [{ place: direct, match: 'name', score: 2 }];
  return rankCandidates(lookupName(name, data, true), near, data);
}
