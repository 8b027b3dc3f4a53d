/**
 * incident-screen.tsx — one incident (`/analysis/incidents/:id`): what, when and where, its
 * corroboration status (derived by the server from independent sources: items of one source
 * count once), each claim with the stances of the items on it, and its links. Investigators add
 * claims, record an item's stance and link records here; the status updates from the server's
 * reply, never computed in the browser.
 */
import { type FormEvent, useId, useState } from 'react';
import './strings.js';
import { useTranslation } from 'react-i18next';
import { RECORD_TYPES, RELATIONS, STANCES } from '../../../src/analysis/vocabulary.js';
import { api } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { can, useSession } from '../auth/session.js';
import { useFormat } from '../i18n/format.js';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { TableScroll } from '../ui/table-scroll.js';
import { WhenText } from './analysis-screen.js';
import { entityName, RefLabel, StatusBadge } from './labels.js';
import type { Claim, EntityList, IncidentDetail, Link as LinkRecord } from './types.js';

/** useSend runs one change, keeps its error, and reloads after success. */
function useSend(after: () => Promise<void>) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const send = async (fn: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    try {
      await fn();
      setError(null);
      await after();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, send };
}

function StanceForm({ claim, reload }: { claim: Claim; reload: () => Promise<void> }) {
  const { t } = useTranslation();
  const id = useId();
  const [ern, setErn] = useState('');
  const [stance, setStance] = useState<string>('supports');
  const { error, busy, send } = useSend(reload);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = ern.trim().toUpperCase();
    if (
      await send(() => api('PUT', `/api/claims/${claim.id}/stances/${encodeURIComponent(value)}`, { stance }))
    )
      setErn('');
  };
  return (
    <form className="analysis-form" onSubmit={(e) => void submit(e)} data-testid="stance-form">
      <div className="row">
        <div>
          <label htmlFor={`${id}-ern`}>{t('analysis.item')}</label>{' '}
          <input
            id={`${id}-ern`}
            value={ern}
            required
            pattern="ATT-[0-9]{6,15}"
            placeholder="ATT-000123"
            translate="no"
            onChange={(e) => setErn(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor={`${id}-stance`}>{t('analysis.stance')}</label>{' '}
          <select id={`${id}-stance`} value={stance} onChange={(e) => setStance(e.target.value)}>
            {STANCES.map((s) => (
              <option key={s} value={s}>
                {t(`analysis.stances_.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={busy}>
          {t('analysis.setStance')}
        </button>
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}

function ClaimView({
  claim,
  canWrite,
  reload,
}: {
  claim: Claim;
  canWrite: boolean;
  reload: () => Promise<void>;
}) {
  const { t } = useTranslation();
  return (
    <li className="claim" data-claim={claim.id}>
      <p>
        <bdi translate="no" dir="auto">
          {claim.statement}
        </bdi>{' '}
        <StatusBadge status={claim.corroboration.status} />
      </p>
      <p className="muted">
        {t('analysis.sources', {
          s: claim.corroboration.supportingSources,
          c: claim.corroboration.contradictingSources,
        })}
      </p>
      {claim.stances.length > 0 && (
        <TableScroll name={t('analysis.stances')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('analysis.item')}</th>
                <th scope="col">{t('analysis.source')}</th>
                <th scope="col">{t('analysis.stance')}</th>
              </tr>
            </thead>
            <tbody>
              {claim.stances.map((s) => (
                <tr key={s.ern} data-stance={s.stance}>
                  <th scope="row">
                    <Link href={`/evidence/${s.ern}`} translate="no">
                      {s.ern}
                    </Link>{' '}
                    <bdi translate="no">{s.title}</bdi>
                  </th>
                  <td>
                    <bdi translate="no">{s.source}</bdi>
                  </td>
                  <td>
                    {t(`analysis.stances_.${s.stance}`, { defaultValue: s.stance })}
                    {s.implicit && <span className="muted"> ({t('analysis.implicit')})</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {canWrite && <StanceForm claim={claim} reload={reload} />}
    </li>
  );
}

function ClaimForm({ incident, reload }: { incident: IncidentDetail; reload: () => Promise<void> }) {
  const { t } = useTranslation();
  const id = useId();
  const [statement, setStatement] = useState('');
  const { error, busy, send } = useSend(reload);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (
      await send(() =>
        api('POST', '/api/claims', { statement, incidentId: incident.id, compartment: incident.compartment }),
      )
    )
      setStatement('');
  };
  return (
    <form className="analysis-form" onSubmit={(e) => void submit(e)} data-testid="claim-form">
      <label htmlFor={`${id}-st`}>{t('analysis.addClaim')}</label>
      <textarea
        id={`${id}-st`}
        value={statement}
        required
        dir="auto"
        rows={2}
        maxLength={2000}
        onChange={(e) => setStatement(e.target.value)}
      />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        {t('analysis.addClaim')}
      </button>
    </form>
  );
}

function LinkForm({ incident, reload }: { incident: IncidentDetail; reload: () => Promise<void> }) {
  const { t } = useTranslation();
  const id = useId();
  const [relation, setRelation] = useState<string>('documents');
  const [otherType, setOtherType] = useState<string>('item');
  const [otherId, setOtherId] = useState('');
  const [first, setFirst] = useState<'other' | 'incident'>('other');
  const [basis, setBasis] = useState('');
  const entities = useApi<EntityList>(otherType === 'entity' ? '/api/entities?limit=500' : null);
  const { error, busy, send } = useSend(reload);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const other = { type: otherType, id: otherType === 'item' ? otherId.trim().toUpperCase() : otherId };
    const self = { type: 'incident', id: incident.id };
    const ok = await send(() =>
      api('POST', '/api/links', {
        from: first === 'other' ? other : self,
        to: first === 'other' ? self : other,
        relation,
        compartment: incident.compartment,
        ...(basis.trim() ? { basis: basis.trim().toUpperCase() } : {}),
      }),
    );
    if (ok) {
      setOtherId('');
      setBasis('');
    }
  };
  return (
    <details className="card">
      <summary>{t('analysis.addLink')}</summary>
      <form className="analysis-form" onSubmit={(e) => void submit(e)} data-testid="link-form">
        <div>
          <label htmlFor={`${id}-type`}>{t('analysis.otherType')}</label>{' '}
          <select
            id={`${id}-type`}
            value={otherType}
            onChange={(e) => {
              setOtherType(e.target.value);
              setOtherId('');
            }}
          >
            {RECORD_TYPES.map((x) => (
              <option key={x} value={x}>
                {t(`analysis.recordTypes.${x}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-other`}>{t('analysis.otherId')}</label>{' '}
          {otherType === 'entity' ? (
            <select id={`${id}-other`} value={otherId} required onChange={(e) => setOtherId(e.target.value)}>
              <option value="" />
              {(entities.data?.entities ?? []).map((x) => (
                <option key={x.id} value={x.id} translate="no">
                  {entityName(x, t('analysis.withheld'))}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={`${id}-other`}
              value={otherId}
              required
              maxLength={64}
              translate="no"
              placeholder={otherType === 'item' ? 'ATT-000123' : 'inc-…'}
              onChange={(e) => setOtherId(e.target.value)}
            />
          )}
        </div>
        <div>
          <label htmlFor={`${id}-dir`}>{t('analysis.direction')}</label>{' '}
          <select
            id={`${id}-dir`}
            value={first}
            onChange={(e) => setFirst(e.target.value as 'other' | 'incident')}
          >
            <option value="other">{t('analysis.to')}</option>
            <option value="incident">{t('analysis.from')}</option>
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-rel`}>{t('analysis.relation')}</label>{' '}
          <select id={`${id}-rel`} value={relation} onChange={(e) => setRelation(e.target.value)}>
            {RELATIONS.map((r) => (
              <option key={r} value={r}>
                {t(`analysis.relations.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-basis`}>{t('analysis.basis')}</label>{' '}
          <input
            id={`${id}-basis`}
            value={basis}
            pattern="ATT-[0-9]{6,15}"
            translate="no"
            onChange={(e) => setBasis(e.target.value)}
          />
        </div>
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('analysis.addLink')}
        </button>
      </form>
    </details>
  );
}

export function LinkList({ links }: { links: readonly LinkRecord[] }) {
  const { t } = useTranslation();
  if (links.length === 0) return <p className="muted">{t('analysis.noLinks')}</p>;
  return (
    <ul data-testid="links">
      {links.map((l) => (
        <li key={l.id}>
          <RefLabel r={l.from} />{' '}
          <strong>{t(`analysis.relations.${l.relation}`, { defaultValue: l.relation })}</strong>{' '}
          <RefLabel r={l.to} />
          {l.basis && (
            <span className="muted">
              {' '}
              · {t('analysis.basisOf')}{' '}
              <Link href={`/evidence/${l.basis}`} translate="no">
                {l.basis}
              </Link>
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

export default function IncidentScreen({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { state } = useSession();
  const loaded = useApi<IncidentDetail>(`/api/incidents/${encodeURIComponent(id)}`);
  const inc = loaded.data;
  const canWrite = can(state, 'analysis:write');
  if (loaded.error || (!loaded.loading && !inc))
    return (
      <main id="main">
        <h1>{t('errors.notFound')}</h1>
        <ErrorMessage error={loaded.error} />
        <p>
          <Link href="/analysis">{t('analysis.back')}</Link>
        </p>
      </main>
    );
  if (!inc)
    return (
      <main id="main">
        <p role="status">{t('app.loading')}</p>
      </main>
    );
  return (
    <main id="main" className="analysis-page">
      <p className="crumbs">
        <Link href="/analysis">{t('analysis.back')}</Link>
      </p>
      <h1>
        <bdi translate="no">{inc.title}</bdi>
      </h1>
      <section className="card" aria-labelledby="inc-facts-h">
        <h2 id="inc-facts-h" className="visually-hidden">
          {t('analysis.title')}
        </h2>
        <dl className="item-facts">
          <dt>{t('analysis.type')}</dt>
          <dd>{t(`analysis.types.${inc.type}`, { defaultValue: inc.type })}</dd>
          <dt>{t('analysis.when')}</dt>
          <dd>
            <WhenText inc={inc} />
          </dd>
          <dt>{t('analysis.place')}</dt>
          <dd>
            <bdi translate="no">{inc.placeName ?? '—'}</bdi>{' '}
            {inc.pcode && (
              <Link href={`/search?q=${encodeURIComponent(`place:${inc.pcode}`)}`} translate="no">
                {inc.pcode}
              </Link>
            )}
          </dd>
          <dt>{t('analysis.compartment')}</dt>
          <dd translate="no">{inc.compartment}</dd>
          <dt>{t('analysis.status')}</dt>
          <dd data-testid="incident-status">
            <StatusBadge status={inc.corroboration.status} />{' '}
            <span className="muted">
              {t('analysis.sources', {
                s: f.number(inc.corroboration.supportingSources),
                c: f.number(inc.corroboration.contradictingSources),
              })}
            </span>
          </dd>
        </dl>
        {inc.description && (
          <p dir="auto" translate="no">
            {inc.description}
          </p>
        )}
      </section>
      <section className="card" aria-labelledby="claims-h" data-testid="claims">
        <h2 id="claims-h">{t('analysis.claims')}</h2>
        {inc.claims.length === 0 ? (
          <p className="muted">{t('analysis.noClaims')}</p>
        ) : (
          <ul className="claims">
            {inc.claims.map((c) => (
              <ClaimView key={c.id} claim={c} canWrite={canWrite} reload={loaded.reload} />
            ))}
          </ul>
        )}
        {canWrite && <ClaimForm incident={inc} reload={loaded.reload} />}
      </section>
      <section className="card" aria-labelledby="links-h">
        <h2 id="links-h">{t('analysis.links')}</h2>
        <LinkList links={inc.links} />
        {canWrite && <LinkForm incident={inc} reload={loaded.reload} />}
      </section>
    </main>
  );
}
