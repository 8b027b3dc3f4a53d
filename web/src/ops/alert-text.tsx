/**
 * alert-text.tsx — one sentence saying what an alert is about, in the reader's language, built
 * from the alert's figures (the server's `summary` is English, for logs and the CLI). Places are
 * named as the route points are (Arabic names in Arabic); markings, names and ids sit in
 * `<bdi translate="no">`, numbers and times follow the locale.
 */
import { Trans, useTranslation } from 'react-i18next';
import type { Alert, RoutePoint } from '../api/types.js';
import { useCount, useFormat } from '../i18n/format.js';
import { usePointName } from './dashboard-sections.js';

type Figures = Readonly<Record<string, unknown>>;

/** textKey picks the sentence for an alert (some kinds have two: ongoing and ended). */
function textKey(kind: string, f: Figures): string | null {
  switch (kind) {
    case 'people-unaccounted':
      return f.recoveredAtArrival === true ? 'people-unaccounted-recovered' : kind;
    case 'vehicle-overdue':
      return typeof f.seenAt === 'string' ? 'vehicle-overdue-seen' : kind;
    case 'excessive-dwell':
      return f.stillThere === true ? kind : 'excessive-dwell-ended';
    case 'operation-stalled':
      return typeof f.nextMovementAt === 'string' ? 'operation-stalled-ended' : kind;
    case 'vehicle-missing-at-arrival':
    case 'convoy-turned-back':
    case 'linked-operation-out-of-step':
    case 'conflicting-observations':
    case 'route-point-unmonitored':
    case 'source-totals-diverge':
      return kind;
    default:
      return null;
  }
}

export function AlertText({
  alert,
  points,
  operationName,
}: {
  alert: Alert;
  points: readonly RoutePoint[];
  operationName: (id: string) => string;
}) {
  const { i18n } = useTranslation();
  const fmt = useFormat();
  const count = useCount();
  const pointName = usePointName();
  const figures = ((alert.evidence as { figures?: Figures } | null | undefined)?.figures ?? {}) as Figures;
  const key = textKey(alert.kind, figures);
  if (key === null) {
    return alert.summary ? (
      <p lang="en" dir="auto" translate="no" className="muted">
        {alert.summary}
      </p>
    ) : null;
  }
  const byId = new Map(points.map((p) => [p.id, p] as const));
  const place = (id: unknown) => {
    if (typeof id !== 'string') return '—';
    const p = byId.get(id);
    return p ? pointName(p) : id;
  };
  const num = (k: string) => (typeof figures[k] === 'number' ? fmt.number(figures[k] as number) : '—');
  const time = (k: string) => (typeof figures[k] === 'string' ? fmt.dateTime(figures[k] as string) : '—');
  const counted = (unit: 'people' | 'vehicles', k: string) =>
    typeof figures[k] === 'number' ? count(unit, figures[k] as number) : '—';
  const pct = (k: string) =>
    typeof figures[k] === 'number' ? fmt.percent((figures[k] as number) / 100) : '—';
  const subject = alert.subjectLabel ?? String((alert.subject as { id?: unknown } | null)?.id ?? '');
  const values: Record<string, string> = {
    subject,
    missing: num('missing'),
    before: num('before'),
    after: num('after'),
    from:
      figures.fromPointId !== undefined
        ? place(figures.fromPointId)
        : time(alert.kind === 'excessive-dwell' ? 'firstSeenAt' : 'lastMovementAt'),
    to:
      figures.toPointId !== undefined
        ? place(figures.toPointId)
        : time(alert.kind === 'excessive-dwell' ? 'lastSeenAt' : 'nextMovementAt'),
    left: time('lastSeenAt'),
    due: time(alert.kind === 'vehicle-missing-at-arrival' ? 'dueBy' : 'expectedBy'),
    seen: time(alert.kind === 'vehicle-missing-at-arrival' ? 'lastSeenAt' : 'seenAt'),
    point: place(figures.pointId ?? figures.lastPointId),
    points:
      typeof figures.pointIds === 'string'
        ? new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(
            figures.pointIds.split(',').map(place),
          )
        : '—',
    people: counted('people', 'lastCount'),
    limit: num(alert.kind === 'excessive-dwell' ? 'maxDwellMinutes' : 'thresholdMinutes'),
    minutes: num('stalledMinutes'),
    vehicles: counted('vehicles', alert.kind === 'route-point-unmonitored' ? 'vehiclesUnseen' : 'vehicles'),
    day:
      typeof figures.day === 'string'
        ? fmt.date(figures.day)
        : typeof figures.worstDay === 'string'
          ? fmt.date(figures.worstDay)
          : '—',
    progress: pct('progressPercent'),
    other: pct('otherProgressPercent'),
    operation: typeof figures.otherOperationId === 'string' ? operationName(figures.otherOperationId) : '—',
    lead: num('maxLeadPercent'),
    min: num('min'),
    max: num('max'),
    // "40–50 people": the noun agrees with the larger figure.
    range:
      typeof figures.max === 'number'
        ? count('people', figures.max as number, `${num('min')}–${num('max')}`)
        : '—',
    accepted: num('accepted'),
    sources: num('sources'),
  };
  return (
    <p className="muted" data-testid="alert-text">
      <Trans i18nKey={`alertText.${key}`} values={values} components={{ x: <bdi translate="no" /> }} />
    </p>
  );
}
