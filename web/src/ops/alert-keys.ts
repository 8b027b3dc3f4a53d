/**
 * alert-keys.ts — which sentence (`alertText.<key>`, i18n/en-alerts.ts) tells an alert, from its
 * kind and figures: some kinds have two, as the condition goes on or has ended, or as a point has
 * reported before or never. Pure, so test/web/alert-kinds.test.ts can check that every kind the
 * server raises (src/ops/model.ts ALERT_KINDS) has a title and every sentence here, in both
 * languages: no alert falls back to "Other alert".
 */

type Figures = Readonly<Record<string, unknown>>;

/** ALERT_TEXT_KEYS lists each alert kind's sentences (the first is the usual one). */
export const ALERT_TEXT_KEYS = {
  'people-unaccounted': ['people-unaccounted', 'people-unaccounted-recovered'],
  'vehicle-overdue': ['vehicle-overdue', 'vehicle-overdue-seen'],
  'excessive-dwell': ['excessive-dwell', 'excessive-dwell-ended'],
  'vehicle-missing-at-arrival': ['vehicle-missing-at-arrival'],
  'convoy-turned-back': ['convoy-turned-back'],
  'operation-stalled': ['operation-stalled', 'operation-stalled-ended'],
  'linked-operation-out-of-step': ['linked-operation-out-of-step'],
  'conflicting-observations': ['conflicting-observations'],
  'route-point-unmonitored': ['route-point-unmonitored'],
  'source-totals-diverge': ['source-totals-diverge'],
  'conflicting-reports': ['conflicting-reports'],
  'point-not-reporting': ['point-not-reporting', 'point-not-reporting-never'],
  'operation-no-news': ['operation-no-news', 'operation-no-news-none'],
} as const satisfies Record<string, readonly string[]>;

/** alertTextKey picks the sentence for an alert, or null for a kind this build does not know. */
export function alertTextKey(kind: string, f: Figures): string | null {
  switch (kind) {
    case 'people-unaccounted':
      return f.recoveredAtArrival === true ? 'people-unaccounted-recovered' : kind;
    case 'vehicle-overdue':
      return typeof f.seenAt === 'string' ? 'vehicle-overdue-seen' : kind;
    case 'excessive-dwell':
      return f.stillThere === true ? kind : 'excessive-dwell-ended';
    case 'operation-stalled':
      return typeof f.nextMovementAt === 'string' ? 'operation-stalled-ended' : kind;
    case 'point-not-reporting':
      return typeof f.lastReportAt === 'string' ? kind : 'point-not-reporting-never';
    case 'operation-no-news':
      return typeof f.lastReceivedAt === 'string' ? kind : 'operation-no-news-none';
    default:
      return Object.hasOwn(ALERT_TEXT_KEYS, kind) ? kind : null;
  }
}
