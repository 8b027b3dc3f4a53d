/**
 * provenance.ts — every item says where it came from, when and by whom it was collected. Each
 * field is required; a field nobody knows must be marked explicitly with the literal "unknown"
 * (Berkeley Protocol: identification and collection are recorded, gaps are declared, not hidden).
 */
import { escapeUnsafe, LINE_UNSAFE } from '../lib/unsafe-text.js';
import { VaultError } from './errors.js';

export const UNKNOWN = 'unknown';
const MAX_FIELD = 500;

export interface Provenance {
  readonly source: string;
  /** UTC ISO 8601, or "unknown". */
  readonly collectedAt: string;
  readonly collectedBy: string;
}

const ISO_DATE_OR_TIME =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** normaliseProvenance validates the fields and puts collectedAt in UTC ISO 8601. */
export function normaliseProvenance(input: Partial<Record<keyof Provenance, unknown>>): Provenance {
  return {
    source: textField('source', input.source),
    collectedBy: textField('collectedBy', input.collectedBy),
    collectedAt: timeField(input.collectedAt),
  };
}

function textField(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new VaultError('INVALID_PROVENANCE', `provenance field ${name} is required (or "${UNKNOWN}")`, {
      field: name,
    });
  }
  const v = value.normalize('NFC').trim();
  if (v.length > MAX_FIELD || LINE_UNSAFE.test(v)) {
    throw new VaultError(
      'INVALID_PROVENANCE',
      `provenance field ${name} is too long or has control or bidi-override characters`,
      {
        field: name,
      },
    );
  }
  return v;
}

function timeField(value: unknown): string {
  if (value === UNKNOWN) return UNKNOWN;
  if (typeof value !== 'string' || !ISO_DATE_OR_TIME.test(value)) {
    throw new VaultError(
      'INVALID_PROVENANCE',
      `collectedAt must be an ISO 8601 date or time, or "${UNKNOWN}"`,
      { field: 'collectedAt' },
    );
  }
  // A bare date or a time without zone is read as UTC: storage is UTC (DESIGN.md rule 5).
  const withZone = /T|\s/.test(value) && !/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? `${value}Z` : value;
  const t = new Date(withZone.replace(' ', 'T'));
  if (Number.isNaN(t.getTime())) {
    throw new VaultError('INVALID_PROVENANCE', 'collectedAt is not a real date', { field: 'collectedAt' });
  }
  return t.toISOString();
}

export const MAX_TITLE = 500;

/**
 * titleField checks a title a person typed (upload metadata, form field, CLI, amend): 1 to
 * MAX_TITLE characters without control or bidi-override characters (src/lib/unsafe-text.ts).
 */
export function titleField(value: string): string {
  const title = value.normalize('NFC').trim();
  if (title.length === 0 || title.length > MAX_TITLE || LINE_UNSAFE.test(title))
    throw new VaultError(
      'INVALID_INPUT',
      `title must be 1 to ${MAX_TITLE} characters without control or bidi-override characters`,
      { field: 'title' },
    );
  return title;
}

/**
 * titleFrom makes a title from text that came with a file rather than from a person (a member's
 * name inside an archive, a PDF's Title, the title of the item a redacted copy is made from):
 * such text cannot be refused, so its controls and bidi overrides are shown escaped
 * (src/lib/unsafe-text.ts `escapeUnsafe`) and it is cut, with "…", so that it and `suffix` fit
 * MAX_TITLE; `fallback` when nothing is left. The result always passes titleField.
 */
export function titleFrom(text: string, suffix = '', fallback = 'untitled'): string {
  let base = escapeUnsafe(text.normalize('NFC')).trim();
  const room = MAX_TITLE - suffix.length;
  if (base.length > room) {
    let cut = '';
    // By code point, so a cut never leaves half a surrogate pair.
    for (const c of base) {
      if (cut.length + c.length > room - 1) break;
      cut += c;
    }
    base = `${cut.trimEnd()}…`;
  }
  return base === '' || base === '…' ? fallback : `${base}${suffix}`;
}
