/**
 * rfa-screen.tsx — one request for assistance (`/rfas/:ref`): what was asked, by whom and under
 * which jurisdiction; its lifecycle; the consent check item by item (`GET /api/rfas/:ref`: covered,
 * blocked and by which condition, or released by a legal officer's override with a reason); and
 * the package (rfa-export.tsx). Overriding needs `consent:override` (the legal role); the form
 * shows only to those who hold it, and the server judges it per item's compartment anyway.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { can, useSession } from '../auth/session.js';
import { useFormat } from '../i18n/format.js';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { TableScroll } from '../ui/table-scroll.js';
import { BlockText } from './rfa-blocks.js';
import { ExportSection } from './rfa-export.js';
import type { CaseDetail, Decision, Rfa, RfaDetail } from './types.js';
import './cases.css';
import './strings.js';

/** The RFA lifecycle (src/cases/rfa.ts): which status may follow which. */
const NEXT: Readonly<Record<string, readonly string[]>> = {
  received: ['in-review', 'refused', 'withdrawn'],
  'in-review': ['approved', 'refused', 'withdrawn'],
  approved: ['fulfilled', 'refused', 'withdrawn'],
};

const MIN_REASON = 10;

function OverrideForm({ rfaRef, ern, onDone }: { rfaRef: string; ern: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await api('POST', `/api/rfas/${rfaRef}/overrides`, { ern, reason: reason.trim() });
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  if (!open)
    return (
      <button
        type="button"
        className="small"
        onClick={() => setOpen(true)}
        id={`override-${ern}`}
        aria-labelledby={`override-${ern} decision-${ern}`}
      >
        {t('rfa.override')}
      </button>
    );
  return (
    <form className="stack override-form" onSubmit={(e) => void submit(e)}>
      <label>
        {t('rfa.overrideReason')}
        <textarea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          minLength={MIN_REASON}
          maxLength={4000}
          required
          dir="auto"
        />
      </label>
      <p className="hint">{t('rfa.overrideHint', { n: MIN_REASON })}</p>
      <ErrorMessage error={error} />
      <div className="row">
        <button
          type="submit"
          className="danger"
          disabled={busy || reason.trim().length < MIN_REASON}
          id={`release-${ern}`}
          aria-labelledby={`release-${ern} decision-${ern}`}
        >
          {t('rfa.overrideConfirm')}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t('rfa.cancel')}
        </button>
      </div>
    </form>
  );
}

function Decisions({
  detail,
  titles,
  canOverride,
  onChanged,
}: {
  detail: RfaDetail;
  titles: ReadonlyMap<string, string>;
  canOverride: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const ds = detail.decisions;
  const blocked = ds.filter((d) => !d.allowed);
  const released = ds.filter((d) => d.allowed && d.overrideId);
  const outcome = (d: Decision) => (!d.allowed ? 'blocked' : d.overrideId ? 'released' : 'covered');
  return (
    <section className="card" aria-labelledby="consent-h" data-testid="consent">
      <h2 id="consent-h">{t('rfa.consent')}</h2>
      <p data-testid="consent-summary">
        {t('rfa.consentSummary', {
          covered: ds.length - blocked.length,
          total: ds.length,
          blocked: blocked.length,
          released: released.length,
        })}
      </p>
      {ds.length === 0 ? (
        <p className="muted">{t('rfa.noItems')}</p>
      ) : (
        <TableScroll name={t('rfa.consent')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('evidence.ern')}</th>
                <th scope="col">{t('evidence.itemTitle')}</th>
                <th scope="col">{t('rfa.outcome')}</th>
                <th scope="col">{t('rfa.why')}</th>
              </tr>
            </thead>
            <tbody>
              {ds.map((d) => (
                <tr key={d.ern} data-ern={d.ern} data-outcome={outcome(d)}>
                  <th scope="row" id={`decision-${d.ern}`}>
                    <Link href={`/evidence/${d.ern}`} translate="no">
                      {d.ern}
                    </Link>
                  </th>
                  <td>
                    <bdi translate="no">{titles.get(d.ern) ?? ''}</bdi>
                  </td>
                  <td>
                    <span className={`badge outcome-${outcome(d)}`}>{t(`rfa.outcomes.${outcome(d)}`)}</span>
                  </td>
                  <td>
                    {d.blocks.length > 0 && (
                      <ul className="reasons">
                        {d.blocks.map((b) => (
                          <li key={`${b.subject}/${b.rule}/${b.values.join()}`}>
                            <BlockText block={b} />
                          </li>
                        ))}
                      </ul>
                    )}
                    {d.overrideId && <p className="muted">{t('rfa.releasedNote')}</p>}
                    {!d.allowed && canOverride && (
                      <OverrideForm rfaRef={detail.rfa.ref} ern={d.ern} onDone={onChanged} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

function StatusControl({ rfa, onChanged }: { rfa: Rfa; onChanged: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const next = NEXT[rfa.status] ?? [];
  if (next.length === 0) return null;
  const move = async (status: string) => {
    try {
      await api('POST', `/api/rfas/${rfa.ref}/status`, { status });
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="row" data-testid="rfa-status">
      <span>{t('rfa.moveTo')}</span>
      {next.map((s) => (
        <button key={s} type="button" className="small" onClick={() => void move(s)}>
          {t(`rfa.status.${s}`)}
        </button>
      ))}
      <ErrorMessage error={error} />
    </div>
  );
}

export default function RfaScreen({ rfaRef }: { rfaRef: string }) {
  const { t } = useTranslation();
  const { state } = useSession();
  const f = useFormat();
  const detail = useApi<RfaDetail>(`/api/rfas/${rfaRef}`);
  const caseRef = detail.data?.rfa.caseRef ?? null;
  const theCase = useApi<CaseDetail>(caseRef ? `/api/cases/${caseRef}` : null);
  const canWrite = can(state, 'cases:write');

  useEffect(() => {
    if (detail.data) document.title = `${detail.data.rfa.ref} · ${t('rfa.title')} · ${t('app.name')}`;
  }, [detail.data, t]);

  if (detail.error || (!detail.loading && !detail.data))
    return (
      <main id="main">
        <h1>{t('errors.notFound')}</h1>
        <ErrorMessage error={detail.error} />
        <p>
          <Link href="/cases">{t('cases.back')}</Link>
        </p>
      </main>
    );
  if (!detail.data)
    return (
      <main id="main">
        <p role="status">{t('app.loading')}</p>
      </main>
    );
  const { rfa } = detail.data;
  const titles = new Map((theCase.data?.items ?? []).map((i) => [i.ern, i.title]));
  const reload = () => void detail.reload();
  return (
    <main id="main" className="rfa-page">
      <p className="crumbs">
        <Link href="/cases">{t('cases.title')}</Link> ›{' '}
        <Link href={`/cases/${rfa.caseRef}`} translate="no">
          {rfa.caseRef}
        </Link>
      </p>
      <header className="item-head">
        <h1>
          {t('rfa.heading')} <span translate="no">{rfa.ref}</span>
        </h1>
        <span className={`badge rfa-${rfa.status}`} data-testid="rfa-state">
          {t(`rfa.status.${rfa.status}`, { defaultValue: rfa.status })}
        </span>
      </header>
      <dl className="item-facts case-facts">
        <dt>{t('rfa.authority')}</dt>
        <dd>
          <bdi translate="no">{rfa.authority}</bdi>
        </dd>
        <dt>{t('rfa.jurisdiction')}</dt>
        <dd>
          <bdi translate="no">{`${rfa.jurisdiction.code} · ${rfa.jurisdiction.name}`}</bdi>
          {rfa.jurisdiction.deathPenalty && <span className="badge state-gap">{t('rfa.deathPenalty')}</span>}
        </dd>
        <dt>{t('rfa.purpose')}</dt>
        <dd translate="no">{rfa.purpose}</dd>
        <dt>{t('rfa.scope')}</dt>
        <dd>
          <bdi translate="no">{rfa.scope}</bdi>
        </dd>
        <dt>{t('rfa.receivedOn')}</dt>
        <dd>{f.date(rfa.receivedOn)}</dd>
        {rfa.dueOn && (
          <>
            <dt>{t('rfa.dueOn')}</dt>
            <dd>{f.date(rfa.dueOn)}</dd>
          </>
        )}
        {rfa.closedOn && (
          <>
            <dt>{t('rfa.closedOn')}</dt>
            <dd>{f.date(rfa.closedOn)}</dd>
          </>
        )}
      </dl>
      {canWrite && <StatusControl rfa={rfa} onChanged={reload} />}
      <Decisions
        detail={detail.data}
        titles={titles}
        canOverride={can(state, 'consent:override')}
        onChanged={reload}
      />
      <ExportSection rfaRef={rfa.ref} decisions={detail.data.decisions} canExport={canWrite} />
    </main>
  );
}
