/**
 * case-screen.tsx — one case (`/cases/:ref`): its facts, the legal-element checklist with
 * coverage and evidence links, its items (add by search, remove, redact), requests for
 * assistance, notes and team. A case outside the caller's compartments is "not found", like one
 * that does not exist (the API answers 404 for both).
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../api/use-api.js';
import { can, useSession } from '../auth/session.js';
import { useFormat } from '../i18n/format.js';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { CaseItemsSection } from './case-items.js';
import { NotesSection, TeamSection } from './case-team.js';
import { ChecklistSection } from './checklist.js';
import { RfasSection } from './rfa-new.js';
import type { CaseDetail } from './types.js';
import './cases.css';
import './strings.js';

export default function CaseScreen({ caseRef }: { caseRef: string }) {
  const { t } = useTranslation();
  const { state } = useSession();
  const f = useFormat();
  const detail = useApi<CaseDetail>(`/api/cases/${caseRef}`);
  const canWrite = can(state, 'cases:write');
  const canRedact = canWrite && can(state, 'items:content');
  const canLegal = can(state, 'consent:override');

  useEffect(() => {
    if (detail.data) document.title = `${detail.data.ref} · ${detail.data.title} · ${t('app.name')}`;
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
  const c = detail.data;
  const reload = () => void detail.reload();
  return (
    <main id="main" className="case-page">
      <p className="crumbs">
        <Link href="/cases">{t('cases.title')}</Link>
      </p>
      <header className="item-head">
        <h1>
          <bdi translate="no">{c.title}</bdi>
        </h1>
        <p className="muted" translate="no">
          {c.ref}
        </p>
      </header>
      <dl className="item-facts case-facts">
        <dt>{t('cases.framework')}</dt>
        <dd>
          <bdi translate="no">{c.legalFramework}</bdi>
        </dd>
        <dt>{t('cases.compartment')}</dt>
        <dd translate="no">{c.compartment}</dd>
        <dt>{t('cases.status')}</dt>
        <dd>{t(`cases.caseStatus.${c.status}`, { defaultValue: c.status })}</dd>
        <dt>{t('cases.opened')}</dt>
        <dd>{f.dateTime(c.createdAt)}</dd>
      </dl>
      <div className="case-grid">
        <div>
          <ChecklistSection detail={c} canWrite={canWrite} onItemsChanged={reload} />
          <CaseItemsSection detail={c} canWrite={canWrite} canRedact={canRedact} onChanged={reload} />
        </div>
        <div>
          <RfasSection detail={c} canWrite={canWrite} canLegal={canLegal} />
          <NotesSection detail={c} canWrite={canWrite} onChanged={reload} />
          <TeamSection detail={c} canWrite={canWrite} onChanged={reload} />
        </div>
      </div>
    </main>
  );
}
