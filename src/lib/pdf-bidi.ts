/**
 * pdf-bidi.ts — right-to-left and mixed Arabic/Latin text on PDFKit pages.
 *
 * PDFKit draws glyphs left to right in the order it is given them and leaves the Unicode
 * Bidirectional Algorithm (UAX #9) to its caller (foliojs/pdfkit#219); its word cache even lays
 * out each word on its own, which puts Arabic words in reverse order. So this module wraps lines
 * itself (in logical order, measured with the shaped font), runs UAX #9 on each line (bidi-js, a
 * complete implementation of the algorithm), and draws the line as runs in visual order:
 *
 * - Shaping (Arabic joining forms, lam-alef) is fontkit's, inside PDFKit: each run is laid out
 *   whole (`features: []` bypasses the per-word cache), in logical order.
 * - fontkit reverses a run whose script it detects as right-to-left. A right-to-left run that it
 *   would not detect (only punctuation and spaces) is reversed here; a left-to-right run it would
 *   (Arabic-Indic digits, level 2 in UAX #9 §3.3.6) is given reversed so that its reversal undoes it.
 * - Mirrored characters in right-to-left runs — brackets — are swapped (UAX #9 rule L4), since
 *   the embedded fonts have no `rtlm` feature.
 *
 * What a reader copies out of the PDF is each glyph's ToUnicode text, the glyphs taken in reading
 * order. Readers (pdf.js, poppler) reverse a right-to-left run glyph by glyph and then the text of
 * the run, so a ligature standing for several Arabic letters (لا) would copy as alef-lam:
 * its ToUnicode entry is written in reverse (rtlLigatureText). A mirrored character (≤ drawn as ≥
 * in Arabic, brackets) still copies as its mirror — one glyph cannot map to two texts — which only
 * /ActualText spans would fix; what the page shows is right.
 *
 * Explicit directional formatting characters (embeddings, overrides, isolates: U+202A–U+202E,
 * U+2066–U+2069) are removed from the text first: in a report built from what monitors and
 * planners typed, they would let a name reorder the text around it (the "Trojan Source" trick).
 */
import { createRequire } from 'node:module';
import { type Font, openSync } from 'fontkit';

type Doc = PDFKit.PDFDocument;
export type Direction = 'ltr' | 'rtl';
export type Align = 'start' | 'end' | 'left' | 'right';

const require = createRequire(import.meta.url);
// bidi-js is CommonJS whose module.exports is the factory; its types declare an ES default export.
const bidi = (require('bidi-js') as typeof import('bidi-js').default)();

/**
 * FONT_FILES are DejaVu Sans regular and bold (dejavu-fonts-ttf; Bitstream Vera/DejaVu licence,
 * free to embed): one family with Latin, Arabic (with its joining forms) and the symbols reports
 * use (≤, →, •), so neither script falls back to a font that lacks it.
 */
export const FONT_FILES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
} as const;

/** The code points both faces can draw (loaded on first use). */
let drawable: Set<number> | undefined;

function drawableCodePoints(): Set<number> {
  if (!drawable) {
    const [regular, bold] = [FONT_FILES.regular, FONT_FILES.bold].map((f) => openSync(f) as Font);
    drawable = new Set(regular!.characterSet.filter((c) => bold!.hasGlyphForCodePoint(c)));
  }
  return drawable;
}

/** registerFonts makes 'regular' and 'bold' (DejaVu Sans) available on `doc`. */
export function registerFonts(doc: Doc): void {
  doc.registerFont('regular', FONT_FILES.regular);
  doc.registerFont('bold', FONT_FILES.bold);
}

const DIRECTIONAL_FORMATTING = /[\u202A-\u202E\u2066-\u2069]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const OTHER_CONTROLS = /[\p{Cc}]/gu;
const FORMAT = /^\p{Cf}$/u;

/**
 * cleanText removes explicit directional formatting, turns breaks and tabs into spaces, drops
 * controls, and shows a character the embedded fonts cannot draw (an emoji, a lone surrogate) as
 * U+FFFD '�' rather than an empty box that a reader would copy out as U+0000.
 */
export function cleanText(text: string): string {
  const cleaned = text
    .replace(LONE_SURROGATE, '\uFFFD')
    .normalize('NFC')
    .replace(DIRECTIONAL_FORMATTING, '')
    .replace(LINE_BREAKS, ' ')
    .replace(OTHER_CONTROLS, '');
  const fonts = drawableCodePoints();
  let out = '';
  for (const ch of cleaned) {
    if (fonts.has(ch.codePointAt(0)!)) out += ch;
    // An invisible format character the fonts lack (U+061C ARABIC LETTER MARK in Arabic
    // percentages) is dropped, not shown.
    else if (!FORMAT.test(ch)) out += '\uFFFD';
  }
  return out;
}

/** One run of a line, in the order it is drawn (left to right), as the text to hand to PDFKit. */
export interface VisualRun {
  readonly text: string;
  /** The run's UAX #9 level is odd (right to left). */
  readonly rtl: boolean;
}

const RTL_SCRIPT = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const NEUTRAL_SCRIPT = /[\p{Script=Common}\p{Script=Inherited}\p{Script=Unknown}]/u;

/** fontkitReverses says whether fontkit lays `text` out right to left: its first non-common character's script. */
function fontkitReverses(text: string): boolean {
  for (const ch of text) if (!NEUTRAL_SCRIPT.test(ch)) return RTL_SCRIPT.test(ch);
  return false;
}

const reverse = (text: string) => Array.from(text).reverse().join('');

/**
 * visualRuns returns the runs of one line (no breaks) in drawing order, each prepared so that
 * PDFKit + fontkit draw it correctly (see the module comment), for a paragraph of `direction`.
 */
export function visualRuns(line: string, direction: Direction): VisualRun[] {
  if (line === '') return [];
  const levels = bidi.getEmbeddingLevels(line, direction);
  const mirrored = bidi.getMirroredCharactersMap(line, levels.levels);
  const order = bidi.getReorderedIndices(line, levels);
  // Group visually adjacent characters of one level whose logical indices run on (up for an
  // even level, down for an odd one): each group is one run of logical text.
  const groups: { start: number; end: number; level: number }[] = [];
  for (const i of order) {
    const level = levels.levels[i]!;
    const last = groups[groups.length - 1];
    const next = level % 2 === 1 ? (last?.start ?? 0) - 1 : (last?.end ?? 0) + 1;
    if (last && last.level === level && i === next) {
      if (level % 2 === 1) last.start = i;
      else last.end = i;
    } else groups.push({ start: i, end: i, level });
  }
  return groups.map(({ start, end, level }) => {
    let text = '';
    for (let i = start; i <= end; i++) text += mirrored.get(i) ?? line[i];
    const rtl = level % 2 === 1;
    // fontkit will reverse it when it sees a right-to-left script: hand it the order that gives
    // the visual result either way.
    const prepared = rtl === fontkitReverses(text) ? text : reverse(text);
    return { text: prepared, rtl };
  });
}

interface TextOptions {
  readonly width: number;
  readonly direction: Direction;
  readonly align?: Align;
}

const SHAPE = { features: [] as PDFKit.Mixins.OpenTypeFeatures[] };

/** widthOf measures `text` with the current font and size, shaped as one run. */
export function widthOf(doc: Doc, text: string): number {
  return doc.widthOfString(text, SHAPE);
}

/**
 * wrapLines breaks `text` (already cleaned) into lines no wider than `width`, at spaces, and
 * inside a word only when the word alone is wider than the line.
 */
export function wrapLines(doc: Doc, text: string, width: number): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (widthOf(doc, candidate) <= width || (line === '' && word === '')) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    line = word;
    // A word wider than the whole line is cut by characters (code points).
    while (widthOf(doc, line) > width) {
      const chars = Array.from(line);
      let fit = 1;
      while (fit < chars.length && widthOf(doc, chars.slice(0, fit + 1).join('')) <= width) fit++;
      lines.push(chars.slice(0, fit).join(''));
      line = chars.slice(fit).join('');
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** heightOfText is the height drawText takes for `text` in `width`, with the current font and size. */
export function heightOfText(doc: Doc, text: string, width: number): number {
  return wrapLines(doc, cleanText(text), width).length * doc.currentLineHeight(true);
}

interface EmbeddedFontInternals {
  unicode?: (number[] | undefined)[];
  encode?: (...args: unknown[]) => unknown;
  attestRtlLigatures?: Set<number>;
}

/**
 * rtlLigatureText makes the current font write the ToUnicode text of a ligature of right-to-left
 * letters in reverse, so that a reader's reversal of the run restores the letters' order (see the
 * module comment). It reaches into PDFKit's EmbeddedFont (`_font.unicode`, filled by `encode`),
 * pinned by the test that copies "إجلاء" back out of a PDF.
 */
function rtlLigatureText(doc: Doc): void {
  const font = (doc as unknown as { _font?: EmbeddedFontInternals })._font;
  if (!font || font.attestRtlLigatures || typeof font.encode !== 'function' || !Array.isArray(font.unicode))
    return;
  const fixed = new Set<number>();
  font.attestRtlLigatures = fixed;
  const encode = font.encode.bind(font);
  font.encode = (...args: unknown[]) => {
    const result = encode(...args);
    font.unicode!.forEach((codePoints, gid) => {
      if (!codePoints || codePoints.length < 2 || fixed.has(gid)) return;
      fixed.add(gid);
      // A copy: the array is fontkit's glyph's own.
      if (codePoints.every((c) => RTL_SCRIPT.test(String.fromCodePoint(c))))
        font.unicode![gid] = [...codePoints].reverse();
    });
    return result;
  };
}

/**
 * drawLine draws one line (no wrapping) at (x, y) inside `width`, aligned to the start or end of
 * its direction (or to a side), and returns its width.
 */
export function drawLine(doc: Doc, line: string, x: number, y: number, options: TextOptions): number {
  const runs = visualRuns(line, options.direction);
  const widths = runs.map((r) => widthOf(doc, r.text));
  const total = widths.reduce((a, b) => a + b, 0);
  const align = options.align ?? 'start';
  const right =
    align === 'right' ||
    (align === 'start' && options.direction === 'rtl') ||
    (align === 'end' && options.direction === 'ltr');
  let at = right ? x + options.width - total : x;
  rtlLigatureText(doc);
  runs.forEach((run, i) => {
    if (run.text !== '') doc.text(run.text, at, y, { lineBreak: false, ...SHAPE });
    at += widths[i]!;
  });
  return total;
}

/**
 * drawText draws `text` wrapped into `width` from (x, y) down, one bidi-ordered line at a time,
 * leaves the cursor below it at x, and returns the height used.
 */
export function drawText(doc: Doc, text: string, x: number, y: number, options: TextOptions): number {
  const lines = wrapLines(doc, cleanText(text), options.width);
  const lineHeight = doc.currentLineHeight(true);
  lines.forEach((line, i) => {
    drawLine(doc, line, x, y + i * lineHeight, options);
  });
  const height = lines.length * lineHeight;
  doc.x = x;
  doc.y = y + height;
  return height;
}
