/**
 * time-range.ts — uncertain times. An incident's start and end are each a range of instants
 * [earliest, latest]: "2016-12" alone means some time in December 2016 (earliest 2016-12-01T00:00Z,
 * latest 2016-12-31T23:59:59.999Z); a full ISO instant is certain. Stored as ISO 8601 UTC.
 */
import { invalid } from './records.js';

const PERIOD = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** periodBounds returns the first and last instant (ms) of a year, month, day or ISO instant. */
export function periodBounds(value: string, field: string): { earliest: string; latest: string } {
  if (INSTANT.test(value)) {
    const t = new Date(value);
    if (Number.isNaN(t.getTime())) throw invalid(`${field} is not a date`, field);
    return { earliest: t.toISOString(), latest: t.toISOString() };
  }
  const m = PERIOD.exec(value);
  if (!m) throw invalid(`${field} must be YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 instant`, field);
  const y = Number(m[1]);
  const mo = m[2] ? Number(m[2]) - 1 : 0;
  const d = m[3] ? Number(m[3]) : 1;
  const start = new Date(Date.UTC(y, mo, d));
  if (start.getUTCFullYear() !== y || start.getUTCMonth() !== mo || start.getUTCDate() !== d)
    throw invalid(`${field} is not a calendar date`, field);
  const end = new Date(start);
  if (!m[2]) end.setUTCFullYear(y + 1);
  else if (!m[3]) end.setUTCMonth(mo + 1);
  else end.setUTCDate(d + 1);
  return { earliest: start.toISOString(), latest: new Date(end.getTime() - 1).toISOString() };
}

export interface TimeRange {
  readonly startEarliest: string | null;
  readonly startLatest: string | null;
  readonly endEarliest: string | null;
  readonly endLatest: string | null;
}

/**
 * timeRange reads `start` and `end` (each a period or instant, or {earliest, latest}) into the
 * four bounds, and checks that they are in order.
 */
export function timeRange(start: unknown, end: unknown): TimeRange {
  const read = (v: unknown, field: string) => {
    if (v === undefined || v === null || v === '') return { earliest: null, latest: null };
    if (typeof v === 'string') return periodBounds(v, field);
    if (typeof v === 'object' && !Array.isArray(v)) {
      const o = v as { earliest?: unknown; latest?: unknown };
      if (typeof o.earliest !== 'string' || typeof o.latest !== 'string')
        throw invalid(`${field} is a date, or {earliest, latest}`, field);
      return {
        earliest: periodBounds(o.earliest, `${field}.earliest`).earliest,
        latest: periodBounds(o.latest, `${field}.latest`).latest,
      };
    }
    throw invalid(`${field} is a date, or {earliest, latest}`, field);
  };
  const s = read(start, 'start');
  const e = read(end, 'end');
  if (s.earliest && s.latest && s.earliest > s.latest)
    throw invalid('start: earliest is after latest', 'start');
  if (e.earliest && e.latest && e.earliest > e.latest) throw invalid('end: earliest is after latest', 'end');
  if (s.earliest && e.latest && s.earliest > e.latest)
    throw invalid('the incident ends before it starts', 'end');
  return { startEarliest: s.earliest, startLatest: s.latest, endEarliest: e.earliest, endLatest: e.latest };
}
