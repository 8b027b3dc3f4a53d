/**
 * format.ts — numbers and times in the UI language's conventions (Intl). Times are stored in
 * UTC and shown in the viewer's time zone (DESIGN.md rule 5).
 */
import { useTranslation } from 'react-i18next';

export interface Formatters {
  number(n: number | null | undefined): string;
  percent(fraction: number): string;
  dateTime(iso: string | null | undefined): string;
  date(iso: string | null | undefined): string;
}

const cache = new Map<string, Formatters>();

/** formattersFor returns the formatters of `lang` (memoised). */
export function formattersFor(lang: string): Formatters {
  const hit = cache.get(lang);
  if (hit) return hit;
  const num = new Intl.NumberFormat(lang);
  const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  const dt = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  // A date-only value (YYYY-MM-DD) is a calendar day, not an instant: format it in UTC.
  const d = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });
  const valid = (iso: string | null | undefined) => (iso ? !Number.isNaN(Date.parse(iso)) : false);
  const f: Formatters = {
    number: (n) => (n === null || n === undefined ? '—' : num.format(n)),
    percent: (x) => pct.format(x),
    dateTime: (iso) => (valid(iso) ? dt.format(new Date(iso!)) : '—'),
    date: (iso) => (valid(iso) ? d.format(new Date(iso!)) : '—'),
  };
  cache.set(lang, f);
  return f;
}

/** useFormat returns the formatters of the current UI language. */
export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  return formattersFor(i18n.language);
}
