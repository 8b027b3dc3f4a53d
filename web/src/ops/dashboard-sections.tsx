/**
 * dashboard-sections.tsx — the read-only parts of the operation dashboard: totals now vs
 * expected, route points, vehicles, linked operations, the status timeline and downloads.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  LinkedOperation,
  OperationSummary,
  RoutePoint,
  StatusChange,
  Totals,
  VehicleCounts,
  VehicleRow,
} from '../api/types.js';
import { useFormat } from '../i18n/format.js';
import { useLocalName } from '../i18n/names.js';
import { Link } from '../router.js';
import { DownloadIcon } from '../ui/icons.js';
import { StatusBadge, useLabel } from '../ui/labels.js';
import { TableScroll } from '../ui/table-scroll.js';
import type { LivePoint } from './attention.js';

// Every vehicle kind the plan knows (src/ops/report/vehicle-kinds.ts), and all vehicles together:
// a kind left out here would hide its vehicles while their people count (issue 13.6).
const MEASURES = ['people', 'vehicles', 'buses', 'ambulances', 'privateVehicles', 'trucks'] as const;

/** usePointName names a route point in the UI language (i18n/names.ts). */
export const usePointName = useLocalName;

export function TotalsTable({ totals, expected }: Pick<OperationSummary, 'totals' | 'expected'>) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <section className="panel" aria-labelledby="totals-h">
      <h2 id="totals-h">{t('dashboard.totals')}</h2>
      <TableScroll name={t('dashboard.totals')}>
        <table data-testid="totals">
          <thead>
            <tr>
              <th scope="col">{t('dashboard.measure')}</th>
              <th scope="col">{t('dashboard.now')}</th>
              <th scope="col">{t('dashboard.expected')}</th>
              <th scope="col">{t('dashboard.progress')}</th>
            </tr>
          </thead>
          <tbody>
            {MEASURES.map((m) => {
              const now = totals[m];
              const want = expected?.[m] ?? null;
              const fraction = want ? Math.min(now / want, 1) : null;
              return (
                <tr key={m} data-measure={m}>
                  <th scope="row">{t(`dashboard.${m}`)}</th>
                  <td className="num" data-testid={`total-${m}`}>
                    {f.number(now)}
                  </td>
                  <td className="num">{want === null ? t('dashboard.noExpected') : f.number(want)}</td>
                  <td>
                    {fraction !== null && (
                      <span className="meter-row">
                        <meter min={0} max={1} value={fraction} aria-label={t(`dashboard.${m}`)} />
                        <span className="num" data-testid={`progress-${m}`}>
                          {f.progress(now, want!)}
                        </span>
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
            {totals.medicalEvacuations !== undefined && (
              <tr>
                <th scope="row">{t('dashboard.medicalEvacuations')}</th>
                <td className="num">{f.number(totals.medicalEvacuations)}</td>
                <td className="num">{t('dashboard.noExpected')}</td>
                <td />
              </tr>
            )}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

export function RoutePointsTable({
  points,
  atPoint,
  now,
}: {
  points: readonly LivePoint[];
  /** People on the road by the point where their vehicle was last seen. */
  atPoint: ReadonlyMap<string, number>;
  now: number;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const label = useLabel();
  const name = usePointName();
  return (
    <section className="panel" aria-labelledby="points-h">
      <h2 id="points-h">{t('dashboard.routePoints')}</h2>
      <TableScroll name={t('dashboard.routePoints')}>
        <table data-testid="route-points">
          <thead>
            <tr>
              <th scope="col">{t('dashboard.point')}</th>
              <th scope="col">{t('dashboard.kind')}</th>
              <th scope="col">{t('dashboard.peopleSeen')}</th>
              <th scope="col">{t('dashboard.vehiclesSeen')}</th>
              <th scope="col">{t('dashboard.hereNow')}</th>
              <th scope="col">{t('dashboard.lastObservation')}</th>
              <th scope="col">{t('dashboard.monitored')}</th>
            </tr>
          </thead>
          <tbody>
            {[...points]
              .sort((a, b) => a.order - b.order)
              .map((p) => (
                <tr key={p.id} data-point-id={p.id}>
                  <th scope="row">
                    <bdi translate="no">{name(p)}</bdi>
                  </th>
                  <td>{label('pointKind', p.kind)}</td>
                  <td className="num" data-testid="point-people">
                    {f.number(p.counts.people)}
                  </td>
                  <td className="num" data-testid="point-vehicles">
                    {f.number(p.counts.vehicles)}
                  </td>
                  <td className="num" data-testid="point-here">
                    {f.number(atPoint.get(p.id) ?? 0)}
                  </td>
                  <td>
                    {p.lastObservedAt ? (
                      <time dateTime={p.lastObservedAt} title={f.dateTime(p.lastObservedAt)}>
                        {f.ago(now - Date.parse(p.lastObservedAt))}
                      </time>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{p.monitored ? t('dashboard.yes') : t('dashboard.no')}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

export function VehiclesPanel({
  counts,
  list,
  points,
}: {
  counts: VehicleCounts;
  list: readonly VehicleRow[];
  points: readonly RoutePoint[];
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const label = useLabel();
  const name = usePointName();
  const overdue = list.filter((v) => v.state === 'overdue');
  const pointById = new Map(points.map((p) => [p.id, p]));
  return (
    <section className="panel" aria-labelledby="vehicles-h">
      <h2 id="vehicles-h">{t('dashboard.vehicles')}</h2>
      <dl className="stats" data-testid="vehicle-counts">
        {(['inTransit', 'overdue', 'arrived', 'total'] as const).map((k) => (
          <div key={k} className={k === 'overdue' && counts.overdue > 0 ? 'stat warn' : 'stat'}>
            <dt>{t(`dashboard.${k}`)}</dt>
            <dd data-testid={`vehicles-${k}`}>{f.number(counts[k])}</dd>
          </div>
        ))}
      </dl>
      {overdue.length > 0 && (
        <>
          <h3>{t('dashboard.overdueList')}</h3>
          <TableScroll name={t('dashboard.overdueList')}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.marking')}</th>
                  <th scope="col">{t('dashboard.kind')}</th>
                  <th scope="col">{t('dashboard.lastPoint')}</th>
                  <th scope="col">{t('dashboard.lastSeen')}</th>
                </tr>
              </thead>
              <tbody>
                {overdue.map((v) => {
                  const p = v.lastPointId ? pointById.get(v.lastPointId) : undefined;
                  return (
                    <tr key={v.id}>
                      <th scope="row">
                        <bdi translate="no">{v.marking}</bdi>
                      </th>
                      <td>{label('vehicleKind', v.kind)}</td>
                      <td>{p ? <bdi translate="no">{name(p)}</bdi> : '—'}</td>
                      <td>{f.dateTime(v.lastSeenAt)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </section>
  );
}

export function LinkedOperations({
  current,
  linked,
}: {
  current: OperationSummary;
  linked: readonly LinkedOperation[];
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const name = usePointName();
  if (linked.length === 0) return null;
  const card = (
    op: { id: string; name: string; nameAr?: string | null; status: string; totals: Totals },
    isCurrent: boolean,
  ) => (
    <li key={op.id} className={isCurrent ? 'card current' : 'card'}>
      <h3>
        {isCurrent ? (
          <bdi translate="no">{name(op)}</bdi>
        ) : (
          <Link href={`/operations/${encodeURIComponent(op.id)}`}>
            <bdi translate="no">{name(op)}</bdi>
          </Link>
        )}
      </h3>
      <StatusBadge status={op.status} />
      <dl className="facts">
        {MEASURES.map((m) => (
          <div key={m}>
            <dt>{t(`dashboard.${m}`)}</dt>
            <dd className="num">{f.number(op.totals[m])}</dd>
          </div>
        ))}
      </dl>
    </li>
  );
  return (
    <section className="panel" aria-labelledby="linked-h">
      <h2 id="linked-h">{t('dashboard.linked')}</h2>
      <ul className="side-by-side">
        {card(current, true)}
        {linked.map((op) => card(op, false))}
      </ul>
    </section>
  );
}

export function StatusTimeline({
  history,
  children,
}: {
  history: readonly StatusChange[];
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const label = useLabel();
  return (
    <section className="panel" aria-labelledby="timeline-h">
      <h2 id="timeline-h">{t('dashboard.timeline')}</h2>
      <ol className="timeline">
        {history.map((s) => (
          <li key={`${s.at}-${s.status}`}>
            <time dateTime={s.at}>{f.dateTime(s.at)}</time>{' '}
            <span className="badge">{label('status', s.status)}</span>{' '}
            {s.reason && (
              <bdi lang="en" translate="no" className="muted">
                {s.reason}
              </bdi>
            )}
          </li>
        ))}
      </ol>
      {children}
    </section>
  );
}

export function Downloads({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const base = `/api/ops/operations/${encodeURIComponent(id)}`;
  // The report comes in the reader's language (English or Arabic).
  const lang = i18n.language === 'ar' ? 'ar' : 'en';
  return (
    <section className="panel" aria-labelledby="downloads-h">
      <h2 id="downloads-h">{t('dashboard.downloads')}</h2>
      <div className="row">
        <a className="button" href={`${base}/sitrep?format=md&lang=${lang}`} download>
          <DownloadIcon /> {t('dashboard.sitrepMd')}
        </a>
        <a className="button" href={`${base}/sitrep?format=pdf&lang=${lang}`} download>
          <DownloadIcon /> {t('dashboard.sitrepPdf')}
        </a>
        <a className="button" href={`${base}/hxl`} download>
          <DownloadIcon /> {t('dashboard.hxl')}
        </a>
      </div>
    </section>
  );
}
