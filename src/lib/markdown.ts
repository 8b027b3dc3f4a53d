/**
 * markdown.ts — free text made inert inside a Markdown document (CommonMark 0.31.2 and GitHub
 * Flavored Markdown 0.29): whatever a name, mandate instrument, note or source says, it renders
 * as the same characters and never as a heading, emphasis, link, image, raw HTML, entity,
 * strikethrough or table cell break.
 *
 * CommonMark §2.4: "Any ASCII punctuation character may be backslash-escaped"; an escaped
 * character is literal and starts no construct. Escaping every punctuation character that can
 * open one (§4 leaf blocks at a line's start, §6 inlines anywhere, GFM §4.10 tables and §6.5
 * strikethrough) is the allow-list approach: a Markdown renderer added later cannot find a
 * construct we forgot (`$` opens maths on GitHub). Letters, digits, spaces and `,:;/%@?'"^`
 * stay as they are so figures and times stay readable in the raw file: none opens a construct
 * outside a link, and a GFM extended autolink (www., http(s)://, e-mail) needs a `.`, escaped.
 * Line breaks become spaces (§4.1–4.3 and §6.7 act on line starts and ends), as do the other
 * C0 controls; U+2028/2029 too, which some renderers treat as line breaks.
 */

/** The ASCII punctuation that opens or closes a Markdown construct (see above). */
const ACTIVE = /[\\`*_{}[\]()#+\-.!|<>&~=$]/g;
const BREAKS = /[\u0000-\u001f\u007f\u2028\u2029]+/g;

/** escapeMarkdown returns `text` as one line of Markdown that renders exactly as `text` reads. */
export function escapeMarkdown(text: string): string {
  return text.replace(BREAKS, ' ').replace(ACTIVE, (c) => `\\${c}`);
}
