/**
 * tagger.ts — marks the places an item's text mentions: each mention with its offsets (UTF-16,
 * [start, end) in the text given), the words as written, the chosen P-code and the other
 * candidates. The longest name wins (معرة النعمان over النعمان); a homonym is settled by the
 * other places of the same text (Kafraya beside al-Fu'ah is C3952, not C4045).
 *
 * To keep false alarms down, a Latin-script mention must start with a capital letter, a name of
 * one word must have at least three letters and not be a stop word, and a one-word name shared
 * by more than three places is not tagged alone unless a checked variant names it (Arabic
 * village names such as الجديدة are also ordinary words).
 */
import { isArabicWord } from '../../lib/arabic.js';
import { foldWord, isStopWord, type Token, tokenize } from '../../lib/search-tokens.js';
import { foldToken } from '../../lib/translit.js';
import { arabicCore, buildNameIndex, type MatchKind, type NameIndex } from './name-index.js';
import { type GazetteerData, loadGazetteer } from './places.js';
import { rankCandidates } from './resolve.js';

export interface PlaceMention {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly pcode: string;
  /** Every place the words may name, best first (pcode is the first). */
  readonly candidates: readonly string[];
}

// Latin words that are gazetteer names but far more often ordinary English (capitalised at the
// start of a sentence).
const LATIN_COMMON = new Set(
  (
    'the a an in on at to of and or for by from with this that these those there here he she it ' +
    'we they his her its our their after before during when while since until bus buses road ' +
    'camp school new old center centre north south east west city town village district area ' +
    'monday tuesday wednesday thursday friday saturday sunday may june march one two three four ' +
    'five six seven eight nine ten no yes all some many few near far'
  ).split(' '),
);

/** Mentions are sought only in the first MAX_TAG_CHARS characters of a text. */
export const MAX_TAG_CHARS = 200_000;

interface Word {
  readonly token: Token;
  readonly arabic: boolean;
  /** The lookup key of the word; '' for an article. */
  readonly key: string;
  /** The key without a leading Arabic clitic (و ب ل ف ك), if the word has one. */
  readonly bare: string | null;
}

// Words recur across documents: their keys are kept (bounded) so a corpus is folded once per word.
const WORD_KEYS = new Map<string, { key: string; bare: string | null }>();
const MAX_WORD_KEYS = 100_000;

function wordOf(token: Token): Word {
  const arabic = isArabicWord(token.text);
  let keys = WORD_KEYS.get(token.text);
  if (!keys) {
    keys = wordKeys(token.text, arabic);
    if (WORD_KEYS.size >= MAX_WORD_KEYS) WORD_KEYS.clear();
    WORD_KEYS.set(token.text, keys);
  }
  return { token, arabic, ...keys };
}

function wordKeys(text: string, arabic: boolean): { key: string; bare: string | null } {
  if (!arabic) return { key: foldToken(text), bare: null };
  const bare = /^[وبلفك]/.test(text) && text.length > 3 ? arabicCore(text.slice(1)) : null;
  return { key: arabicCore(text), bare };
}

function adjacent(text: string, a: Token, b: Token): boolean {
  const gap = text.slice(a.end, b.start);
  return gap.length <= 3 && /^[\s\-–_]*$/.test(gap);
}

/** tagPlaces returns the place mentions in `text`, in order of appearance. */
export function tagPlaces(text: string, data: GazetteerData = loadGazetteer()): PlaceMention[] {
  const index = buildNameIndex(data);
  const body = text.length > MAX_TAG_CHARS ? text.slice(0, MAX_TAG_CHARS) : text;
  const words = tokenize(body).map(wordOf);
  const raw: { start: number; end: number; text: string; hits: Map<string, MatchKind> }[] = [];
  for (let i = 0; i < words.length; ) {
    const found = longestAt(body, words, i, index);
    if (found) {
      raw.push(found.mention);
      i += found.length;
    } else i++;
  }
  // Context: the places named without ambiguity.
  const sure = raw.filter((m) => m.hits.size === 1).map((m) => [...m.hits.keys()][0]!);
  return raw.map((m) => {
    const hits = [...m.hits.keys()];
    const candidates =
      hits.length === 1 ? hits : rankCandidates(m.hits, sure, data).map((c) => c.place.pcode);
    return { start: m.start, end: m.end, text: m.text, pcode: candidates[0]!, candidates };
  });
}

function longestAt(text: string, words: readonly Word[], i: number, index: NameIndex) {
  const first = words[i]!;
  // A name begins with its first word or with an article before it.
  const head = first.key === '' && i + 1 < words.length ? words[i + 1]! : first;
  if (!index.firstWords.has(head.key) && !(head.bare && index.firstWords.has(head.bare))) return undefined;
  if (!first.arabic && !/^\p{Lu}/u.test(head.token.text)) return undefined;
  const max = Math.min(index.maxWords + 1, words.length - i);
  for (let n = max; n >= 1; n--) {
    const span = words.slice(i, i + n);
    const last = span[n - 1]!;
    if (last.key === '' || span.some((w) => w.arabic !== first.arabic)) continue;
    if (span.some((w, k) => k > 0 && !adjacent(text, span[k - 1]!.token, w.token))) continue;
    const hits = lookup(span, index);
    if (!hits || !acceptable(span, hits)) continue;
    const start = first.token.start;
    return {
      length: n,
      mention: { start, end: last.token.end, text: text.slice(start, last.token.end), hits },
    };
  }
  return undefined;
}

function lookup(span: readonly Word[], index: NameIndex): Map<string, MatchKind> | undefined {
  const keys = span.map((w) => w.key).filter((k) => k !== '');
  const map = span[0]!.arabic ? index.arabic : index.latin;
  const found = map.get(keys.join(' ')) ?? (span[0]!.arabic ? map.get(keys.join('')) : undefined);
  if (found) return new Map(found);
  const bare = span[0]!.bare;
  if (bare) {
    const alt = map.get([bare, ...keys.slice(1)].join(' '));
    if (alt) return new Map(alt);
  }
  return undefined;
}

function acceptable(span: readonly Word[], hits: Map<string, MatchKind>): boolean {
  const named = span.filter((w) => w.key !== '');
  if (named.length !== 1) return true;
  const word = named[0]!.token.text;
  const folded = foldWord(word);
  if (word.length < 3 || isStopWord(folded) || LATIN_COMMON.has(folded)) return false;
  if (hits.size > 3) {
    // Keep only the places a checked variant names; otherwise the word is too common a name.
    for (const [p, k] of hits) if (k !== 'variant') hits.delete(p);
    return hits.size > 0;
  }
  return true;
}
