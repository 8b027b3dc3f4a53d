/**
 * snippet.ts — the server's snippets (src/search/snippet.ts: HTML-escaped text with hits in
 * <mark>…</mark>) turned into plain parts, so React renders them as text and <mark> elements and
 * nothing in a snippet is ever parsed as HTML. Only the exact tags and the five entities the
 * server writes are understood; anything else stays literal text.
 */
export interface SnippetPart {
  readonly text: string;
  readonly hit: boolean;
}

const ENTITY = /&(?:#(\d{1,7})|amp|lt|gt|quot|apos);/g;
const NAMED: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&apos;': "'",
};

function unescapeHtml(s: string): string {
  return s.replace(ENTITY, (m, code: string | undefined) => {
    if (code === undefined) return NAMED[m] ?? m;
    const n = Number(code);
    return n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : m;
  });
}

/** snippetParts splits a snippet into text and hits. */
export function snippetParts(snippet: string): SnippetPart[] {
  const out: SnippetPart[] = [];
  let rest = snippet;
  while (rest.length > 0) {
    const open = rest.indexOf('<mark>');
    if (open < 0) {
      out.push({ text: unescapeHtml(rest), hit: false });
      break;
    }
    const close = rest.indexOf('</mark>', open + 6);
    if (close < 0) {
      out.push({ text: unescapeHtml(rest), hit: false });
      break;
    }
    if (open > 0) out.push({ text: unescapeHtml(rest.slice(0, open)), hit: false });
    out.push({ text: unescapeHtml(rest.slice(open + 6, close)), hit: true });
    rest = rest.slice(close + 7);
  }
  return out.filter((p) => p.text !== '');
}
