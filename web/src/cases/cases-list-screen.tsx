/**
 * cases-list-screen.tsx — the cases the caller may read (`GET /api/cases`, compartment-scoped by
 * the server) and, for users who may write cases, a form to open one. Lazy-loaded: only users
 * holding `cases:read` ever fetch it.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { can, useSession } from '../auth/session.js';
import { useFormat } from '../i18n/format.js';
import { Link, navigate } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { TableScroll } from '../ui/table-scroll.js';
import type { CaseList, CaseSummary, RfaList } from './types.js';
import './cases.css';
import './strings.js';

function OpenCaseForm() {
  const { t } = useTranslation();
  const { state } = useSession();
  const [title, setTitle] = useState('');
  const [framework, setFramework] = useState('');
  const [compartment, setCompartment] = useState('general');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // The user's named compartments, as suggestions; the server decides where they may write.
  const compartments =
    state.status === 'signed-in'
      ? [...new Set(state.me.grants.map((g) => g.compartment).filter((c) => c !== '*'))]
      : [];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const c = await api<CaseSummary>('POST', '/api/cases', {
        title: title.trim(),
        ...(framework.trim() ? { legalFramework: framework.trim() } : {}),
        ...(compartment.trim() ? { compartment: compartment.trim() } : {}),
      });
      navigate(`/cases/${c.ref}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="open-case-h">
      <h2 id="open-case-h">{t('cases.open')}</h2>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <label>
          {t('cases.caseTitle')}
          <input
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            required
            maxLength={500}
            dir="auto"
          />
        </label>
        <label>
          {t('cases.framework')}
          <input
            value={framework}
            onChange={(e) => setFramework(e.target.value)}
            maxLength={500}
            placeholder={t('cases.frameworkDefault')}
            dir="auto"
          />
        </label>
        <label>
          {t('cases.compartment')}
          <input
            value={compartment}
            onChange={(e) => setCompartment(e.target.value)}
            list="case-compartments"
            pattern="[a-z0-9][a-z0-9\-]{0,62}"
            translate="no"
            dir="ltr"
          />
        </label>
        <datalist id="case-compartments">
          {compartments.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <ErrorMessage error={error} />
        <div>
          <button type="submit" className="primary" disabled={busy || title.trim() === ''}>
            {t('cases.openButton')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** RfaTable lists every request for assistance of the caller's cases, the open ones first. */
function RfaTable() {
  const { t } = useTranslation();
  const f = useFormat();
  const list = useApi<RfaList>('/api/rfas');
  const rfas = [...(list.data?.rfas ?? [])].sort(
    (a, b) =>
      Number(a.closedOn !== null) - Number(b.closedOn !== null) || b.receivedOn.localeCompare(a.receivedOn),
  );
  if (rfas.length === 0) return <ErrorMessage error={list.error} />;
  return (
    <section className="card" aria-labelledby="all-rfas-h">
      <h2 id="all-rfas-h">{t('rfa.title')}</h2>
      <TableScroll name={t('rfa.title')}>
        <table data-testid="all-rfas">
          <thead>
            <tr>
              <th scope="col">{t('rfa.ref')}</th>
              <th scope="col">{t('cases.ref')}</th>
              <th scope="col">{t('rfa.authority')}</th>
              <th scope="col">{t('rfa.jurisdiction')}</th>
              <th scope="col">{t('cases.status')}</th>
              <th scope="col">{t('rfa.dueOn')}</th>
            </tr>
          </thead>
          <tbody>
            {rfas.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  <Link href={`/rfas/${r.ref}`} translate="no">
                    {r.ref}
                  </Link>
                </th>
                <td>
                  <Link href={`/cases/${r.caseRef}`} translate="no">
                    {r.caseRef}
                  </Link>
                </td>
                <td>
                  <bdi translate="no">{r.authority}</bdi>
                </td>
                <td translate="no">{r.jurisdiction.code}</td>
                <td>
                  <span className={`badge rfa-${r.status}`}>
                    {t(`rfa.status.${r.status}`, { defaultValue: r.status })}
                  </span>
                </td>
                <td>{r.dueOn ? f.date(r.dueOn) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

export default function CasesListScreen() {
  const { t } = useTranslation();
  const { state } = useSession();
  const f = useFormat();
  const list = useApi<CaseList>('/api/cases');
  const cases = list.data?.cases ?? [];
  return (
    <main id="main" className="cases-page">
      <h1>{t('cases.title')}</h1>
      <ErrorMessage error={list.error} />
      {list.loading && <p role="status">{t('app.loading')}</p>}
      {list.data && cases.length === 0 && <p>{t('cases.none')}</p>}
      {cases.length > 0 && (
        <TableScroll name={t('cases.title')}>
          <table data-testid="cases">
            <thead>
              <tr>
                <th scope="col">{t('cases.ref')}</th>
                <th scope="col">{t('cases.caseTitle')}</th>
                <th scope="col">{t('cases.compartment')}</th>
                <th scope="col">{t('cases.status')}</th>
                <th scope="col">{t('cases.opened')}</th>
              </tr>
            </thead>
            <tbody>
              {cases.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <Link href={`/cases/${c.ref}`} translate="no">
                      {c.ref}
                    </Link>
                  </th>
                  <td>
                    <bdi translate="no">{c.title}</bdi>
                  </td>
                  <td translate="no">{c.compartment}</td>
                  <td>{t(`cases.caseStatus.${c.status}`, { defaultValue: c.status })}</td>
                  <td>{f.dateTime(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <RfaTable />
      {can(state, 'cases:write') && <OpenCaseForm />}
    </main>
  );
}
