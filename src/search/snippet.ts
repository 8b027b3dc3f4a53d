/**
 * snippet.ts — the passage of a result that shows why it matched: the window of about
 * SNIPPET_CHARS characters holding the most query words (or the places the query named, in
 * whatever spelling the text uses), with each hit in <mark>…</mark> and everything else
 * HTML-escaped, so a client may show it as HTML. Both backends share it, so their snippets agree.
 */
import { foldWord, termOf, tokenize } from '../lib/search-tokens.js';
import { tagPlaces } from './gazetteer/tagger.js';
import type { Highlight } from './query/compile.js';

export const SNIPPET_CHARS = 240;
/** Snippets are sought in the first SNIPPET_SCAN characters of a text. */
export const SNIPPET_SCAN = 20_000;
/**
 * The first pass reads this much; only a text with no hit there is read to SNIPPET_SCAN. Most
 * hits are near the start (titles, summaries), and analysing 20,000 characters for each of a
 * page's results would cost more than the query.
 */
const FIRST_PASS = 3_000;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** hitsIn returns the spans of `scan` that hit `hl` (a word's verdict is analysed once per text). */
function hitsIn(scan: string, hl: Highlight): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const verdict = new Map<string, boolean>();
  for (const t of tokenize(scan)) {
    let hit = verdict.get(t.text);
    if (hit === undefined) {
      const folded = foldWord(t.text);
      const term = termOf(t.text);
      hit = (term !== null && hl.terms.has(term)) || hl.prefixes.some((p) => folded.startsWith(p));
      verdict.set(t.text, hit);
    }
    if (hit) spans.push([t.start, t.end]);
  }
  if (hl.places.size > 0) {
    for (const m of tagPlaces(scan)) {
      if (m.candidates.some((c) => hl.places.has(c))) spans.push([m.start, m.end]);
    }
  }
  return spans;
}

/** makeSnippet returns the best passage of `text` for `hl`, with hits marked. */
export function makeSnippet(text: string, hl: Highlight): string {
  let scan = text.slice(0, FIRST_PASS);
  let spans = hitsIn(scan, hl);
  if (spans.length === 0 && text.length > FIRST_PASS) {
    scan = text.slice(0, SNIPPET_SCAN);
    spans = hitsIn(scan, hl);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  let start = 0;
  if (merged.length > 0) {
    let best = -1;
    for (const [i, s] of merged.entries()) {
      let n = 0;
      for (let k = i; k < merged.length && merged[k]![1] <= s[0] + SNIPPET_CHARS; k++) n++;
      if (n > best) {
        best = n;
        start = s[0];
      }
    }
    // A little context before the first hit, from a word boundary.
    const back = Math.max(0, start - 40);
    const space = back === 0 ? -1 : scan.indexOf(' ', back);
    start = back === 0 ? 0 : space >= 0 && space < start ? space + 1 : start;
  }
  let end = Math.min(scan.length, start + SNIPPET_CHARS);
  if (end < scan.length) {
    const space = scan.lastIndexOf(' ', end);
    if (space > start + SNIPPET_CHARS / 2) end = space;
  }
  let out = start > 0 ? '…' : '';
  let at = start;
  for (const [s, e] of merged) {
    if (e <= start || s >= end) continue;
    const ms = Math.max(s, start);
    const me = Math.min(e, end);
    out += `${escapeHtml(scan.slice(at, ms))}<mark>${escapeHtml(scan.slice(ms, me))}</mark>`;
    at = me;
  }
  out += escapeHtml(scan.slice(at, end).replace(/\s+/g, ' '));
  if (end < text.length) out += '…';
  return out.replace(/\s+/g, ' ').trim();
}
