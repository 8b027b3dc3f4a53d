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

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** makeSnippet returns the best passage of `text` for `hl`, with hits marked. */
export function makeSnippet(text: string, hl: Highlight): string {
  const scan = text.slice(0, SNIPPET_SCAN);
  const spans: Array<[number, number]> = [];
  for (const t of tokenize(scan)) {
    const folded = foldWord(t.text);
    const term = termOf(t.text);
    if ((term && hl.terms.has(term)) || hl.prefixes.some((p) => folded.startsWith(p)))
      spans.push([t.start, t.end]);
  }
  if (hl.places.size > 0) {
    for (const m of tagPlaces(scan)) {
      if (m.candidates.some((c) => hl.places.has(c))) spans.push([m.start, m.end]);
    }
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
