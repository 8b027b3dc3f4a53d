/**
 * checklist.tsx — a case's legal-element checklist with its coverage (`GET
 * /api/cases/:ref/coverage`): each crime pursued, element by element, with the evidence that
 * supports or contradicts it and the gaps plainly marked; a form to link an element to one of the
 * case's items or incidents (`POST /api/cases/:ref/links`) and one to pursue another crime.
 * The elements' text is the ICC Elements of Crimes as published (English): it is quoted, marked
 * `lang="en"`, not translated here.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import type { CaseDetail, Checklists, Coverage, ElementCoverage, Evidence } from './types.js';

function EvidenceList({ list, stance }: { list: readonly Evidence[]; stance: 'supports' | 'contradicts' }) {
  const { t } = useTranslation();
  if (list.length === 0) return null;
  return (
    <div className={`evidence-links stance-${stance}`}>
      <h4>{t(stance === 'supports' ? 'cases.supporting' : 'cases.contradicting')}</h4>
      <ul>
        {list.map((e) => (
          <li key={e.linkId} data-ref={e.ref}>
            {e.kind === 'item' ? (
              <Link href={`/evidence/${e.ref}`} translate="no">
                {e.ref}
              </Link>
            ) : (
              <span className="badge">{t('cases.incident')}</span>
            )}{' '}
            <bdi translate="no">{e.title}</bdi>
            <p className="link-note">
              <bdi translate="no">{e.note}</bdi>
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}

function LinkForm({
  caseRef,
  element,
  detail,
  onDone,
}: {
  caseRef: string;
  element: ElementCoverage;
  detail: CaseDetail;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const first = detail.items[0]?.ern ?? (detail.incidents[0] ? `incident:${detail.incidents[0].id}` : '');
  const [target, setTarget] = useState(first);
  const [stance, setStance] = useState<'supports' | 'contradicts'>('supports');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const id = element.id.replace(/[^a-zA-Z0-9]/g, '-');
  if (!first) return <p className="muted">{t('cases.nothingToLink')}</p>;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const incident = target.startsWith('incident:');
      await api('POST', `/api/cases/${caseRef}/links`, {
        elementId: element.id,
        targetKind: incident ? 'incident' : 'item',
        target: incident ? target.slice('incident:'.length) : target,
        stance,
        note: note.trim(),
      });
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <form className="stack link-form" onSubmit={(e) => void submit(e)} data-testid="link-form">
      {/* Labelled by id, not by nesting: a nested select's chosen option would join its name. */}
      <label htmlFor={`target-${id}`}>{t('cases.linkTarget')}</label>
      <select id={`target-${id}`} value={target} onChange={(e) => setTarget(e.target.value)}>
        {detail.items.length > 0 && (
          <optgroup label={t('cases.items')}>
            {detail.items.map((i) => (
              <option key={i.ern} value={i.ern} translate="no">
                {`${i.ern} · ${i.title}`}
              </option>
            ))}
          </optgroup>
        )}
        {detail.incidents.length > 0 && (
          <optgroup label={t('cases.incidents')}>
            {detail.incidents.map((i) => (
              <option key={i.id} value={`incident:${i.id}`} translate="no">
                {i.title}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      <fieldset>
        <legend>{t('cases.stance')}</legend>
        {(['supports', 'contradicts'] as const).map((s) => (
          <label key={s} className="choice">
            <input
              type="radio"
              name={`stance-${id}`}
              value={s}
              checked={stance === s}
              onChange={() => setStance(s)}
            />
            {t(`cases.stanceOf.${s}`)}
          </label>
        ))}
      </fieldset>
      <label>
        {t('cases.linkNote')}
        <textarea
          value={note}
          onChange={(e) => setNote(e.target.value)}
          required
          maxLength={2000}
          dir="auto"
        />
      </label>
      <ErrorMessage error={error} />
      <div>
        <button type="submit" className="primary" disabled={busy || note.trim() === ''}>
          {t('cases.linkSave')}
        </button>
      </div>
    </form>
  );
}

function ElementRow({
  caseRef,
  element,
  detail,
  canWrite,
  onChanged,
}: {
  caseRef: string;
  element: ElementCoverage;
  detail: CaseDetail;
  canWrite: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <li className={`element ${element.gap ? 'gap' : 'covered'}`} data-element={element.id}>
      <div className="element-head">
        <span className={`badge ${element.gap ? 'state-gap' : 'state-covered'}`} data-testid="element-state">
          {element.gap ? t('cases.gap') : t('cases.covered')}
        </span>
        <span className="element-n">{t('cases.elementN', { n: element.n })}</span>
        <span className="muted" translate="no" lang="en">
          {element.citation}
        </span>
      </div>
      <p className="element-text" lang="en" translate="no">
        {element.text}
      </p>
      <EvidenceList list={element.supporting} stance="supports" />
      <EvidenceList list={element.contradicting} stance="contradicts" />
      {canWrite && (
        <div>
          <button type="button" className="small" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            {t('cases.linkEvidence')}
          </button>
          {open && (
            <LinkForm
              caseRef={caseRef}
              element={element}
              detail={detail}
              onDone={() => {
                setOpen(false);
                onChanged();
              }}
            />
          )}
        </div>
      )}
    </li>
  );
}

function AddCrime({
  caseRef,
  pursued,
  onDone,
}: {
  caseRef: string;
  pursued: readonly string[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const lists = useApi<Checklists>('/api/checklists');
  const [crime, setCrime] = useState('');
  const [error, setError] = useState<unknown>(null);
  const options = (lists.data?.checklists ?? []).flatMap((l) =>
    l.crimes
      .filter((c) => !c.contextual && !pursued.includes(`${l.id}/${c.id}`))
      .map((c) => ({ key: `${l.id}/${c.id}`, c })),
  );
  if (options.length === 0) return null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api('POST', `/api/cases/${caseRef}/crimes`, { crime: crime || options[0]!.key });
      setCrime('');
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="row add-crime" onSubmit={(e) => void submit(e)}>
      <label htmlFor={`crime-${caseRef}`}>{t('cases.pursueCrime')}</label>
      <select
        id={`crime-${caseRef}`}
        value={crime || options[0]!.key}
        onChange={(e) => setCrime(e.target.value)}
      >
        {options.map(({ key, c }) => (
          <option key={key} value={key} lang="en">
            {`${c.citation} — ${c.title}`}
          </option>
        ))}
      </select>
      <button type="submit">{t('cases.pursue')}</button>
      <ErrorMessage error={error} />
    </form>
  );
}

export function ChecklistSection({
  detail,
  canWrite,
  onItemsChanged,
}: {
  detail: CaseDetail;
  canWrite: boolean;
  onItemsChanged?: () => void;
}) {
  const { t } = useTranslation();
  const cov = useApi<Coverage>(`/api/cases/${detail.ref}/coverage`);
  const reload = () => {
    void cov.reload();
    onItemsChanged?.();
  };
  const c = cov.data;
  return (
    <section className="card" aria-labelledby="checklist-h" data-testid="checklist">
      <h2 id="checklist-h">{t('cases.checklist')}</h2>
      <ErrorMessage error={cov.error} />
      {c && c.elements === 0 && <p>{t('cases.noCrimes')}</p>}
      {c && c.elements > 0 && (
        <p className="meter-row" data-testid="coverage">
          <meter min={0} max={c.elements} value={c.covered} aria-label={t('cases.coverage')} />
          <span>{t('cases.coveredOf', { covered: c.covered, total: c.elements, gaps: c.gaps.length })}</span>
        </p>
      )}
      {c?.crimes.map((crime) => (
        <section key={crime.id} className="crime" aria-labelledby={`crime-${crime.id.replace(/\W/g, '-')}`}>
          <h3 id={`crime-${crime.id.replace(/\W/g, '-')}`}>
            <span lang="en" translate="no">
              {crime.title}
            </span>{' '}
            <span className="muted" translate="no" lang="en">
              {crime.citation}
            </span>
            {crime.contextual && <span className="badge">{t('cases.contextual')}</span>}
          </h3>
          <ol className="elements">
            {crime.elements.map((e) => (
              <ElementRow
                key={e.id}
                caseRef={detail.ref}
                element={e}
                detail={detail}
                canWrite={canWrite}
                onChanged={reload}
              />
            ))}
          </ol>
        </section>
      ))}
      {canWrite && c && <AddCrime caseRef={detail.ref} pursued={detail.checklists} onDone={reload} />}
    </section>
  );
}
