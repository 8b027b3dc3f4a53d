/**
 * translit.ts — folding of Arabic names written in Latin letters (and of Arabic script into
 * Latin), so that the many spellings of one place or person meet: "Foah", "Foua", "Fouaa",
 * "al-Fu'ah" and "الفوعة"; "Khan Sheikhoun" and "Khan Shaykun"; "Kefraya", "Kafriya" and "كفريا".
 *
 * There is no one standard romanisation in the sources (news, OCHA, academic ALA-LC, French);
 * what differs between them is mostly predictable (Ali, "Arabic named entity recognition: the
 * ANERsys and transliteration variants" observations; the gazetteer README's list):
 *   - the article: al-/el-/ul-, sun-letter assimilation ad-/ar-/as-/ash-…, or ال;
 *   - vowels: Arabic writes few of them, romanisations pick a/e/i/o/u/ou/oo/ee freely;
 *   - digraphs: kh/gh/sh/th/dh/ch for single letters, q/k for ق, final -ah/-eh for ة;
 *   - ayn and hamza as ', ‘, ’, ʿ, ʾ, ` or nothing; doubled consonants (shadda) or not.
 *
 * foldLatin gives a **key** that keeps consonants in order and collapses every run of vowels
 * (a, e, i, o, u, and y/w next to a vowel) to one "a"; `skeleton` drops the vowels altogether.
 * Two spellings with equal keys are near-certainly the same name; equal skeletons are a weaker
 * hint (used only with context). Arabic script is first romanised letter by letter
 * (arabicToLatin) and then folded the same way, which gives comparable skeletons (Arabic does
 * not write short vowels, so keys across scripts rarely agree). Tests: translit.test.ts.
 */
import { normalizeArabic, stripArticle } from './arabic.js';

// One Latin rendering per Arabic letter (normalised input: no ة, أ, ى …), for folding only.
const AR_TO_LATIN: Readonly<Record<string, string>> = {
  ا: 'a',
  ب: 'b',
  ت: 't',
  ث: 'th',
  ج: 'j',
  ح: 'h',
  خ: 'kh',
  د: 'd',
  ذ: 'dh',
  ر: 'r',
  ز: 'z',
  س: 's',
  ش: 'sh',
  ص: 's',
  ض: 'd',
  ط: 't',
  ظ: 'z',
  ع: "'",
  غ: 'gh',
  ف: 'f',
  ق: 'q',
  ك: 'k',
  ل: 'l',
  م: 'm',
  ن: 'n',
  ه: 'h',
  و: 'w',
  ي: 'y',
  ء: "'",
  ة: 'h',
  پ: 'p',
  چ: 'ch',
  ڤ: 'v',
  گ: 'g',
};

/**
 * arabicToLatin romanises Arabic script letter by letter (after normalizeArabic and without the
 * article of each word), for comparing with Latin spellings; other characters pass through.
 *
 *   arabicToLatin('الفوعة') === "fu'ah"
 */
export function arabicToLatin(s: string): string {
  return normalizeArabic(s)
    .split(/(\s+)/)
    .map((w) => (/^\s+$/.test(w) ? w : romaniseWord(stripArticle(w))))
    .join('');
}

// و and ي inside a word are most often the long vowels u and i; a final ه is most often ة (-ah).
function romaniseWord(w: string): string {
  const letters = [...w];
  return letters
    .map((c, i) => {
      if (i > 0 && c === 'و') return 'u';
      if (i > 0 && c === 'ي') return 'i';
      if (i > 0 && i === letters.length - 1 && c === 'ه') return 'ah';
      return AR_TO_LATIN[c] ?? c;
    })
    .join('');
}

// Articles written as a separate word or with a hyphen: al-, el-, il-, ul- and the assimilated
// forms before sun letters (ad-, ar-, as-, ash-, at-, ath-, az-, an-, adh-, ad-dh…).
const ARTICLE = /^(?:al|el|il|ul|ad|adh|ar|as|ash|at|ath|az|an|ed|er|es|esh|et|ez|en)$/;
const APOSTROPHES = /['’‘`´ʿʾʼ]/g;

function foldWordLatin(word: string): string {
  let w = word;
  // Digraphs for one Arabic letter; q and k for ق/ك, ch (French) for ش.
  w = w
    .replace(/kh/g, 'k')
    .replace(/gh/g, 'g')
    .replace(/sh|ch/g, 's')
    .replace(/th/g, 't')
    .replace(/dh/g, 'd')
    .replace(/ph/g, 'f')
    .replace(/q/g, 'k')
    .replace(/c/g, 'k');
  // y and w after a vowel and not before one are part of it (Shaykun, -ay, -aw); between
  // vowels or after a consonant they are consonants (Kafraya, Kafriya, Mayadin).
  let out = '';
  const isV = (ch: string | undefined) => ch !== undefined && 'aeiou'.includes(ch);
  for (let i = 0; i < w.length; i++) {
    const ch = w[i]!;
    const glide = (ch === 'y' || ch === 'w') && i > 0 && isV(w[i - 1]) && !isV(w[i + 1]);
    out += isV(ch) || glide ? 'a' : ch;
  }
  // One vowel per run, no doubled consonants (shadda), no final h after a vowel (ة as -ah/-eh).
  out = out.replace(/a+/g, 'a').replace(/([b-z])\1+/g, '$1');
  if (out.length > 2 && out.endsWith('ah')) out = out.slice(0, -1);
  return out;
}

function latinWords(s: string): string[] {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(APOSTROPHES, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/**
 * foldToken returns the key of one word (Latin or Arabic script) as foldLatin would fold it
 * inside a name, or '' for an article (al, el, ad-…) or a word with no letters.
 */
export function foldToken(word: string): string {
  const latin = /[\u0600-\u06FF]/.test(word) ? arabicToLatin(word) : word;
  const words = latinWords(latin);
  if (words.length === 1 && ARTICLE.test(words[0]!)) return '';
  return words.map(foldWordLatin).join(' ');
}

/**
 * foldLatin returns the comparison key of a name in Latin or Arabic script: words without
 * articles, consonants in order, each run of vowels as one "a", joined by single spaces.
 *
 *   foldLatin('Foah') === foldLatin('Foua') === foldLatin("al-Fu'ah") === 'fa'
 */
export function foldLatin(name: string): string {
  const latin = /[\u0600-\u06FF]/.test(name) ? arabicToLatin(name) : name;
  const words = latinWords(latin);
  const kept = words.filter((w, i) => !(ARTICLE.test(w) && i < words.length - 1));
  return kept.map(foldWordLatin).join(' ');
}

/**
 * skeleton returns the consonants of foldLatin's key without y, w and h (which stand for vowels
 * and ة as often as for consonants) and without spaces: the weakest key, which matches across
 * scripts and vowel spellings (Bennsh / Binnish / بنش → "bns"; Kafraya / كفريا → "kfr").
 */
export function skeleton(name: string): string {
  return foldLatin(name).replace(/[aywh\s]/g, '');
}
