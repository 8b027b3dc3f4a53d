/**
 * arabic.ts — Arabic text normalisation and light stemming for search. The same functions run
 * when a document is indexed and when a query is parsed, so that any spelling a writer may use
 * (with or without tashkeel, hamza on the alef or not, ى or ي, ة or ه at the end of a word,
 * Arabic-Indic or Persian digits) meets the same index token.
 *
 * Normalisation follows the usual practice of Arabic IR (Larkey, Ballesteros & Connell,
 * "Light Stemming for Arabic Information Retrieval", 2007, §3 "norm"): strip diacritics and
 * tatweel, unify alef forms, ى → ي, final ة → ه; plus ؤ → و, ئ → ي, Persian ک/ی to Arabic
 * letters and all digits to ASCII. Stemming is their "light10" stemmer (§4): remove و, the
 * definite article with its clitic prepositions, and a short list of suffixes. Tests:
 * arabic.test.ts (sentences written for it).
 */

// U+064B–U+065F: tanwin, harakat, shadda, sukun, maddah above, hamza above/below marks;
// U+0670 superscript (dagger) alef; U+06D6–U+06ED Quranic annotation marks.
const TASHKEEL = /[\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED]/g;
const TATWEEL = /\u0640/g;
// Marks of direction and joining that are invisible but break token equality.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF\u061C]/g;
const ALEF_FORMS = /[\u0622\u0623\u0625\u0671\u0672\u0673]/g; // آ أ إ ٱ ٲ ٳ → ا
const ALEF_MAKSURA = /\u0649/g; // ى → ي
const WAW_HAMZA = /\u0624/g; // ؤ → و
const YEH_HAMZA = /\u0626/g; // ئ → ي
const PERSIAN_KAF = /\u06A9/g; // ک → ك
const PERSIAN_YEH = /\u06CC/g; // ی → ي
// ة at the end of a word (followed by a non-letter or the end of the text) → ه.
const FINAL_TEH_MARBUTA = /\u0629(?![\p{L}\p{M}])/gu;
const ARABIC_INDIC_DIGIT = /[\u0660-\u0669]/g;
const PERSIAN_DIGIT = /[\u06F0-\u06F9]/g;

/** toAsciiDigits replaces Arabic-Indic (٠–٩) and Persian (۰–۹) digits with 0–9. */
export function toAsciiDigits(s: string): string {
  return s
    .replace(ARABIC_INDIC_DIGIT, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(PERSIAN_DIGIT, (d) => String(d.charCodeAt(0) - 0x06f0));
}

/**
 * normalizeArabic returns `s` with Arabic letters in their search form: no tashkeel or
 * tatweel, one alef, ي for ى, ه for a final ة, و/ي for ؤ/ئ, ASCII digits. Other scripts pass
 * through unchanged (apart from digits and invisible direction marks), so it is safe on mixed text.
 *
 *   normalizeArabic('مَدْرَسَةُ الأطفالِ') === 'مدرسه الاطفال'
 */
export function normalizeArabic(s: string): string {
  // NFKC first: presentation forms (U+FB50–U+FEFF, e.g. from PDFs) become base letters.
  return toAsciiDigits(
    s
      .normalize('NFKC')
      .replace(INVISIBLE, '')
      .replace(TASHKEEL, '')
      .replace(TATWEEL, '')
      .replace(ALEF_FORMS, '\u0627')
      .replace(ALEF_MAKSURA, '\u064A')
      .replace(WAW_HAMZA, '\u0648')
      .replace(YEH_HAMZA, '\u064A')
      .replace(PERSIAN_KAF, '\u0643')
      .replace(PERSIAN_YEH, '\u064A')
      .replace(FINAL_TEH_MARBUTA, '\u0647'),
  );
}

const ARABIC_LETTER = /[\u0621-\u064A\u066E-\u06D3]/;

/** isArabicWord tells whether the token is written in Arabic letters (its first letter is). */
export function isArabicWord(token: string): boolean {
  return ARABIC_LETTER.test(token.charAt(0));
}

// light10 (Larkey et al. 2007 §4): prefixes tried longest first; و alone only on longer words.
const ARTICLE_PREFIXES = ['وال', 'بال', 'كال', 'فال', 'لل', 'ال'];
// (ية and ة are already يه and ه after normalisation.)
const SUFFIXES = ['ها', 'ان', 'ات', 'ون', 'ين', 'يه', 'ه', 'ي'];

/**
 * stripArticle removes a leading و and the definite article with a clitic preposition
 * (وال بال كال فال لل ال) from a normalised word, keeping at least two letters.
 *
 *   stripArticle('والمستشفى') === 'مستشفى'
 */
export function stripArticle(word: string): string {
  let w = word;
  if (w.length > 3 && w.startsWith('\u0648')) w = w.slice(1);
  for (const p of ARTICLE_PREFIXES) {
    if (w.startsWith(p) && w.length - p.length >= 2) return w.slice(p.length);
  }
  return w;
}

/**
 * stemArabic is the light10 stemmer over a normalised word: stripArticle, then each of the
 * suffixes ها ان ات ون ين يه ه ي removed (in that order, once each) while more than two letters
 * remain. It conflates the article, clitic prepositions, the feminine ending, sound plurals and
 * duals and possessive ه/ها; it does not find roots (light stemming is more precise for IR).
 *
 *   stemArabic('والمدارس') === 'مدارس'; stemArabic('المدرسه') === 'مدرس'
 */
export function stemArabic(word: string): string {
  let w = stripArticle(word);
  for (const s of SUFFIXES) {
    if (w.length - s.length >= 2 && w.endsWith(s)) w = w.slice(0, -s.length);
  }
  return w;
}
