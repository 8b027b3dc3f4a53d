/**
 * search-screen.tsx — full-text search over the evidence the caller may read (`/search?q=`):
 * the query language of src/search/README.md (shown under the box), results with their
 * highlighted snippets (Arabic and English, each in its own direction), facets by kind, source,
 * year and admin area — choosing one adds its filter to the query text, so the query always says
 * what is shown — the admin areas on the map, and searches saved with the user's account
 * (saved-searches.ts). Counts and facets come from the server already cut to the caller's
 * compartments; past the ranking window the total is a lower bound and says "at least".
 */
import { lazy, type ReactNode, Suspense, useCallback, useEffect, useState } from 'react';
import '../analysis/strings.js';
import './strings.js';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { FacetName, FacetValue, SearchHit, SearchResult } from '../api/types.js';
import { useSession } from '../auth/session.js';
import { useFormat } from '../i18n/format.js';
import { Link, usePath } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import {
  forgetSearch,
  loadSaved,
  moveDeviceSearches,
  type SavedSearch,
  saveSearch,
} from './saved-searches.js';
import { snippetParts } from './snippet.js';

const AdminMap = lazy(() => import('./admin-map.js'));

const PAGE = 20;
const FACETS: readonly FacetName[] = ['kind', 'source', 'year', 'admin1', 'admin2'];

/** filterFor is the query syntax that narrows to one facet value. */
export function filterFor(facet: FacetName, value: string): string {
  switch (facet) {
    case 'kind':
      return `kind:${value}`;
    case 'source':
      return /^[\p{L}\p{N}_-]+$/u.test(value) ? `source:${value}` : `source:"${value.replace(/"/g, '')}"`;
    case 'year':
      return `after:${value} before:${Number(value) + 1}`;
    default:
      return `place:${value}`;
  }
}

function queryFromUrl(): string {
  return new URLSearchParams(location.search).get('q') ?? '';
}

function Snippet({ text }: { text: string }) {
  return (
    <p className="snippet" dir="auto" translate="no">
      {snippetParts(text).map((p, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one snippet never move.
        p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>,
      )}
    </p>
  );
}

function Hit({ hit }: { hit: SearchHit }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <li className="hit" data-ern={hit.ern}>
      <h3>
        <Link href={`/evidence/${hit.ern}`}>
          <bdi translate="no">{hit.title}</bdi>
        </Link>
      </h3>
      <p className="muted">
        <span translate="no">{hit.ern}</span> · {t(`item.kind.${hit.kind}`, { defaultValue: hit.kind })} ·{' '}
        <bdi translate="no">{hit.source}</bdi> · {f.date(hit.date)}
      </p>
      {hit.snippet && <Snippet text={hit.snippet} />}
    </li>
  );
}

function FacetList({
  name,
  values,
  onPick,
}: {
  name: FacetName;
  values: readonly FacetValue[];
  onPick: (facet: FacetName, value: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  if (values.length === 0) return null;
  return (
    <section className="facet" aria-labelledby={`facet-${name}`} data-facet={name}>
      <h3 id={`facet-${name}`}>{t(`search.facet.${name}`)}</h3>
      <ul>
        {values.map((v) => {
          const label =
            name === 'kind'
              ? t(`item.kind.${v.value}`, { defaultValue: v.value })
              : ((i18n.language === 'ar' ? v.nameAr : v.name) ?? v.value);
          return (
            <li key={v.value}>
              <button type="button" className="link" onClick={() => onPick(name, v.value)}>
                {name === 'kind' ? label : <bdi translate="no">{label}</bdi>}
              </button>{' '}
              <span className="count">{f.number(v.count)}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function SyntaxHelp() {
  const { t } = useTranslation();
  const rows: [string, string][] = [
    ['convoy buses', 'both'],
    ['"front line"', 'phrase'],
    ['bakery OR bread', 'or'],
    ['convoy -aid', 'not'],
    ['evac*', 'prefix'],
    ['kind:document', 'kind'],
    ['source:"field team 3"', 'source'],
    ['place:SY02', 'place'],
    ['after:2016-12 before:2017', 'dates'],
    ['ern:ATT-000123', 'ern'],
  ];
  return (
    <details className="syntax">
      <summary>{t('search.syntax')}</summary>
      <table>
        <tbody>
          {rows.map(([q, k]) => (
            <tr key={k}>
              <td>
                <code translate="no">{q}</code>
              </td>
              <td>{t(`search.help.${k}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{t('search.help.arabic')}</p>
    </details>
  );
}

export default function SearchScreen() {
  const { t } = useTranslation();
  const f = useFormat();
  const { state } = useSession();
  const userId = state.status === 'signed-in' ? state.me.id : 'anonymous';
  const path = usePath();
  const [draft, setDraft] = useState(queryFromUrl);
  const [q, setQ] = useState(queryFromUrl);
  const [sort, setSort] = useState<'relevance' | 'date'>('relevance');
  const [result, setResult] = useState<SearchResult | null>(null);
  const [more, setMore] = useState<SearchHit[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [saved, setSaved] = useState<SavedSearch[]>([]);
  const [savedError, setSavedError] = useState<unknown>(null);
  const [moved, setMoved] = useState(0);
  const [saveName, setSaveName] = useState('');

  // The account's saved searches; any kept on this device by an older version move there first.
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const n = await moveDeviceSearches(userId);
        const list = await loadSaved();
        if (!live) return;
        setMoved(n);
        setSaved(list);
        setSavedError(null);
      } catch (err) {
        if (live) setSavedError(err);
      }
    })();
    return () => {
      live = false;
    };
  }, [userId]);

  const keep = async (name: string, query: string) => {
    try {
      await saveSearch(name, query, sort);
      setSaved(await loadSaved());
      setSavedError(null);
    } catch (err) {
      setSavedError(err);
    }
  };
  const forget = async (id: string) => {
    try {
      await forgetSearch(id);
      setSaved(await loadSaved());
      setSavedError(null);
    } catch (err) {
      setSavedError(err);
    }
  };
  const rerun = (s: SavedSearch) => {
    setSort(s.sort);
    submit(s.q);
  };

  // A link to /search?q=… (from an item's places) sets the query.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-read the address on navigation only.
  useEffect(() => {
    const fromUrl = queryFromUrl();
    setDraft(fromUrl);
    setQ(fromUrl);
  }, [path]);

  const run = useCallback(
    async (query: string, cursor: string | null) => {
      if (!query.trim()) {
        setResult(null);
        return;
      }
      setLoading(true);
      try {
        const params = new URLSearchParams({ q: query, limit: String(PAGE), sort });
        if (cursor) params.set('cursor', cursor);
        const page = await api<SearchResult>('GET', `/api/search?${params}`);
        if (cursor) {
          setMore((old) => [...old, ...page.results]);
          setResult((old) => (old ? { ...old, next: page.next } : page));
        } else {
          setResult(page);
          setMore([]);
        }
        setError(null);
      } catch (err) {
        setError(err);
        if (!cursor) setResult(null);
      } finally {
        setLoading(false);
      }
    },
    [sort],
  );

  // `runs` counts submissions: pressing Search again on the same query runs it again (new items).
  const [runs, setRuns] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `runs` is the trigger, not an input.
  useEffect(() => {
    void run(q, null);
    const url = q ? `/search?${new URLSearchParams({ q })}` : '/search';
    if (location.pathname + location.search !== url) history.replaceState(null, '', url);
  }, [q, run, runs]);

  const submit = (query: string) => {
    setDraft(query);
    setQ(query.trim());
    setRuns((n) => n + 1);
  };
  const pick = (facet: FacetName, value: string) => submit(`${q} ${filterFor(facet, value)}`.trim());

  let body: ReactNode = null;
  if (result) {
    const hits = [...result.results, ...more];
    body = (
      <div className="search-body">
        <aside className="facets" aria-label={t('search.facets')}>
          {(result.facets.admin1.length > 0 || result.facets.admin2.length > 0) && (
            <Suspense fallback={null}>
              <AdminMap
                areas={
                  result.facets.admin2.length > 0 && /place:SY\d\d\b/.test(q)
                    ? result.facets.admin2
                    : result.facets.admin1
                }
                onPick={(pcode) => pick('admin1', pcode)}
              />
            </Suspense>
          )}
          {FACETS.map((name) => (
            <FacetList key={name} name={name} values={result.facets[name]} onPick={pick} />
          ))}
        </aside>
        <section className="results" aria-labelledby="results-h">
          <h2 id="results-h" aria-live="polite" data-testid="total" data-exact={String(result.totalExact)}>
            {result.totalExact
              ? t('search.total', { n: f.number(result.total) })
              : t('savedSearch.totalAtLeast', { n: f.number(result.total) })}
          </h2>
          {hits.length === 0 ? (
            <p>{t('search.none')}</p>
          ) : (
            <ol className="hits" data-testid="hits">
              {hits.map((h) => (
                <Hit key={h.ern} hit={h} />
              ))}
            </ol>
          )}
          {result.next && (
            <button type="button" disabled={loading} onClick={() => void run(q, result.next)}>
              {t('evidence.more')}
            </button>
          )}
        </section>
      </div>
    );
  }

  return (
    <main id="main" className="search-page">
      <h1>{t('search.title')}</h1>
      <search>
        <form
          className="search-form"
          onSubmit={(e) => {
            e.preventDefault();
            submit(draft);
          }}
        >
          <label htmlFor="search-q" className="visually-hidden">
            {t('search.query')}
          </label>
          <input
            id="search-q"
            type="search"
            dir="auto"
            value={draft}
            maxLength={512}
            placeholder={t('search.placeholder')}
            onChange={(e) => setDraft(e.target.value)}
          />
          <label>
            {t('search.sort')}{' '}
            <select value={sort} onChange={(e) => setSort(e.target.value as 'relevance' | 'date')}>
              <option value="relevance">{t('search.relevance')}</option>
              <option value="date">{t('search.newest')}</option>
            </select>
          </label>
          <button type="submit" className="primary">
            {t('search.go')}
          </button>
        </form>
      </search>
      <SyntaxHelp />
      <ErrorMessage error={error} />
      {loading && <p role="status">{t('app.loading')}</p>}
      <section className="saved card" aria-labelledby="saved-h">
        <h2 id="saved-h">{t('search.saved')}</h2>
        <p className="muted">{t('savedSearch.onServer')}</p>
        {moved > 0 && <p role="status">{t('savedSearch.moved')}</p>}
        <span id="forget-label" hidden>
          {t('savedSearch.forget')}
        </span>
        <ErrorMessage error={savedError} />
        {saved.length > 0 && (
          <ul data-testid="saved">
            {saved.map((s) => (
              <li key={s.id}>
                <button type="button" className="link" onClick={() => rerun(s)}>
                  <bdi translate="no" id={`${s.id}-name`}>
                    {s.name}
                  </bdi>
                </button>{' '}
                <code translate="no" dir="auto">
                  {s.q}
                </code>{' '}
                {/* Named by reference: the saved search's name is data, the verb is UI text. */}
                <button
                  type="button"
                  aria-labelledby={`forget-label ${s.id}-name`}
                  onClick={() => void forget(s.id)}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        {q && (
          <form
            className="inline"
            onSubmit={(e) => {
              e.preventDefault();
              if (saveName.trim()) void keep(saveName, q);
              setSaveName('');
            }}
          >
            <label>
              {t('search.saveAs')}{' '}
              <input value={saveName} maxLength={100} onChange={(e) => setSaveName(e.target.value)} />
            </label>
            <button type="submit">{t('search.save')}</button>
          </form>
        )}
      </section>
      {body}
    </main>
  );
}
