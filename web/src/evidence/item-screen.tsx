/**
 * item-screen.tsx — one evidence item (`/evidence/:ern`): what it is and where it came from
 * (provenance), a preview by kind, download, what intake made of it (job state, failure and
 * retry, derived items, near-duplicates, places, text), what the analysis links to it, the
 * analysts' tags and notes, and its custody timeline with in-browser
 * proof verification. An item outside the caller's compartments is "not found", like one that
 * does not exist (the API answers 404 for both).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IntakeState, Item } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { can, useSession } from '../auth/session.js';
import '../cases/strings.js';
import { REDACTABLE } from '../cases/types.js';
import { useFormat } from '../i18n/format.js';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { CustodyTimelineSection } from './custody-timeline.js';
import { IntakeStatus } from './intake-status.js';
import { AnnotationsSection, LinkedRecordsSection } from './item-annotations.js';
import { contentUrl, type Facts, ItemPreview } from './item-preview.js';
import { DerivedItems, NearDuplicatesSection, PlacesSection, TextSection } from './item-related.js';

const POLL_MS = 2000;

function Provenance({ item }: { item: Item }) {
  const { t } = useTranslation();
  const f = useFormat();
  const extra = Object.entries(item.metadata).filter(([, v]) =>
    ['string', 'number', 'boolean'].includes(typeof v),
  );
  return (
    <section aria-labelledby="prov-h" className="card" data-testid="provenance">
      <h2 id="prov-h">{t('item.provenance')}</h2>
      <dl className="item-facts">
        <dt>{t('evidence.ern')}</dt>
        <dd translate="no">{item.ern}</dd>
        <dt>{t('evidence.source')}</dt>
        <dd>
          <bdi translate="no">{item.source}</bdi>
        </dd>
        <dt>{t('evidence.collectedAt')}</dt>
        <dd>
          <time dateTime={item.collectedAt}>{f.dateTime(item.collectedAt)}</time>
        </dd>
        <dt>{t('item.collectedBy')}</dt>
        <dd>
          <bdi translate="no">{item.collectedBy}</bdi>
        </dd>
        <dt>{t('item.compartment')}</dt>
        <dd translate="no">{item.compartment}</dd>
        <dt>{t('item.kindLabel')}</dt>
        <dd>{t(`item.kind.${item.kind}`, { defaultValue: item.kind })}</dd>
        <dt>{t('evidence.mediaType')}</dt>
        <dd translate="no">{item.mediaType}</dd>
        <dt>{t('evidence.size')}</dt>
        <dd>{t('evidence.bytes', { size: f.number(item.size) })}</dd>
        <dt>{t('item.sha256')}</dt>
        <dd>
          <code translate="no" className="hash">
            {item.sha256}
          </code>
        </dd>
        <dt>{t('item.originalName')}</dt>
        <dd>
          <bdi translate="no">{item.originalName}</bdi>
        </dd>
        <dt>{t('item.added')}</dt>
        <dd>
          {f.dateTime(item.createdAt)} · <bdi translate="no">{item.createdBy}</bdi>
        </dd>
        {item.parentItemId && (
          <>
            <dt>{t('item.derivedFrom')}</dt>
            <dd translate="no">{item.parentItemId}</dd>
          </>
        )}
        {extra.map(([k, v]) => (
          <div key={k} className="facts-row">
            <dt translate="no">{k}</dt>
            <dd translate="no">{String(v)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export default function ItemScreen({ ern }: { ern: string }) {
  const { t } = useTranslation();
  const { state } = useSession();
  const item = useApi<Item>(`/api/items/${ern}`);
  const intake = useApi<IntakeState>(`/api/items/${ern}/intake`);
  const [facts, setFacts] = useState<Facts | null>(null);
  const canContent = can(state, 'items:content');
  const busy = intake.data?.state === 'queued' || intake.data?.state === 'running';

  // Poll while intake works on it; stop when it is done or failed.
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => void intake.reload(), POLL_MS);
    return () => clearInterval(timer);
  }, [busy, intake.reload]);

  const metadataErn = intake.data?.derived.find((d) => d.kind === 'metadata')?.ern;
  useEffect(() => {
    if (!metadataErn || !canContent) return;
    let live = true;
    void fetch(contentUrl(metadataErn), { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : null))
      .then((j: unknown) => {
        if (live && j && typeof j === 'object') setFacts(j as Facts);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [metadataErn, canContent]);

  useEffect(() => {
    if (item.data) document.title = `${item.data.ern} · ${item.data.title} · ${t('app.name')}`;
  }, [item.data, t]);

  if (item.error || (!item.loading && !item.data))
    return (
      <main id="main">
        <h1>{t('errors.notFound')}</h1>
        <ErrorMessage error={item.error} />
        <p>
          <Link href="/evidence">{t('item.back')}</Link>
        </p>
      </main>
    );
  if (!item.data)
    return (
      <main id="main">
        <p role="status">{t('app.loading')}</p>
      </main>
    );
  const it = item.data;
  const derived = intake.data?.derived ?? [];
  return (
    <main id="main" className="item-page">
      <p className="crumbs">
        <Link href="/evidence">{t('evidence.title')}</Link>
      </p>
      <header className="item-head">
        <h1>
          <bdi translate="no">{it.title}</bdi>
        </h1>
        <p className="muted" translate="no">
          {it.ern}
        </p>
        {canContent && (
          <a className="button" href={contentUrl(it.ern)} download data-testid="download">
            {t('item.download')}
          </a>
        )}
        {canContent && can(state, 'cases:write') && REDACTABLE.test(it.mediaType.split(';')[0]!.trim()) && (
          <Link className="button" href={`/evidence/${it.ern}/redact`}>
            {t('cases.redact')}
          </Link>
        )}
      </header>
      <div className="item-grid">
        <ItemPreview item={it} facts={facts} derived={derived} canContent={canContent} />
        <Provenance item={it} />
      </div>
      {intake.data && (
        <IntakeStatus
          intake={intake.data}
          canRetry={can(state, 'items:write')}
          onRetried={() => void intake.reload()}
        />
      )}
      {canContent && <TextSection derived={derived} />}
      {intake.data && <DerivedItems derived={derived} />}
      {intake.data && <NearDuplicatesSection ern={it.ern} intake={intake.data} />}
      <PlacesSection ern={it.ern} />
      {can(state, 'analysis:read') && <LinkedRecordsSection ern={it.ern} />}
      {can(state, 'analysis:read') && <AnnotationsSection ern={it.ern} />}
      {can(state, 'log:read') && <CustodyTimelineSection ern={it.ern} />}
    </main>
  );
}
