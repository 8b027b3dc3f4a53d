/**
 * dashboard-screen.tsx — one operation for its coordinators: what needs attention first (the
 * strip), then totals arrived vs expected, route points, vehicles, linked operations, status
 * timeline, reports, and the map (loaded on demand). When the live stream is down or nothing has
 * arrived for a while, a banner says so and the figures are greyed. Lazy-loaded by the app shell.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can, useSession } from '../auth/session.js';
import { useDuration, useFormat } from '../i18n/format.js';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { BackIcon } from '../ui/icons.js';
import { MandateLine, StatusBadge } from '../ui/labels.js';
import { useNow } from '../ui/use-now.js';
import { AlertsPanel } from './alerts-panel.js';
import { type LivePoint, type LiveVehicle, peopleOnTheRoad, type Staleness, staleness } from './attention.js';
import { AttentionStrip } from './attention-strip.js';
import {
  Downloads,
  LinkedOperations,
  RoutePointsTable,
  StatusTimeline,
  TotalsTable,
  usePointName,
  VehiclesPanel,
} from './dashboard-sections.js';
import { ExerciseBanner } from './exercise-banner.js';
import { StatusControl } from './status-control.js';
import { useLiveOperation } from './use-live-operation.js';

const RouteMap = lazy(() => import('../map/route-map.js'));

export default function DashboardScreen({ id }: { id: string }) {
  const { t } = useTranslation();
  const { state } = useSession();
  const { data, error, live, reload } = useLiveOperation(id);
  const opName = usePointName();
  const now = useNow(15_000);
  const [loadedAt, setLoadedAt] = useState(() => Date.now());
  useEffect(() => {
    if (data) setLoadedAt(Date.now());
  }, [data]);
  const points = (data?.routePoints ?? []) as readonly LivePoint[];
  const vehicles = (data?.vehicleList ?? []) as readonly LiveVehicle[];
  const people = peopleOnTheRoad(vehicles);
  const stale = data
    ? staleness({ now, live, loadedAt, status: data.operation.status, points })
    : ({ kind: 'fresh' } as const);

  return (
    <main id="main" className="dashboard">
      <p>
        <Link href="/operations">
          <BackIcon /> {t('operations.title')}
        </Link>
      </p>
      <ErrorMessage error={error} />
      {!data && !error && <p role="status">{t('app.loading')}</p>}
      {data && (
        <>
          <ExerciseBanner exercise={data.operation.exercise} />
          <header className="op-head">
            <h1>
              <bdi translate="no">{opName(data.operation)}</bdi>
            </h1>
            <StatusBadge status={data.operation.status} />
            <span className={`live live-${live}`} role="status" data-testid="live">
              {live === 'live' ? t('dashboard.live') : t('dashboard.reconnecting')}
            </span>
          </header>
          <StaleBanner stale={stale} now={now} />
          {data.operation.mandates.length > 0 && (
            <p>
              <span className="muted">{t('dashboard.mandates')}: </span>
              {data.operation.mandates.map((m) => (
                <MandateLine key={m.id} mandate={m} />
              ))}
            </p>
          )}
          <div className={stale.kind === 'down' ? 'figures stale' : 'figures'} data-stale={stale.kind}>
            <AttentionStrip
              alerts={data.alerts}
              points={points}
              people={people}
              arrived={data.operation.totals.people}
              now={now}
            />
            <div className="grid">
              <div className="col-main">
                <TotalsTable totals={data.operation.totals} expected={data.operation.expected} />
                <RoutePointsTable points={points} atPoint={people.atPoint} now={now} />
                <section className="panel" aria-labelledby="map-h">
                  <h2 id="map-h">{t('dashboard.map')}</h2>
                  <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
                    <RouteMap points={data.routePoints} vehicles={data.vehicleList} />
                  </Suspense>
                </section>
                <LinkedOperations current={data.operation} linked={data.linked} />
              </div>
              <div className="col-side">
                <AlertsPanel
                  alerts={data.alerts}
                  canManage={can(state, 'alerts:manage')}
                  onChanged={() => void reload()}
                  points={data.routePoints}
                  operationName={(other) => {
                    if (other === data.operation.id) return opName(data.operation);
                    const linked = data.linked.find((l) => l.id === other);
                    return linked ? opName(linked) : other;
                  }}
                />
                <VehiclesPanel counts={data.vehicles} list={data.vehicleList} points={data.routePoints} />
                <StatusTimeline history={data.operation.statusHistory}>
                  {can(state, 'ops:write') && (
                    <StatusControl
                      operationId={id}
                      status={data.operation.status}
                      onChanged={() => void reload()}
                    />
                  )}
                </StatusTimeline>
                <Downloads id={id} />
              </div>
            </div>
          </div>
        </>
      )}
    </main>
  );
}

/** StaleBanner says plainly that the figures are not current, and since when. */
function StaleBanner({ stale, now }: { stale: Staleness; now: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const duration = useDuration();
  if (stale.kind === 'fresh') return null;
  const at = stale.kind === 'down' ? stale.since : stale.lastObservedAt;
  const values = {
    time: f.dateTime(new Date(at).toISOString()),
    duration: duration(now - at),
    ago: f.ago(now - at),
  };
  return (
    <p className={`stale-banner stale-${stale.kind}`} role="alert" data-testid="stale">
      {t(stale.kind === 'down' ? 'dashboard.staleDown' : 'dashboard.staleQuiet', values)}
    </p>
  );
}
