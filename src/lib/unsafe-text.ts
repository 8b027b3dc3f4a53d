/**
 * unsafe-text.ts — the characters a field typed by a person may not hold, and the folded form
 * that decides whether two source names are the same source. One definition, used by the
 * vault's provenance, titles and amendments, the analysis records and the cases' consent
 * conditions, so each refuses and compares alike.
 *
 * Refused: C0 and C1 controls (Unicode general category Cc: U+0000–001F, U+007F–009F) and the
 * explicit bidirectional embeddings, overrides and isolates (U+202A–202E, U+2066–2069; Unicode
 * UAX #9 §2.1–2.2), which make text display in an order other than the one stored ("Trojan
 * Source", CVE-2021-42574). Zero-width characters and the soft hyphen are not refused — ZWNJ
 * and ZWJ are needed to write Persian, Urdu and Kurdish correctly — but they never make two
 * sources different: `foldSource` drops them.
 */

/** A one-line field (provenance, title, place, jurisdiction): no control or bidi override. */
export const LINE_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** Free text (statements, names, notes): as LINE_UNSAFE, but tab and line feed are allowed. */
export const TEXT_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const LINE_UNSAFE_ALL = new RegExp(LINE_UNSAFE.source, 'g');

/**
 * escapeUnsafe shows each character LINE_UNSAFE refuses as `\u{XXXX}`, for text that arrives
 * from a file rather than from a person (names inside an archive, a PDF's Title): it cannot be
 * refused — the file is evidence — yet must not reach a title able to reorder what is shown.
 * Zero-width joiners are left as they are.
 */
export function escapeUnsafe(text: string): string {
  return text.replace(
    LINE_UNSAFE_ALL,
    (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`,
  );
}

// Default_Ignorable_Code_Point (UAX #44) covers ZWSP, ZWNJ, ZWJ, word joiner, soft hyphen, the
// bidi marks, variation selectors and U+FEFF; Cf adds the other format characters (U+061C ALM,
// U+0600–0605, U+06DD…). None of them is part of a source's identity; nor is white space.
const IGNORABLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;
const SPACE_OR_CONTROL = /[\s\p{Cc}]+/gu;

/**
 * foldSource is a source name reduced to its identity, for comparison only: Unicode
 * compatibility normalisation (NFKC: full-width letters, ligatures), default-ignorable and
 * format characters dropped, case folded (upper then lower, so "ß" and "SS" meet), and white
 * space and controls dropped altogether — a soft hyphen or a zero-width space where a space was
 * ("field\u00ADteam 3") must not make a new source, and merging "news wire" with "newswire"
 * errs on the safe side: fewer independent sources, more restrictive consent. "" when nothing
 * is left.
 */
export function foldSource(source: string): string {
  return source
    .replace(IGNORABLE, '')
    .normalize('NFKC')
    .replace(IGNORABLE, '')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC')
    .replace(SPACE_OR_CONTROL, '');
}
