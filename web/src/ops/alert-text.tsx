/**
 * alert-text.tsx — one sentence saying what an alert is about, in the reader's language, built
 * from the alert's figures (the server's `summary` is English, for logs and the CLI). Places are
 * named as the route points are (Arabic names in Arabic); markings, names and ids sit in
 * `<bdi translate="no">`, numbers and times follow the locale.
 */
import { Trans, useTranslation } from 'react-i18next';
import type { Alert, RoutePoint } from '../api/types.js';
import { useCount, useDuration, useFormat } from '../i18n/format.js';
import { useNow } from '../ui/use-now.js';
import { alertTextKey } from './alert-keys.js';
import { usePointName } from './dashboard-sections.js';
import './strings.js';

type Figures = Readonly<Record<string, unknown>>;

/**
 * useSubjectName names an alert's subject in the UI language: a route point or an operation by
 * its local name (the server's `subjectLabel` is the recorded, usually English, name), a vehicle
 * or a convoy by its marking or label, which are data and never translated.
 */
export function useSubjectName(
  points: readonly RoutePoint[],
  operationName: (id: string) => string,
): (alert: Alert) => string {
  const pointName = usePointName();
  return (alert) => {
    const s = alert.subject;
    if (s.type === 'operation') return operationName(s.id);
    const p = s.type === 'route-point' ? points.find((x) => x.id === s.id) : undefined;
    return p ? pointName(p) : (alert.subjectLabel ?? s.id);
  };
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
  const duration = useDuration();
  const subjectName = useSubjectName(points, operationName);
  const now = useNow();
  const figures = ((alert.evidence as { figures?: Figures } | null | undefined)?.figures ?? {}) as Figures;
  const key = alertTextKey(alert.kind, figures);
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
  // How long the silence has lasted: until it was resolved, or until now while it goes on.
  const gapText = () => {
    const from = alert.kind === 'operation-no-news' ? figures.silentSince : alert.raisedAt;
    if (typeof from !== 'string') return '—';
    const end = alert.state === 'resolved' && alert.stateChangedAt ? Date.parse(alert.stateChangedAt) : now;
    return duration(end - Date.parse(from));
  };
  const subject = subjectName(alert);
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
    due:
      alert.kind === 'point-not-reporting'
        ? fmt.dateTime(alert.raisedAt) // awaited since the alert was raised: the earliest due time
        : time(alert.kind === 'vehicle-missing-at-arrival' ? 'dueBy' : 'expectedBy'),
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
    // conflicting-reports: the device (its id's first part is enough to tell it) and the report id.
    device: typeof figures.deviceKeyId === 'string' ? figures.deviceKeyId.slice(0, 11) : '—',
    client: typeof figures.clientId === 'string' ? figures.clientId : '—',
    bodies: num('bodies'),
    // point-not-reporting: the vehicles awaited and the point's last report.
    awaited: counted('vehicles', 'vehiclesAwaited'),
    markings: typeof figures.vehicles === 'string' ? figures.vehicles : '—',
    last: time(alert.kind === 'operation-no-news' ? 'lastReceivedAt' : 'lastReportAt'),
    // operation-no-news: silent since, and the limits.
    since: time('silentSince'),
    critical: num('criticalAfterMinutes'),
    gap: gapText(),
  };
  return (
    <p className="muted" data-testid="alert-text">
      <Trans i18nKey={`alertText.${key}`} values={values} components={{ x: <bdi translate="no" /> }} />
    </p>
  );
}
