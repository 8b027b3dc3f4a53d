/**
 * analysis-screen.tsx — the analysis (`/analysis`, `/analysis/entities`): incidents with their
 * timeline and map, entities (a person by pseudonym whenever the server withholds the identity),
 * and forms to record them where the user holds analysis:write. Everything listed comes from
 * the API already cut to the caller's compartments (src/analysis/README.md).
 */
import { lazy, Suspense, useState } from 'react';
import './strings.js';
import { useTranslation } from 'react-i18next';
import { ENTITY_KINDS, INCIDENT_TYPES } from '../../../src/analysis/vocabulary.js';
import { useApi } from '../api/use-api.js';
import { can, useSession } from '../auth/session.js';
import { useFormat } from '../i18n/format.js';
import { Link, navigate } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { TableScroll } from '../ui/table-scroll.js';
import { EntityForm, IncidentForm } from './forms.js';
import { EntityLabel } from './labels.js';
import { Timeline } from './timeline.js';
import type { EntityList, IncidentList, IncidentSummary } from './types.js';

const IncidentMap = lazy(() => import('./incident-map.js'));

/** WhenText shows an incident's (possibly uncertain) time range in the viewer's zone. */
export function WhenText({ inc }: { inc: IncidentSummary }) {
  const { t } = useTranslation();
  const f = useFormat();
  const part = (r: { earliest: string | null; latest: string | null }) => {
    if (!r.earliest && !r.latest) return null;
    if (r.earliest && r.latest && f.date(r.earliest) !== f.date(r.latest))
      return `${f.date(r.earliest)}…${f.date(r.latest)}`;
    return f.date(r.earliest ?? r.latest);
  };
  const start = part(inc.start);
  const end = part(inc.end);
  if (!start && !end) return <span className="muted">{t('analysis.unknownTime')}</span>;
  return <span>{end && end !== start ? `${start ?? '?'} – ${end}` : start}</span>;
}

function Tabs({ current }: { current: 'incidents' | 'entities' }) {
  const { t } = useTranslation();
  return (
    <nav className="analysis-tabs" aria-label={t('analysis.title')}>
      <ul>
        <li>
          <Link href="/analysis" aria-current={current === 'incidents' ? 'page' : undefined}>
            {t('analysis.incidents')}
          </Link>
        </li>
        <li>
          <Link href="/analysis/entities" aria-current={current === 'entities' ? 'page' : undefined}>
            {t('analysis.entities')}
          </Link>
        </li>
      </ul>
    </nav>
  );
}

function Incidents() {
  const { t } = useTranslation();
  const { state } = useSession();
  const [type, setType] = useState('');
  const list = useApi<IncidentList>(
    `/api/incidents?${new URLSearchParams(type ? { type, limit: '500' } : { limit: '500' })}`,
  );
  const incidents = list.data?.incidents ?? [];
  return (
    <>
      {state.status === 'signed-in' && can(state, 'analysis:write') && (
        <IncidentForm me={state.me} onCreated={(i) => navigate(`/analysis/incidents/${i.id}`)} />
      )}
      <label>
        {t('analysis.type')}{' '}
        <select value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">{t('analysis.all')}</option>
          {INCIDENT_TYPES.map((x) => (
            <option key={x} value={x}>
              {t(`analysis.types.${x}`)}
            </option>
          ))}
        </select>
      </label>
      <ErrorMessage error={list.error} />
      {list.loading && <p role="status">{t('app.loading')}</p>}
      {!list.loading && incidents.length === 0 && <p>{t('analysis.noIncidents')}</p>}
      {incidents.length > 0 && (
        <>
          <div className="analysis-grid">
            <Timeline incidents={incidents} />
            <Suspense fallback={null}>
              <IncidentMap incidents={incidents} />
            </Suspense>
          </div>
          <TableScroll name={t('analysis.incidents')}>
            <table data-testid="incidents">
              <thead>
                <tr>
                  <th scope="col">{t('analysis.titleField')}</th>
                  <th scope="col">{t('analysis.type')}</th>
                  <th scope="col">{t('analysis.when')}</th>
                  <th scope="col">{t('analysis.place')}</th>
                  <th scope="col">{t('analysis.compartment')}</th>
                </tr>
              </thead>
              <tbody>
                {incidents.map((i) => (
                  <tr key={i.id} data-incident={i.id}>
                    <th scope="row">
                      <Link href={`/analysis/incidents/${i.id}`}>
                        <bdi translate="no">{i.title}</bdi>
                      </Link>
                    </th>
                    <td>{t(`analysis.types.${i.type}`, { defaultValue: i.type })}</td>
                    <td>
                      <WhenText inc={i} />
                    </td>
                    <td>
                      <bdi translate="no">{i.placeName ?? i.pcode ?? '—'}</bdi>
                    </td>
                    <td translate="no">{i.compartment}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </>
  );
}

function Entities() {
  const { t } = useTranslation();
  const { state } = useSession();
  const [kind, setKind] = useState('');
  const list = useApi<EntityList>(
    `/api/entities?${new URLSearchParams(kind ? { kind, limit: '500' } : { limit: '500' })}`,
  );
  const entities = list.data?.entities ?? [];
  return (
    <>
      {state.status === 'signed-in' && can(state, 'analysis:write') && (
        <EntityForm me={state.me} onCreated={(e) => navigate(`/analysis/entities/${e.id}`)} />
      )}
      <label>
        {t('analysis.kind')}{' '}
        <select value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="">{t('analysis.all')}</option>
          {ENTITY_KINDS.map((x) => (
            <option key={x} value={x}>
              {t(`analysis.kinds.${x}`)}
            </option>
          ))}
        </select>
      </label>
      <ErrorMessage error={list.error} />
      {list.loading && <p role="status">{t('app.loading')}</p>}
      {!list.loading && entities.length === 0 && <p>{t('analysis.noEntities')}</p>}
      {entities.length > 0 && (
        <TableScroll name={t('analysis.entities')}>
          <table data-testid="entities">
            <thead>
              <tr>
                <th scope="col">{t('analysis.name')}</th>
                <th scope="col">{t('analysis.protection')}</th>
                <th scope="col">{t('analysis.compartment')}</th>
              </tr>
            </thead>
            <tbody>
              {entities.map((e) => (
                <tr key={e.id} data-entity-row={e.id}>
                  <th scope="row">
                    <EntityLabel entity={e} />
                  </th>
                  <td>{t(`analysis.protections.${e.protection}`, { defaultValue: e.protection })}</td>
                  <td translate="no">{e.compartment}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}

export default function AnalysisScreen({ view }: { view: 'incidents' | 'entities' }) {
  const { t } = useTranslation();
  const { state } = useSession();
  return (
    <main id="main" className="analysis-page">
      <h1>{t('analysis.title')}</h1>
      <Tabs current={view} />
      {!can(state, 'analysis:write') && <p className="muted">{t('analysis.readOnly')}</p>}
      {view === 'incidents' ? <Incidents /> : <Entities />}
    </main>
  );
}
