/**
 * rfa-new.tsx — a case's requests for assistance (`GET /api/rfas`, this case's) and the form that
 * records a new one (`POST /api/rfas`). A jurisdiction must be known first, with its
 * death-penalty flag (consent conditions read it); a legal officer (`consent:override`) may add
 * one here (`PUT /api/jurisdictions/:code`).
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { useFormat } from '../i18n/format.js';
import { Link, navigate } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import type { CaseDetail, Jurisdictions, Rfa, RfaList } from './types.js';

/** Purposes the consent conditions usually name; the field takes any short id. */
export const PURPOSES = ['prosecution', 'investigation', 'defence', 'truth-commission', 'research'] as const;

function NewJurisdiction({ onDone }: { onDone: (code: string) => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [death, setDeath] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    try {
      const c = code.trim().toUpperCase();
      await api('PUT', `/api/jurisdictions/${encodeURIComponent(c)}`, {
        name: name.trim(),
        deathPenalty: death,
      });
      setCode('');
      setName('');
      onDone(c);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <fieldset className="stack" data-testid="new-jurisdiction">
      <legend>{t('rfa.newJurisdiction')}</legend>
      <div className="row">
        <label>
          {t('rfa.jurisdictionCode')}
          <input
            value={code}
            onChange={(e) => setCode(e.target.value)}
            maxLength={12}
            dir="ltr"
            translate="no"
            size={8}
          />
        </label>
        <label className="grow">
          {t('rfa.jurisdictionName')}
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} dir="auto" />
        </label>
      </div>
      <label className="choice">
        <input type="checkbox" checked={death} onChange={(e) => setDeath(e.target.checked)} />
        {t('rfa.deathPenaltyQuestion')}
      </label>
      <ErrorMessage error={error} />
      <div>
        <button type="button" onClick={() => void submit()} disabled={!code.trim() || !name.trim()}>
          {t('rfa.addJurisdiction')}
        </button>
      </div>
    </fieldset>
  );
}

function NewRfaForm({ detail, canLegal }: { detail: CaseDetail; canLegal: boolean }) {
  const { t } = useTranslation();
  const js = useApi<Jurisdictions>('/api/jurisdictions');
  const [authority, setAuthority] = useState('');
  const [jurisdiction, setJurisdiction] = useState('');
  const [purpose, setPurpose] = useState<string>('prosecution');
  const [scope, setScope] = useState('');
  const [received, setReceived] = useState(new Date().toISOString().slice(0, 10));
  const [due, setDue] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const list = js.data?.jurisdictions ?? [];
  const chosen = jurisdiction || list[0]?.code || '';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const rfa = await api<Rfa>('POST', '/api/rfas', {
        caseRef: detail.ref,
        authority: authority.trim(),
        jurisdiction: chosen,
        purpose: purpose.trim(),
        scope: scope.trim(),
        receivedOn: received,
        ...(due ? { dueOn: due } : {}),
      });
      navigate(`/rfas/${rfa.ref}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} data-testid="new-rfa">
      <h3>{t('rfa.new')}</h3>
      <label>
        {t('rfa.authority')}
        <input
          value={authority}
          onChange={(e) => setAuthority(e.target.value)}
          required
          maxLength={300}
          dir="auto"
        />
      </label>
      <label>
        {t('rfa.jurisdiction')}
        <select value={chosen} onChange={(e) => setJurisdiction(e.target.value)} required>
          {list.length === 0 && <option value="">{t('rfa.noJurisdictions')}</option>}
          {list.map((j) => (
            <option key={j.code} value={j.code} translate="no">
              {`${j.code} · ${j.name}`}
            </option>
          ))}
        </select>
      </label>
      {list.find((j) => j.code === chosen)?.deathPenalty && (
        <p className="hint" data-testid="death-penalty">
          {t('rfa.deathPenaltyNote')}
        </p>
      )}
      {canLegal && (
        <NewJurisdiction
          onDone={(code) => {
            setJurisdiction(code);
            void js.reload();
          }}
        />
      )}
      <label>
        {t('rfa.purpose')}
        <input
          value={purpose}
          onChange={(e) => setPurpose(e.target.value)}
          list="rfa-purposes"
          pattern="[a-z][a-z0-9\-]{1,39}"
          required
          dir="ltr"
          translate="no"
        />
      </label>
      <p className="hint">{t('rfa.purposeHint')}</p>
      <datalist id="rfa-purposes">
        {PURPOSES.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      <label>
        {t('rfa.scope')}
        <textarea
          value={scope}
          onChange={(e) => setScope(e.target.value)}
          required
          maxLength={4000}
          dir="auto"
        />
      </label>
      <div className="row">
        <label>
          {t('rfa.receivedOn')}
          <input type="date" value={received} onChange={(e) => setReceived(e.target.value)} required />
        </label>
        <label>
          {t('rfa.dueOn')}
          <input type="date" value={due} onChange={(e) => setDue(e.target.value)} min={received} />
        </label>
      </div>
      <ErrorMessage error={error} />
      <div>
        <button
          type="submit"
          className="primary"
          disabled={busy || !chosen || !authority.trim() || !scope.trim()}
        >
          {t('rfa.create')}
        </button>
      </div>
    </form>
  );
}

export function RfasSection({
  detail,
  canWrite,
  canLegal,
}: {
  detail: CaseDetail;
  canWrite: boolean;
  canLegal: boolean;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const list = useApi<RfaList>('/api/rfas');
  const mine = (list.data?.rfas ?? []).filter((r) => r.caseRef === detail.ref);
  const [open, setOpen] = useState(false);
  return (
    <section className="card" aria-labelledby="rfas-h" data-testid="rfas">
      <h2 id="rfas-h">{t('rfa.title')}</h2>
      <ErrorMessage error={list.error} />
      {list.data && mine.length === 0 && <p className="muted">{t('rfa.none')}</p>}
      {mine.length > 0 && (
        <ul className="rfa-list">
          {mine.map((r) => (
            <li key={r.id}>
              <Link href={`/rfas/${r.ref}`} translate="no">
                {r.ref}
              </Link>{' '}
              <bdi translate="no">{r.authority}</bdi> ·{' '}
              <span className={`badge rfa-${r.status}`}>
                {t(`rfa.status.${r.status}`, { defaultValue: r.status })}
              </span>{' '}
              · <span className="muted">{f.date(r.receivedOn)}</span>
            </li>
          ))}
        </ul>
      )}
      {canWrite && (
        <>
          <button type="button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            {t('rfa.new')}
          </button>
          {open && <NewRfaForm detail={detail} canLegal={canLegal} />}
        </>
      )}
    </section>
  );
}
