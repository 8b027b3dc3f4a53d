/**
 * hxl.ts — HXL 1.1 (Humanitarian Exchange Language, hxlstandard.org/standard/1-1final/) tagged CSV:
 * a writer and a strict, bounded parser. The CSV is RFC 4180: CRLF line ends, fields with comma,
 * quote, CR or LF quoted, quotes doubled. Row 1 holds text headers and row 2 the hashtag row
 * (`#affected+displaced+ind`: a hashtag, then attributes, lower case). Text cells that a spreadsheet
 * would run as a formula (leading = + - @ TAB CR) get a leading apostrophe (OWASP "CSV injection");
 * number cells are written as numbers so negative figures survive. Tests: hxl.test.ts.
 */
import { AttestError } from './errors.js';

export type HxlErrorCode = 'HXL_TOO_LARGE' | 'HXL_MALFORMED' | 'HXL_BAD_TAG';

/** HxlError says why HXL text was refused or could not be written; `details.row` is 1-based. */
export class HxlError extends AttestError<HxlErrorCode> {}

/** HxlColumn is one column: its human header, its hashtag with attributes, and its cell type. */
export interface HxlColumn {
  readonly header: string;
  readonly tag: string;
  readonly type: 'text' | 'number';
}

export type HxlCell = string | number | null;

/** HXL_TAG matches a hashtag with attributes, HXL 1.1 §3: `#name` then `+attribute`s, [a-z0-9_]. */
export const HXL_TAG = /^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$/;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;
const SPECIAL = /[",\r\n\0]/g;

/** normalizeTag returns a hashtag spec in canonical form (lower case, no spaces), or throws HXL_BAD_TAG. */
export function normalizeTag(tag: string): string {
  const t = tag.replace(/\s+/g, '').toLowerCase();
  if (!HXL_TAG.test(t))
    throw new HxlError('HXL_BAD_TAG', `not an HXL hashtag: ${JSON.stringify(tag.slice(0, 60))}`);
  return t;
}

/** escapeTextCell defuses a text cell a spreadsheet would evaluate, by prefixing an apostrophe. */
export function escapeTextCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function quote(field: string): string {
  return NEEDS_QUOTES.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

function formatCell(cell: HxlCell, column: HxlColumn): string {
  if (cell === null) return '';
  if (column.type === 'number') {
    if (typeof cell !== 'number' || !Number.isFinite(cell)) {
      throw new HxlError('HXL_MALFORMED', `column ${column.tag} takes finite numbers, got ${String(cell)}`);
    }
    return String(cell);
  }
  return quote(escapeTextCell(String(cell)));
}

/** writeHxl returns the HXL CSV text (header row, hashtag row, data rows; CRLF) for `rows`. */
export function writeHxl(columns: readonly HxlColumn[], rows: ReadonlyArray<readonly HxlCell[]>): string {
  const tags = columns.map((c) => normalizeTag(c.tag));
  const lines = [columns.map((c) => quote(escapeTextCell(c.header))).join(','), tags.join(',')];
  rows.forEach((row, i) => {
    if (row.length !== columns.length) {
      throw new HxlError('HXL_MALFORMED', `row ${i + 1} has ${row.length} cells, want ${columns.length}`);
    }
    lines.push(row.map((cell, j) => formatCell(cell, columns[j]!)).join(','));
  });
  return `${lines.join('\r\n')}\r\n`;
}

/** HxlLimits bound what `parseHxl` accepts; input beyond them is refused before or while parsing. */
export interface HxlLimits {
  readonly maxBytes: number;
  readonly maxRows: number;
  readonly maxColumns: number;
  readonly maxFieldLength: number;
}

export const DEFAULT_HXL_LIMITS: HxlLimits = Object.freeze({
  maxBytes: 16 * 1024 * 1024,
  maxRows: 200_000,
  maxColumns: 200,
  maxFieldLength: 64 * 1024,
});

/** ParsedHxl is the parsed table: text headers, canonical hashtags and data rows as strings. */
export interface ParsedHxl {
  readonly headers: readonly string[];
  readonly tags: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/**
 * parseHxl parses HXL CSV strictly. The whole text is attacker-controlled: its size is checked
 * before parsing, rows, columns and field lengths while parsing, and any irregularity (NUL, a bare
 * CR, an unterminated or stray quote, rows of different widths, a bad hashtag) is an HxlError
 * naming the row. One leading BOM is skipped; LF or CRLF line ends are accepted.
 */
export function parseHxl(text: string, limits: HxlLimits = DEFAULT_HXL_LIMITS): ParsedHxl {
  if (text.length > limits.maxBytes || Buffer.byteLength(text, 'utf8') > limits.maxBytes) {
    throw new HxlError('HXL_TOO_LARGE', `HXL text exceeds ${limits.maxBytes} bytes`);
  }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.includes('\uFEFF'))
    throw new HxlError('HXL_MALFORMED', 'a byte order mark is allowed only at the start');
  const records = parseCsv(body, limits);
  if (records.length < 2) throw new HxlError('HXL_MALFORMED', 'HXL needs a header row and a hashtag row');
  const [headers, tagRow] = records as [string[], string[]];
  const tags = tagRow.map((t, i) => {
    try {
      return normalizeTag(t);
    } catch (e) {
      throw new HxlError(
        'HXL_BAD_TAG',
        `column ${i + 1} of the hashtag row is not a hashtag`,
        { row: 2 },
        { cause: e },
      );
    }
  });
  return { headers, tags, rows: records.slice(2) };
}

/** parseCsv splits RFC 4180 text into records, enforcing `limits` and equal widths. */
function parseCsv(text: string, limits: HxlLimits): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  const fail = (message: string) => new HxlError('HXL_MALFORMED', message, { row: records.length + 1 });
  const endField = () => {
    if (field.length > limits.maxFieldLength)
      throw fail(`a field exceeds ${limits.maxFieldLength} characters`);
    record.push(field);
    field = '';
    if (record.length > limits.maxColumns) throw fail(`more than ${limits.maxColumns} columns`);
  };
  const endRecord = () => {
    endField();
    const width = records[0]?.length;
    if (width !== undefined && record.length !== width)
      throw fail(`row has ${record.length} cells, want ${width}`);
    records.push(record);
    record = [];
    if (records.length > limits.maxRows + 2) throw fail(`more than ${limits.maxRows} rows`);
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\0') throw fail('NUL character');
    if (c === '"') {
      if (field !== '') throw fail('quote inside an unquoted field');
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) throw fail('unterminated quoted field');
        field += text.slice(i, close);
        if (field.length > limits.maxFieldLength)
          throw fail(`a field exceeds ${limits.maxFieldLength} characters`);
        if (text[close + 1] === '"') {
          field += '"';
          i = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      if (field.includes('\0')) throw fail('NUL character');
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
        throw fail('text after a closing quote');
      continue;
    }
    if (c === ',') {
      endField();
      i++;
    } else if (c === '\n') {
      endRecord();
      i++;
    } else if (c === '\r') {
      if (text[i + 1] !== '\n') throw fail('bare CR (line ends are LF or CRLF)');
      endRecord();
      i += 2;
    } else {
      SPECIAL.lastIndex = i;
      const end = SPECIAL.exec(text)?.index ?? text.length;
      if (text[end] === '"') throw fail('quote inside an unquoted field');
      field += text.slice(i, end);
      if (field.length > limits.maxFieldLength)
        throw fail(`a field exceeds ${limits.maxFieldLength} characters`);
      i = end;
    }
  }
  if (field !== '' || record.length > 0) endRecord();
  return records;
}
