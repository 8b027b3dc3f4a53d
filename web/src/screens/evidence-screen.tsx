/**
 * evidence-screen.tsx — the evidence items the caller may see (`GET /api/items`, cursor pages
 * by ERN). Lazy-loaded: coordinators and monitors never download it.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { Item } from '../api/types.js';
import { can, useSession } from '../auth/session.js';
import { useFormat } from '../i18n/format.js';
import { Link, navigate } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { TableScroll } from '../ui/table-scroll.js';

const PAGE = 50;

export default function EvidenceScreen() {
  const { t } = useTranslation();
  const { state } = useSession();
  const f = useFormat();
  const [items, setItems] = useState<Item[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);

  const load = async (after: string | null) => {
    setLoading(true);
    try {
      const q = new URLSearchParams({ limit: String(PAGE), ...(after ? { after } : {}) });
      const page = await api<{ items: Item[]; next: string | null }>('GET', `/api/items?${q}`);
      setItems((old) => (after ? [...old, ...page.items] : page.items));
      setNext(page.next);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: load the first page once.
  useEffect(() => {
    void load(null);
  }, []);

  return (
    <main id="main">
      <div className="page-head">
        <h1>{t('evidence.title')}</h1>
        {can(state, 'items:write') && (
          <Link href="/evidence/upload" className="button">
            {t('upload.title')}
          </Link>
        )}
      </div>
      <ErrorMessage error={error} />
      {!loading && !error && items.length === 0 && <p>{t('evidence.none')}</p>}
      {items.length > 0 && (
        <TableScroll name={t('evidence.title')}>
          <table data-testid="evidence">
            <thead>
              <tr>
                <th scope="col">{t('evidence.ern')}</th>
                <th scope="col">{t('evidence.itemTitle')}</th>
                <th scope="col">{t('evidence.mediaType')}</th>
                <th scope="col">{t('evidence.size')}</th>
                <th scope="col">{t('evidence.collectedAt')}</th>
                <th scope="col">{t('evidence.source')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((it) => (
                <tr
                  key={it.id}
                  className="clickable"
                  // The links below are the keyboard and screen-reader way in; a click anywhere on the row is a shortcut.
                  onClick={(e) => {
                    if (!(e.target as HTMLElement).closest('a')) navigate(`/evidence/${it.ern}`);
                  }}
                >
                  <th scope="row">
                    <Link href={`/evidence/${it.ern}`} translate="no">
                      {it.ern}
                    </Link>
                  </th>
                  <td>
                    <Link href={`/evidence/${it.ern}`} tabIndex={-1}>
                      <bdi translate="no">{it.title}</bdi>
                    </Link>
                  </td>
                  <td>
                    <bdi translate="no">{it.mediaType}</bdi>
                  </td>
                  <td className="num">{t('evidence.bytes', { size: f.number(it.size) })}</td>
                  <td>{f.dateTime(it.collectedAt)}</td>
                  <td>
                    <bdi translate="no">{it.source}</bdi>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {loading && <p role="status">{t('app.loading')}</p>}
      {next && !loading && (
        <button type="button" onClick={() => void load(next)}>
          {t('evidence.more')}
        </button>
      )}
    </main>
  );
}
