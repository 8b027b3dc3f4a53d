/**
 * attention-strip.tsx — the top of the dashboard, for a coordinator at 3 a.m.: the unresolved
 * alerts grouped by what they are about (critical first; each links to its full entry below), the
 * people arrived, on the road and at each point, and how long each point has been silent.
 */
import { useTranslation } from 'react-i18next';
import type { Alert, Severity } from '../api/types.js';
import { useCount, useFormat } from '../i18n/format.js';
import { useLocalName } from '../i18n/names.js';
import { useLabel } from '../ui/labels.js';
import {
  type AlertGroup,
  groupAlerts,
  type LivePoint,
  type PeopleOnTheRoad,
  QUIET_MINUTES,
  severityCounts,
} from './attention.js';
import './strings.js';

const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

/** SeverityCounts shows "Critical 2 · Warning 1" as badges; nothing for none. */
export function SeverityCounts({ alerts }: { alerts: readonly Alert[] }) {
  const label = useLabel();
  const f = useFormat();
  const counts = severityCounts(alerts);
  return (
    <>
      {SEVERITIES.filter((s) => counts[s] > 0).map((s) => (
        <span key={s} className={`badge severity-${s}`} data-testid={`count-${s}`}>
          {label('severity', s)}: {f.number(counts[s])}
        </span>
      ))}
    </>
  );
}

export function AttentionStrip({
  alerts,
  points,
  people,
  arrived,
  now,
}: {
  alerts: readonly Alert[];
  points: readonly LivePoint[];
  people: PeopleOnTheRoad;
  arrived: number;
  now: number;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  const count = useCount();
  const f = useFormat();
  const name = useLocalName();
  const groups = groupAlerts(alerts);
  const ordered = [...points].sort((a, b) => a.order - b.order);
  // A route point by its name in the UI language; a vehicle or convoy by its marking or label.
  const subjectName = (g: AlertGroup) => {
    const p = g.subjectType === 'route-point' ? points.find((x) => x.id === g.subjectId) : undefined;
    return p ? name(p) : g.label;
  };

  return (
    <section className="attention" aria-labelledby="attention-h" data-testid="attention">
      <h2 id="attention-h">
        {t('dashboard.attention')} <SeverityCounts alerts={alerts} />
      </h2>
      {groups.length === 0 ? (
        <p>{t('dashboard.attentionNone')}</p>
      ) : (
        <ul className="attention-groups">
          {groups.map((g) => (
            <li key={g.key} className={`attention-group severity-${g.severity}`} data-subject={g.key}>
              <span className={`badge severity-${g.severity}`}>{label('severity', g.severity)}</span>{' '}
              <strong>
                {g.subjectType === 'operation' ? (
                  t('dashboard.wholeOperation')
                ) : (
                  <bdi translate="no">{subjectName(g)}</bdi>
                )}
              </strong>
              <ul className="attention-kinds">
                {g.alerts.map((a) => (
                  <li key={a.id}>
                    <a href={`#alert-${a.id}`}>{label('alertKind', a.kind)}</a>
                    {a.state === 'acknowledged' && (
                      <span className="badge"> {label('alertState', a.state)}</span>
                    )}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      <div className="attention-facts">
        <p data-testid="people-now">
          <strong>{t('dashboard.peopleNow')}:</strong>{' '}
          <span data-testid="people-arrived">
            {t('dashboard.arrivedPeople', { people: count('people', arrived) })}
          </span>
          {' · '}
          <span data-testid="people-in-transit">
            {t('dashboard.inTransitPeople', { people: count('people', people.inTransit) })}
            {people.uncountedVehicles > 0 &&
              ` ${t('dashboard.uncounted', { vehicles: count('vehicles', people.uncountedVehicles) })}`}
          </span>
        </p>
        <h3>{t('dashboard.pointsHeard')}</h3>
        <ul className="point-ages" data-testid="point-ages">
          {ordered.map((p) => {
            const at = p.lastObservedAt ? Date.parse(p.lastObservedAt) : null;
            const quiet = at !== null && now - at >= QUIET_MINUTES * 60_000;
            return (
              <li key={p.id} data-point-id={p.id} className={quiet ? 'quiet' : undefined}>
                <bdi translate="no">{name(p)}</bdi>:{' '}
                {at === null ? (
                  <span className="muted">{t('dashboard.nothingYet')}</span>
                ) : (
                  <time dateTime={p.lastObservedAt!}>{f.ago(now - at)}</time>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}
