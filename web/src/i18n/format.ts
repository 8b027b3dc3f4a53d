/**
 * format.ts — numbers and times in the UI language's conventions (Intl). Times are stored in
 * UTC and shown in the viewer's time zone (DESIGN.md rule 5). Counted nouns ("5 people") take
 * the language's plural form (i18next over Intl.PluralRules: Arabic has zero, one, two, few,
 * many and other), with the number itself in the locale's digits.
 */
import { useTranslation } from 'react-i18next';

export interface Formatters {
  number(n: number | null | undefined): string;
  percent(fraction: number): string;
  /** progress is `done` of `expected` as a percentage that never reads 100 % unless they are equal. */
  progress(done: number, expected: number): string;
  dateTime(iso: string | null | undefined): string;
  time(iso: string | null | undefined): string;
  date(iso: string | null | undefined): string;
  /**
   * ago says how long ago something happened `ms` before now, in the language's own words
   * (Intl.RelativeTimeFormat, numeric 'auto'): "now", "1 minute ago", "yesterday"; "الآن",
   * "قبل دقيقتين", "أمس" — never "0 minutes ago" nor "منذ 0 دقيقة".
   */
  ago(ms: number): string;
}

/** agoParts picks the unit of a relative time: seconds under a minute, minutes under two hours, hours under two days, then days. */
export function agoParts(ms: number): [number, Intl.RelativeTimeFormatUnit] {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return [0, 'second'];
  if (minutes < 120) return [-minutes, 'minute'];
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return [-hours, 'hour'];
  return [-Math.floor(hours / 24), 'day'];
}

/**
 * progressFraction rounds done/expected to whole percents towards the truth at the edges: below
 * the expected figure it rounds down (1,231 of 1,232 is 99 %, not 100 %), above it rounds up
 * (1,233 of 1,232 is 101 %), and a non-zero count never shows as 0 %.
 */
export function progressFraction(done: number, expected: number): number {
  if (expected <= 0) return done > 0 ? 1 : 0;
  if (done === expected) return 1;
  const exact = (done * 100) / expected;
  if (done < expected) return Math.max(done > 0 ? 1 : 0, Math.floor(exact)) / 100;
  return Math.max(101, Math.ceil(exact)) / 100;
}

const cache = new Map<string, Formatters>();

/** formattersFor returns the formatters of `lang` (memoised). */
export function formattersFor(lang: string): Formatters {
  const hit = cache.get(lang);
  if (hit) return hit;
  const num = new Intl.NumberFormat(lang);
  const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  const dt = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const tm = new Intl.DateTimeFormat(lang, { timeStyle: 'short' });
  // A date-only value (YYYY-MM-DD) is a calendar day, not an instant: format it in UTC.
  const d = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });
  const rel = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const valid = (iso: string | null | undefined) => (iso ? !Number.isNaN(Date.parse(iso)) : false);
  const f: Formatters = {
    number: (n) => (n === null || n === undefined ? '—' : num.format(n)),
    percent: (x) => pct.format(x),
    progress: (done, expected) => pct.format(progressFraction(done, expected)),
    dateTime: (iso) => (valid(iso) ? dt.format(new Date(iso!)) : '—'),
    time: (iso) => (valid(iso) ? tm.format(new Date(iso!)) : '—'),
    date: (iso) => (valid(iso) ? d.format(new Date(iso!)) : '—'),
    ago: (ms) => rel.format(...agoParts(ms)),
  };
  cache.set(lang, f);
  return f;
}

/** useFormat returns the formatters of the current UI language. */
export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  return formattersFor(i18n.language);
}

export type Unit = 'people' | 'vehicles' | 'minutes' | 'hours' | 'alerts' | 'observations' | 'photos';

/**
 * useCount returns `count(unit, n)`: "1 person", "5 people"; in Arabic "شخص واحد", "شخصان",
 * "٥ أشخاص", "١١ شخصًا", "١٠٠ شخص". `shown` replaces the number in the text (a range "40–50").
 */
export function useCount(): (unit: Unit, n: number, shown?: string) => string {
  const { t } = useTranslation();
  const f = useFormat();
  return (unit, n, shown) => t(`counted.${unit}`, { count: n, n: shown ?? f.number(n) });
}

/** useDuration says how long `ms` is, in whole minutes up to two hours, then in hours. */
export function useDuration(): (ms: number) => string {
  const count = useCount();
  return (ms) => {
    const minutes = Math.max(0, Math.floor(ms / 60_000));
    return minutes < 120 ? count('minutes', minutes) : count('hours', Math.floor(minutes / 60));
  };
}
