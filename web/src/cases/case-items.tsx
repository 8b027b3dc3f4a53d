/**
 * case-items.tsx — the items of a case the caller may read, and adding more: by searching the
 * vault (`GET /api/search`, the caller's compartments only) or by ERN. Taking an item out of a
 * case and opening the redaction tool are here too. Every add and removal is a custody entry on
 * the server.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { SearchResult } from '../api/types.js';
import { useFormat } from '../i18n/format.js';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { TableScroll } from '../ui/table-scroll.js';
import { type CaseDetail, REDACTABLE } from './types.js';

function AddItems({ detail, onAdded }: { detail: CaseDetail; onAdded: () => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<SearchResult['results'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [added, setAdded] = useState<string | null>(null);
  const inCase = new Set(detail.items.map((i) => i.ern));

  const search = async (e: FormEvent) => {
    e.preventDefault();
    const text = q.trim();
    if (!text) return;
    setError(null);
    // An ERN typed as it is finds that item (the search syntax's `ern:` filter).
    const query = /^ATT-\d{6,}$/i.test(text) ? `ern:${text.toUpperCase()}` : text;
    try {
      const r = await api<SearchResult>(
        'GET',
        `/api/search?${new URLSearchParams({ q: query, limit: '20' })}`,
      );
      setHits(r.results);
    } catch (err) {
      setError(err);
    }
  };
  const add = async (ern: string) => {
    try {
      await api('POST', `/api/cases/${detail.ref}/items`, { erns: [ern] });
      setAdded(ern);
      onAdded();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="add-items">
      <form className="row" onSubmit={(e) => void search(e)}>
        <label className="grow">
          {t('cases.findItems')}
          <input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder={t('cases.findItemsHint')}
            dir="auto"
          />
        </label>
        <button type="submit">{t('cases.find')}</button>
      </form>
      <ErrorMessage error={error} />
      <p role="status" className="muted">
        {added && (
          <>
            <span translate="no">{added}</span> {t('cases.added')}
          </>
        )}
      </p>
      {hits && hits.length === 0 && <p className="muted">{t('cases.noHits')}</p>}
      {hits && hits.length > 0 && (
        <ul className="hit-list" data-testid="item-hits">
          {hits.map((h) => (
            <li key={h.ern} data-ern={h.ern}>
              <span translate="no" id={`hit-${h.ern}`}>
                {h.ern}
              </span>{' '}
              <bdi translate="no">{h.title}</bdi>
              {inCase.has(h.ern) ? (
                <span className="badge">{t('cases.inCase')}</span>
              ) : (
                <button
                  type="button"
                  className="small"
                  id={`add-${h.ern}`}
                  aria-labelledby={`add-${h.ern} hit-${h.ern}`}
                  onClick={() => void add(h.ern)}
                >
                  {t('cases.addItem')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function CaseItemsSection({
  detail,
  canWrite,
  canRedact,
  onChanged,
}: {
  detail: CaseDetail;
  canWrite: boolean;
  canRedact: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const [error, setError] = useState<unknown>(null);
  const remove = async (ern: string) => {
    try {
      await api('DELETE', `/api/cases/${detail.ref}/items/${ern}`);
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card" aria-labelledby="case-items-h" data-testid="case-items">
      <h2 id="case-items-h">{t('cases.items')}</h2>
      <ErrorMessage error={error} />
      {detail.items.length === 0 ? (
        <p>{t('cases.noItems')}</p>
      ) : (
        <TableScroll name={t('cases.items')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('evidence.ern')}</th>
                <th scope="col">{t('evidence.itemTitle')}</th>
                <th scope="col">{t('evidence.mediaType')}</th>
                <th scope="col">{t('cases.addedAt')}</th>
                {canWrite && <th scope="col">{t('cases.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {detail.items.map((i) => (
                <tr key={i.ern} data-ern={i.ern}>
                  <th scope="row" id={`item-${i.ern}`}>
                    <Link href={`/evidence/${i.ern}`} translate="no">
                      {i.ern}
                    </Link>
                  </th>
                  <td>
                    <bdi translate="no">{i.title}</bdi>
                    {i.parentErn && (
                      <span className="muted">
                        {' '}
                        {t('cases.derivedFrom')} <span translate="no">{i.parentErn}</span>
                      </span>
                    )}
                  </td>
                  <td translate="no">{i.mediaType}</td>
                  <td>{f.dateTime(i.addedAt)}</td>
                  {canWrite && (
                    <td className="row">
                      {canRedact && REDACTABLE.test(i.mediaType.split(';')[0]!.trim()) && (
                        <Link
                          className="button small"
                          href={`/evidence/${i.ern}/redact?case=${detail.ref}`}
                          id={`redact-${i.ern}`}
                          aria-labelledby={`redact-${i.ern} item-${i.ern}`}
                        >
                          {t('cases.redact')}
                        </Link>
                      )}
                      <button
                        type="button"
                        className="small"
                        onClick={() => void remove(i.ern)}
                        id={`remove-${i.ern}`}
                        aria-labelledby={`remove-${i.ern} item-${i.ern}`}
                      >
                        {t('cases.remove')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {canWrite && <AddItems detail={detail} onAdded={onChanged} />}
    </section>
  );
}
