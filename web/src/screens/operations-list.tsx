/**
 * operations-list.tsx — every operation the caller may read: status, open alerts by severity
 * (critical first), mandate, people arrived of those expected.
 */
import { useTranslation } from 'react-i18next';
import type { Alert, OperationSummary, Severity } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useFormat } from '../i18n/format.js';
import { useLocalName } from '../i18n/names.js';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { ForwardIcon } from '../ui/icons.js';
import { MandateLine, StatusBadge, useLabel } from '../ui/labels.js';

const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

/** OpenAlerts counts an operation's open alerts by severity (the dashboard chunk stays lazy). */
function OpenAlerts({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const label = useLabel();
  const { data } = useApi<{ alerts: Alert[] }>(
    `/api/ops/operations/${encodeURIComponent(id)}/alerts?state=open`,
  );
  if (!data) return <span className="muted">…</span>;
  const counts = SEVERITIES.map(
    (s) => [s, data.alerts.filter((a) => a.severity === s).length] as const,
  ).filter(([, n]) => n > 0);
  if (counts.length === 0) return <span>{t('operations.noOpenAlerts')}</span>;
  return (
    <span className="row" data-testid={`open-alerts-${id}`}>
      {counts.map(([s, n]) => (
        <span key={s} className={`badge severity-${s}`} data-severity={s}>
          {label('severity', s)}: {f.number(n)}
        </span>
      ))}
    </span>
  );
}

export function OperationsListScreen() {
  const { t } = useTranslation();
  const f = useFormat();
  const opName = useLocalName();
  const { data, error, loading } = useApi<{ operations: OperationSummary[] }>('/api/ops/operations');
  return (
    <main id="main">
      <h1>{t('operations.title')}</h1>
      <ErrorMessage error={error} />
      {loading && <p role="status">{t('app.loading')}</p>}
      {data && data.operations.length === 0 && <p>{t('operations.none')}</p>}
      {data && data.operations.length > 0 && (
        <ul className="cards" aria-label={t('operations.title')}>
          {data.operations.map((op) => (
            <li key={op.id} className="card">
              <h2>
                <Link href={`/operations/${encodeURIComponent(op.id)}`}>
                  <span translate="no">{opName(op)}</span> <ForwardIcon />
                </Link>
                {op.exercise && (
                  <span className="exercise-tag" data-testid="exercise-tag">
                    {' '}
                    {t('exercise.banner')}
                  </span>
                )}
              </h2>
              <dl className="facts">
                <div>
                  <dt>{t('operations.status')}</dt>
                  <dd>
                    <StatusBadge status={op.status} />
                  </dd>
                </div>
                <div>
                  <dt>{t('operations.openAlerts')}</dt>
                  <dd>
                    <OpenAlerts id={op.id} />
                  </dd>
                </div>
                <div>
                  <dt>{t('operations.mandate')}</dt>
                  <dd>
                    {op.mandates.length === 0
                      ? '—'
                      : op.mandates.map((m) => <MandateLine key={m.id} mandate={m} />)}
                  </dd>
                </div>
                <div>
                  <dt>{t('operations.people')}</dt>
                  <dd>
                    {f.number(op.totals.people)}
                    {op.expected ? ` / ${f.number(op.expected.people)}` : ''}
                  </dd>
                </div>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
