/**
 * html-text.ts — the readable text of an HTML document: script, style, template and comments
 * dropped, block elements as line breaks, character references decoded (numeric and the common
 * named ones). A linear scan with no nesting stack, so hostile markup (unclosed tags, deep
 * nesting) costs time proportional to its length and no more.
 */

const SKIP = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg', 'iframe', 'object']);
const BLOCK = new Set([
  'p',
  'div',
  'br',
  'li',
  'tr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'section',
  'article',
  'header',
  'footer',
  'blockquote',
  'pre',
  'table',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'hr',
  'title',
  'main',
  'nav',
  'aside',
  'figure',
  'figcaption',
  'td',
  'th',
  'form',
  'address',
]);
const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '©',
  reg: '®',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  middot: '·',
  zwnj: '\u200c',
  zwj: '\u200d',
  rlm: '\u200f',
  lrm: '\u200e',
};

export interface HtmlText {
  readonly text: string;
  readonly title: string | null;
}

/** htmlToText returns the visible text and the <title> of `html`. */
export function htmlToText(html: string): HtmlText {
  const out: string[] = [];
  let title: string | null = null;
  let i = 0;
  const n = html.length;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      out.push(decodeEntities(html.slice(i)));
      break;
    }
    if (lt > i) out.push(decodeEntities(html.slice(i, lt)));
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    const gt = html.indexOf('>', lt + 1);
    if (gt < 0) break;
    const m = /^<\/?\s*([a-zA-Z][a-zA-Z0-9-]*)/.exec(html.slice(lt, Math.min(gt + 1, lt + 64)));
    i = gt + 1;
    if (!m) continue;
    const name = m[1]!.toLowerCase();
    const closing = html[lt + 1] === '/';
    if (!closing && name === 'title' && title === null) {
      const end = html.toLowerCase().indexOf('</title', i);
      if (end >= 0) title = decodeEntities(html.slice(i, end)).replace(/\s+/g, ' ').trim();
    }
    if (!closing && SKIP.has(name)) {
      const end = html.toLowerCase().indexOf(`</${name}`, i);
      if (end < 0) break;
      const close = html.indexOf('>', end);
      i = close < 0 ? n : close + 1;
      if (name === 'head') out.push('\n');
      continue;
    }
    if (BLOCK.has(name)) out.push('\n');
  }
  const text = out
    .join('')
    .replace(/[ \t\f\r\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { text, title };
}

function decodeEntities(s: string): string {
  return s.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g, (all, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)
        ? String.fromCodePoint(cp)
        : '\ufffd';
    }
    return NAMED[ref] ?? all;
  });
}

/** looksLikeHtml says whether the first bytes of a text are an HTML document. */
export function looksLikeHtml(head: string): boolean {
  const s = head
    .replace(/^\ufeff/, '')
    .trimStart()
    .slice(0, 1024)
    .toLowerCase();
  return s.startsWith('<!doctype html') || s.startsWith('<html') || /<(head|body)[\s>]/.test(s);
}
