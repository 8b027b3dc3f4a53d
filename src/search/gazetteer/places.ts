/**
 * places.ts — the Syria gazetteer (OCHA P-codes, English and Arabic names) held in memory, read
 * once from assets/gazetteer/ (see its README for source, licence and caveats) with the
 * hand-checked spelling variants. Levels: 1 governorate, 2 district, 3 sub-district,
 * 4 community; every row carries its ancestors' P-codes, so "inside an admin area" is a lookup.
 */
import { readFileSync } from 'node:fs';

export interface Place {
  readonly pcode: string;
  readonly nameEn: string;
  readonly nameAr: string;
  readonly level: 1 | 2 | 3 | 4;
  readonly admin1: string;
  readonly admin2: string | null;
  readonly admin3: string | null;
  readonly lat: number;
  readonly lon: number;
}

export interface Variant {
  readonly variant: string;
  readonly pcode: string;
}

export interface GazetteerData {
  readonly places: ReadonlyMap<string, Place>;
  readonly variants: readonly Variant[];
}

const ASSETS = new URL('../../../assets/gazetteer/', import.meta.url);
const PLACES_HEADER = 'pcode,name_en,name_ar,level,admin1_pcode,admin2_pcode,admin3_pcode,lat,lon';

/** parsePlaces reads syria-places.csv (no quoted fields in this file; checked by the header). */
export function parsePlaces(csv: string): Map<string, Place> {
  const [header, ...lines] = csv.replace(/\r\n/g, '\n').split('\n');
  if (header !== PLACES_HEADER) throw new Error('gazetteer: unexpected header in syria-places.csv');
  const places = new Map<string, Place>();
  for (const line of lines) {
    if (line === '') continue;
    const f = line.split(',');
    if (f.length !== 9) throw new Error(`gazetteer: malformed row ${line.slice(0, 40)}`);
    const level = Number(f[3]);
    if (level !== 1 && level !== 2 && level !== 3 && level !== 4)
      throw new Error(`gazetteer: bad level in ${f[0]}`);
    places.set(f[0]!, {
      pcode: f[0]!,
      nameEn: f[1]!,
      nameAr: f[2]!,
      level,
      admin1: f[4]!,
      admin2: f[5] || null,
      admin3: f[6] || null,
      lat: Number(f[7]),
      lon: Number(f[8]),
    });
  }
  return places;
}

/** parseVariants reads syria-variants.csv (variant,pcode,note; the note may hold commas). */
export function parseVariants(csv: string, places: ReadonlyMap<string, Place>): Variant[] {
  const [header, ...lines] = csv.replace(/\r\n/g, '\n').split('\n');
  if (!header?.startsWith('variant,pcode'))
    throw new Error('gazetteer: unexpected header in syria-variants.csv');
  return lines
    .filter((l) => l !== '')
    .map((l) => {
      const [variant, pcode] = l.split(',');
      if (!variant || !pcode || !places.has(pcode))
        throw new Error(`gazetteer: variant row names no place: ${l}`);
      return { variant, pcode };
    });
}

let cached: GazetteerData | undefined;

/** loadGazetteer returns the gazetteer shipped in assets/gazetteer (read once per process). */
export function loadGazetteer(): GazetteerData {
  if (!cached) {
    const places = parsePlaces(readFileSync(new URL('syria-places.csv', ASSETS), 'utf8'));
    const variants = parseVariants(readFileSync(new URL('syria-variants.csv', ASSETS), 'utf8'), places);
    cached = { places, variants };
  }
  return cached;
}

/** ancestors returns the P-codes of the place and every admin unit that contains it. */
export function ancestors(place: Place): string[] {
  const out = [place.admin1];
  if (place.admin2) out.push(place.admin2);
  if (place.admin3) out.push(place.admin3);
  if (place.level === 4) out.push(place.pcode);
  return [...new Set(out)];
}
