/** operations-list.tsx — every operation the caller may read: status, mandate, people moved. */
import { useTranslation } from 'react-i18next';
import type { OperationSummary } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { useFormat } from '../i18n/format.js';
import { useLocalName } from '../i18n/names.js';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { ForwardIcon } from '../ui/icons.js';
import { MandateLine, StatusBadge } from '../ui/labels.js';

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
              </h2>
              <dl className="facts">
                <div>
                  <dt>{t('operations.status')}</dt>
                  <dd>
                    <StatusBadge status={op.status} />
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
