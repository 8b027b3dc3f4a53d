/**
 * entity-screen.tsx — one entity (`/analysis/entities/:id`) and the links to it. A protected
 * person's identity arrives withheld; a holder of persons:reveal may ask for it (`?reveal=true`),
 * which the server records in the custody log, after saying so. Without persons:reveal the page
 * never asks, so the identity never reaches the browser.
 */
import { useState } from 'react';
import './strings.js';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { can, useSession } from '../auth/session.js';
import { useFormat } from '../i18n/format.js';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import type { SavedState } from './entity-edit-screen.js';
import { holdsIn } from './forms.js';
import { LinkList } from './incident-screen.js';
import { entityName } from './labels.js';
import type { Entity, LinkList as LinkListBody } from './types.js';

export default function EntityScreen({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { state } = useSession();
  const loaded = useApi<Entity>(`/api/entities/${encodeURIComponent(id)}`);
  const links = useApi<LinkListBody>(`/api/links?${new URLSearchParams({ type: 'entity', id })}`);
  const [revealed, setRevealed] = useState<Entity | null>(null);
  const [error, setError] = useState<unknown>(null);
  // "Saved" comes from the edit screen with the history entry (router.tsx): shown once, then cleared.
  const [saved] = useState(() => {
    const s = history.state as Partial<SavedState> | null;
    if (s?.saved !== id) return false;
    history.replaceState(null, '', location.href);
    return true;
  });
  const e = revealed ?? loaded.data;
  if (loaded.error || (!loaded.loading && !e))
    return (
      <main id="main">
        <h1>{t('errors.notFound')}</h1>
        <ErrorMessage error={loaded.error} />
        <p>
          <Link href="/analysis/entities">{t('analysis.backEntities')}</Link>
        </p>
      </main>
    );
  if (!e)
    return (
      <main id="main">
        <p role="status">{t('app.loading')}</p>
      </main>
    );
  const reveal = async () => {
    try {
      setRevealed(await api<Entity>('GET', `/api/entities/${encodeURIComponent(id)}?reveal=true`));
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  const attributes = Object.entries(e.attributes);
  return (
    <main id="main" className="analysis-page">
      <p className="crumbs">
        <Link href="/analysis/entities">{t('analysis.backEntities')}</Link>
      </p>
      <h1>
        <bdi translate="no" className={e.withheld ? 'pseudonym' : undefined}>
          {entityName(e, t('analysis.withheld'))}
        </bdi>
      </h1>
      {saved && (
        <p role="status" className="notice" data-testid="saved">
          {t('analysis.edit.saved')}
        </p>
      )}
      <section className="card" aria-labelledby="ent-h" data-testid="entity">
        <h2 id="ent-h">{t(`analysis.kinds.${e.kind}`, { defaultValue: e.kind })}</h2>
        {state.status === 'signed-in' && holdsIn(state.me, 'analysis:write', e.compartment) && (
          <p>
            <Link href={`/analysis/entities/${encodeURIComponent(e.id)}/edit`}>
              {t('analysis.edit.link')}
            </Link>
          </p>
        )}
        <dl className="item-facts">
          {e.name !== null && !e.withheld && (
            <>
              <dt>{t('analysis.name')}</dt>
              <dd>
                <bdi translate="no">{e.name}</bdi>
              </dd>
            </>
          )}
          {e.nameAr && !e.withheld && (
            <>
              <dt>{t('analysis.nameAr')}</dt>
              <dd lang="ar" dir="rtl" translate="no">
                {e.nameAr}
              </dd>
            </>
          )}
          {e.aliases.length > 0 && (
            <>
              <dt>{t('analysis.aliases')}</dt>
              <dd translate="no">{e.aliases.join(' · ')}</dd>
            </>
          )}
          {e.pseudonym && (
            <>
              <dt>{t('analysis.pseudonym')}</dt>
              <dd>
                <bdi translate="no">{e.pseudonym}</bdi>
              </dd>
            </>
          )}
          <dt>{t('analysis.protection')}</dt>
          <dd>
            {t(`analysis.protections.${e.protection}`, { defaultValue: e.protection })}
            {e.withheld && ` · ${t('analysis.withheld')}`}
          </dd>
          {e.pcode && (
            <>
              <dt>{t('analysis.place')}</dt>
              <dd translate="no">{e.pcode}</dd>
            </>
          )}
          <dt>{t('analysis.compartment')}</dt>
          <dd translate="no">{e.compartment}</dd>
          {attributes.map(([k, v]) => (
            <div key={k} className="facts-row">
              <dt translate="no">{k}</dt>
              <dd translate="no">{String(v)}</dd>
            </div>
          ))}
          <dt>{t('item.added')}</dt>
          <dd>{f.dateTime(e.createdAt)}</dd>
        </dl>
        {revealed && <p role="status">{t('analysis.revealed')}</p>}
        {e.withheld && can(state, 'persons:reveal') && (
          <div>
            <p className="muted">{t('analysis.revealNote')}</p>
            <button type="button" onClick={() => void reveal()}>
              {t('analysis.reveal')}
            </button>
          </div>
        )}
        <ErrorMessage error={error} />
      </section>
      <section className="card" aria-labelledby="ent-links-h">
        <h2 id="ent-links-h">{t('analysis.links')}</h2>
        <ErrorMessage error={links.error} />
        {links.data && <LinkList links={links.data.links} />}
      </section>
    </main>
  );
}
