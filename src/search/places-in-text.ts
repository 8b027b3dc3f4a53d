/**
 * places-in-text.ts — where search meets the gazetteer: the index token of a place, the places
 * a query word or phrase names, and the places an item lies in (each mention's place and every
 * admin unit around it, for `place:` filters that include everything inside an area).
 */
import { isArabicWord } from '../lib/arabic.js';
import { foldWord, isStopWord, tokenize } from '../lib/search-tokens.js';
import { ancestors, loadGazetteer } from './gazetteer/places.js';
import { lookupName } from './gazetteer/resolve.js';
import type { PlaceMention } from './gazetteer/tagger.js';

/** placeToken is the index term that stands for a place: xpl + the P-code in lower case. */
export function placeToken(pcode: string): string {
  return `xpl${pcode.toLowerCase()}`;
}

// Query words too common to be read as a place name on their own.
const COMMON = new Set(['bus', 'road', 'camp', 'school', 'city', 'town', 'village', 'new', 'old', 'area']);

/**
 * queryPlaces returns the P-codes a query word or phrase names (exact names, checked variants,
 * parts of compound names; not the weak consonant skeleton, which would widen too much).
 */
export function queryPlaces(raw: string): string[] {
  const tokens = tokenize(raw);
  if (tokens.length === 0 || raw.length > 120) return [];
  if (tokens.length === 1) {
    const f = foldWord(tokens[0]!.text);
    if (f.length < 3 || isStopWord(f) || COMMON.has(f)) return [];
  }
  const data = loadGazetteer();
  const hits = lookupName(raw, data, false);
  // A lower-case Latin query ("body", "first") is read as a place only when it spells a name
  // or checked variant exactly; the looser folded match needs the capital of a proper noun.
  const latin = !isArabicWord(tokens[0]!.text);
  if (latin && !tokens.some((t) => /^\p{Lu}/u.test(t.text))) {
    const plainForm = plain(raw);
    for (const pcode of [...hits.keys()]) {
      const place = data.places.get(pcode)!;
      const names = [place.nameEn, ...data.variants.filter((v) => v.pcode === pcode).map((v) => v.variant)];
      if (!names.some((n) => plain(n) === plainForm)) hits.delete(pcode);
    }
  }
  if (tokens.length === 1 && hits.size > 3) {
    const variants = [...hits].filter(([, k]) => k === 'variant').map(([p]) => p);
    return variants;
  }
  return [...hits.keys()];
}

function plain(s: string): string {
  return tokenize(s)
    .map((t) => foldWord(t.text))
    .join(' ');
}

/** PlacesOfText is what the indexer keeps of an item's mentions. */
export interface PlacesOfText {
  /** Index tokens: every candidate of every mention (so any spelling's query meets them). */
  readonly tokens: string[];
  /** The chosen places and all their enclosing units, with their levels. */
  readonly areas: Map<string, number>;
}

/** placesOf summarises mentions (and places given in metadata) for the index. */
export function placesOf(mentions: readonly PlaceMention[], given: readonly string[] = []): PlacesOfText {
  const data = loadGazetteer();
  const tokens = new Set<string>();
  const areas = new Map<string, number>();
  const chosen = [...mentions.map((m) => m.pcode), ...given];
  for (const m of mentions) for (const c of m.candidates) tokens.add(placeToken(c));
  for (const p of given) tokens.add(placeToken(p));
  for (const pcode of chosen) {
    const place = data.places.get(pcode);
    if (!place) continue;
    for (const a of ancestors(place)) areas.set(a, data.places.get(a)?.level ?? 4);
    areas.set(place.pcode, place.level);
  }
  return { tokens: [...tokens], areas };
}

/** adminUnits is the level 1 and 2 admin units among `areas` (SY + 2 or 4 digits, OCHA COD-AB), sorted, space-separated. */
export function adminUnits(areas: Iterable<string>): string {
  return [...new Set([...areas].filter((p) => /^SY\d{2}(?:\d{2})?$/.test(p)))].sort().join(' ');
}
