/**
 * name-index.ts — every way the gazetteer's names may be written, as lookup keys:
 *   - Arabic: each word normalised (normalizeArabic) without its article, joined by a space, and
 *     the same with the spaces removed (كفر نبل / كفرنبل); without a leading مركز ("centre of");
 *   - Latin: foldLatin of the English name and of each variant in syria-variants.csv;
 *   - compound names ("Maaret Elnaasan - Maaret Elhaski", "الكفر_كفريحمول", "Kafraya Maar
 *     Tamsarin") are also indexed by each part and by their first word when it is long enough;
 *   - skeletons (consonants only) for the weakest match, used by resolve only.
 * Keys map to P-codes with the strength of the match: exact name, variant, part, skeleton.
 */
import { normalizeArabic } from '../../lib/arabic.js';
import { foldLatin, skeleton } from '../../lib/translit.js';
import type { GazetteerData } from './places.js';

export type MatchKind = 'name' | 'variant' | 'part' | 'skeleton';

export interface NameIndex {
  readonly arabic: ReadonlyMap<string, ReadonlyMap<string, MatchKind>>;
  readonly latin: ReadonlyMap<string, ReadonlyMap<string, MatchKind>>;
  readonly skeletons: ReadonlyMap<string, ReadonlySet<string>>;
  /** The first word of every key (Arabic and Latin), so the tagger skips most words at once. */
  readonly firstWords: ReadonlySet<string>;
  /** The longest name in words, which bounds the tagger's window. */
  readonly maxWords: number;
}

// A checked variant outranks a name, so that it survives the tagger's filter of common names.
const RANK: Record<MatchKind, number> = { variant: 4, name: 3, part: 2, skeleton: 1 };

function add(map: Map<string, Map<string, MatchKind>>, key: string, pcode: string, kind: MatchKind) {
  if (key.length < 2) return;
  let m = map.get(key);
  if (!m) {
    m = new Map();
    map.set(key, m);
  }
  const had = m.get(pcode);
  if (!had || RANK[had] < RANK[kind]) m.set(pcode, kind);
}

/** arabicCore returns a normalised Arabic word without its definite article (ال). */
export function arabicCore(word: string): string {
  const w = normalizeArabic(word);
  return w.startsWith('ال') && w.length > 3 ? w.slice(2) : w;
}

/** arabicKey returns the lookup key of an Arabic name: its words' cores joined by a space. */
export function arabicKey(name: string): string {
  return normalizeArabic(name)
    .split(/[\s\-_/]+/)
    .filter((w) => w.length > 0)
    .map(arabicCore)
    .join(' ');
}

function parts(name: string): string[] {
  return name
    .split(/\s+-\s+|_|\//)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

let cached: { data: GazetteerData; index: NameIndex } | undefined;

/** buildNameIndex makes the lookup keys of every place and variant (cached per data set). */
export function buildNameIndex(data: GazetteerData): NameIndex {
  if (cached?.data === data) return cached.index;
  const arabic = new Map<string, Map<string, MatchKind>>();
  const latin = new Map<string, Map<string, MatchKind>>();
  const skeletons = new Map<string, Set<string>>();
  let maxWords = 1;
  for (const p of data.places.values()) {
    const ar = p.nameAr.replace(/^مركز\s+/, '');
    const arKey = arabicKey(ar);
    add(arabic, arKey, p.pcode, 'name');
    add(arabic, arKey.replace(/ /g, ''), p.pcode, 'name');
    maxWords = Math.max(maxWords, arKey.split(' ').length);
    const arParts = parts(ar);
    if (arParts.length > 1) for (const part of arParts) add(arabic, arabicKey(part), p.pcode, 'part');
    const enKey = foldLatin(p.nameEn);
    add(latin, enKey, p.pcode, 'name');
    maxWords = Math.max(maxWords, enKey.split(' ').length);
    const enParts = parts(p.nameEn);
    if (enParts.length > 1) for (const part of enParts) add(latin, foldLatin(part), p.pcode, 'part');
    // "Kafraya Maar Tamsarin": the first word names the village, the rest its sub-district.
    const first = p.nameEn.split(/\s+/)[0] ?? '';
    if (p.level === 4 && first.length >= 5 && first !== p.nameEn)
      add(latin, foldLatin(first), p.pcode, 'part');
    const arFirst = ar.split(/\s+/)[0] ?? '';
    if (p.level === 4 && arFirst.length >= 4 && arFirst !== ar)
      add(arabic, arabicKey(arFirst), p.pcode, 'part');
    for (const sk of new Set([skeleton(p.nameEn), skeleton(ar)])) {
      if (sk.length < 3) continue;
      let s = skeletons.get(sk);
      if (!s) {
        s = new Set();
        skeletons.set(sk, s);
      }
      s.add(p.pcode);
    }
  }
  for (const v of data.variants) {
    add(latin, foldLatin(v.variant), v.pcode, 'variant');
    maxWords = Math.max(maxWords, foldLatin(v.variant).split(' ').length);
  }
  const firstWords = new Set<string>();
  for (const key of [...arabic.keys(), ...latin.keys()]) firstWords.add(key.split(' ')[0]!);
  const index: NameIndex = { arabic, latin, skeletons, firstWords, maxWords: Math.min(maxWords, 5) };
  cached = { data, index };
  return index;
}
