/**
 * redaction-screen.tsx — the redaction tool (`/evidence/:ern/redact`) for images and PDFs: draw
 * boxes on the picture (or type them in, the keyboard way), see them as they will be burnt in,
 * and save. The server (`POST /api/items/:ern/redactions`) makes a new item derived from the
 * original — the original's bytes never change — with the regions burnt into the pixels (a PDF is
 * re-rendered to images, so no text survives under a box). The new item is shown afterwards.
 */
import { type FormEvent, lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { Item } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { can, useSession } from '../auth/session.js';
import { useFormat } from '../i18n/format.js';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { TableScroll } from '../ui/table-scroll.js';
import { RedactSurface, type Region } from './redact-surface.js';
import { REDACTABLE, type RedactionList, type RedactionResult } from './types.js';
import './cases.css';
import './strings.js';

const RedactPdf = lazy(() => import('./redact-pdf.js'));
const PdfPages = lazy(() => import('../evidence/pdf-pages.js'));

const contentUrl = (ern: string) => `/api/items/${ern}/content`;

function ImageSurface({
  ern,
  title,
  regions,
  preview,
  onAdd,
}: {
  ern: string;
  title: string;
  regions: readonly Region[];
  preview: boolean;
  onAdd: (r: Region) => void;
}) {
  const { t } = useTranslation();
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const img = (
    <img
      className="redact-picture"
      src={contentUrl(ern)}
      alt={t('item.imageAlt', { title })}
      onLoad={(e) => setSize({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })}
    />
  );
  if (!size) return img;
  return (
    <RedactSurface
      width={size.w}
      height={size.h}
      regions={regions}
      preview={preview}
      onAdd={onAdd}
      label={t('redact.drawOnImage')}
    >
      {img}
    </RedactSurface>
  );
}

function RegionForm({ pdf, pages, onAdd }: { pdf: boolean; pages: number; onAdd: (r: Region) => void }) {
  const { t } = useTranslation();
  const [v, setV] = useState({ page: '1', x: '', y: '', width: '', height: '' });
  const n = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : Number.NaN);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = { x: n(v.x), y: n(v.y), width: n(v.width), height: n(v.height) };
    if (Object.values(r).some(Number.isNaN) || r.width < 1 || r.height < 1) return;
    onAdd({ ...r, ...(pdf ? { page: Math.min(Math.max(n(v.page) || 1, 1), Math.max(pages, 1)) } : {}) });
    setV((old) => ({ ...old, x: '', y: '', width: '', height: '' }));
  };
  const field = (k: keyof typeof v, label: string) => (
    <label>
      {label}
      <input
        inputMode="numeric"
        pattern="[0-9]*"
        size={6}
        value={v[k]}
        onChange={(e) => setV((old) => ({ ...old, [k]: e.target.value }))}
        dir="ltr"
      />
    </label>
  );
  return (
    <form className="row region-form" onSubmit={submit} aria-labelledby="region-form-h">
      <h3 id="region-form-h" className="visually-hidden">
        {t('redact.typeRegion')}
      </h3>
      {pdf && field('page', t('redact.page'))}
      {field('x', t('redact.x'))}
      {field('y', t('redact.y'))}
      {field('width', t('redact.width'))}
      {field('height', t('redact.height'))}
      <button type="submit">{t('redact.addRegion')}</button>
    </form>
  );
}

function Saved({ result, pdf }: { result: RedactionResult; pdf: boolean }) {
  const { t } = useTranslation();
  return (
    <section
      className="card saved-redaction"
      aria-labelledby="saved-h"
      data-testid="saved"
      data-ern={result.ern}
    >
      <h2 id="saved-h">{t('redact.savedTitle')}</h2>
      <p role="status">
        {t('redact.saved')} <span translate="no">{result.of}</span>:{' '}
        <Link href={`/evidence/${result.ern}`} translate="no">
          {result.ern}
        </Link>
      </p>
      <p className="muted">
        {t('item.sha256')}{' '}
        <code className="hash" translate="no">
          {result.sha256}
        </code>
      </p>
      {pdf ? (
        <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
          <PdfPages url={contentUrl(result.ern)} />
        </Suspense>
      ) : (
        <img
          className="preview-image"
          src={contentUrl(result.ern)}
          alt={t('redact.savedAlt', { ern: result.ern })}
          data-testid="saved-image"
        />
      )}
    </section>
  );
}

function EarlierRedactions({ list }: { list: RedactionList['redactions'] }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (list.length === 0) return null;
  return (
    <section className="card" aria-labelledby="earlier-h" data-testid="earlier">
      <h2 id="earlier-h">{t('redact.earlier')}</h2>
      <p className="muted">{t('redact.earlierHint')}</p>
      <ul className="earlier">
        {list.map((r) => (
          <li key={r.ern} data-ern={r.ern}>
            <Link href={`/evidence/${r.ern}`} translate="no">
              {r.ern}
            </Link>{' '}
            · {t('redact.parts', { n: r.parts })} · {f.dateTime(r.createdAt)}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function RedactionScreen({ ern }: { ern: string }) {
  const { t } = useTranslation();
  const { state } = useSession();
  const item = useApi<Item>(`/api/items/${ern}`);
  const earlier = useApi<RedactionList>(`/api/items/${ern}/redactions`);
  const [regions, setRegions] = useState<Region[]>([]);
  const [preview, setPreview] = useState(false);
  const [pages, setPages] = useState(1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<RedactionResult | null>(null);
  const caseRef = new URLSearchParams(location.search).get('case');
  const back = caseRef && /^CASE-\d{4,}$/.test(caseRef) ? `/cases/${caseRef}` : `/evidence/${ern}`;

  if (item.error || (!item.loading && !item.data))
    return (
      <main id="main">
        <h1>{t('errors.notFound')}</h1>
        <ErrorMessage error={item.error} />
      </main>
    );
  if (!item.data)
    return (
      <main id="main">
        <p role="status">{t('app.loading')}</p>
      </main>
    );
  const it = item.data;
  const type = it.mediaType.split(';')[0]!.trim();
  const pdf = type === 'application/pdf';
  const allowed = can(state, 'cases:write') && can(state, 'items:content');
  const add = (r: Region) => {
    setRegions((old) => [...old, r]);
    setResult(null);
  };
  const save = async () => {
    setBusy(true);
    try {
      setResult(await api<RedactionResult>('POST', `/api/items/${ern}/redactions`, { regions }));
      setError(null);
      void earlier.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="redact-page">
      <p className="crumbs">
        <Link href={back} translate="no">
          {caseRef && /^CASE-\d{4,}$/.test(caseRef) ? caseRef : ern}
        </Link>
      </p>
      <header className="item-head">
        <h1>{t('redact.title')}</h1>
        <p>
          <bdi translate="no">{it.title}</bdi> · <span translate="no">{it.ern}</span>
        </p>
      </header>
      {!REDACTABLE.test(type) || !allowed ? (
        <p>
          {allowed ? (
            <>
              {t('redact.cannot')} (<span translate="no">{type}</span>)
            </>
          ) : (
            t('redact.notAllowed')
          )}
        </p>
      ) : (
        <div className="redact-grid">
          <section className="card" aria-labelledby="draw-h">
            <h2 id="draw-h">{t('redact.draw')}</h2>
            <p className="muted">{t(pdf ? 'redact.helpPdf' : 'redact.helpImage')}</p>
            <label className="choice">
              <input type="checkbox" checked={preview} onChange={(e) => setPreview(e.target.checked)} />
              {t('redact.preview')}
            </label>
            {pdf ? (
              <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
                <RedactPdf
                  url={contentUrl(ern)}
                  regions={regions}
                  preview={preview}
                  onAdd={add}
                  onPages={setPages}
                />
              </Suspense>
            ) : (
              <ImageSurface ern={ern} title={it.title} regions={regions} preview={preview} onAdd={add} />
            )}
          </section>
          <section className="card" aria-labelledby="regions-h" data-testid="regions">
            <h2 id="regions-h">{t('redact.regions', { n: regions.length })}</h2>
            {regions.length === 0 ? (
              <p className="muted">{t('redact.noRegions')}</p>
            ) : (
              <TableScroll name={t('redact.regionsTable')}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      {pdf && <th scope="col">{t('redact.page')}</th>}
                      <th scope="col">{t('redact.x')}</th>
                      <th scope="col">{t('redact.y')}</th>
                      <th scope="col">{t('redact.width')}</th>
                      <th scope="col">{t('redact.height')}</th>
                      <th scope="col">{t('cases.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {regions.map((r, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: regions are numbered by position, as on the picture.
                      <tr key={i}>
                        <th scope="row">{i + 1}</th>
                        {pdf && <td className="num">{r.page}</td>}
                        <td className="num">{r.x}</td>
                        <td className="num">{r.y}</td>
                        <td className="num">{r.width}</td>
                        <td className="num">{r.height}</td>
                        <td>
                          <button
                            type="button"
                            className="small"
                            aria-label={t('redact.removeRegion', { n: i + 1 })}
                            onClick={() => {
                              setRegions((old) => old.filter((_, j) => j !== i));
                              setResult(null);
                            }}
                          >
                            {t('cases.remove')}
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )}
            <RegionForm pdf={pdf} pages={pages} onAdd={add} />
            <p className="muted">{t('redact.explain')}</p>
            <ErrorMessage error={error} />
            <button
              type="button"
              className="primary"
              disabled={busy || regions.length === 0}
              onClick={() => void save()}
            >
              {t('redact.save')}
            </button>
          </section>
        </div>
      )}
      {result && <Saved result={result} pdf={pdf} />}
      <EarlierRedactions list={earlier.data?.redactions ?? []} />
    </main>
  );
}
