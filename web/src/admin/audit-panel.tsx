/**
 * audit-panel.tsx — the access audit (audit:read): sign-ins, password and account changes, token
 * use, every refusal. Filters by kind, outcome, actor and time go to the server as the query of
 * `GET /api/audit` (pages of 100, "more" follows `next`); the same filters export as CSV
 * (`GET /api/audit.csv`, RFC 4180, up to 100,000 rows).
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { can, useSession } from '../auth/session.js';
import { useFormat } from '../i18n/format.js';
import { ErrorMessage } from '../ui/error-message.js';
import { DownloadIcon } from '../ui/icons.js';
import { TableScroll } from '../ui/table-scroll.js';
import type { AccessEvent, AdminUser } from './admin-types.js';

/** KINDS are the access event kinds (src/access/audit.ts AccessEventKind). */
const KINDS = [
  'login',
  'logout',
  'logout-everywhere',
  'setup',
  'setup-link',
  'password-change',
  'password-reset',
  'reset-link',
  'user-create',
  'user-disable',
  'grant',
  'revoke-grant',
  'token-create',
  'token-revoke',
  'token-failed',
  'denied',
  'signature-rejected',
] as const;

interface Filters {
  readonly kind: string;
  readonly outcome: string;
  readonly actor: string;
  readonly since: string;
  readonly until: string;
}

const EMPTY: Filters = { kind: '', outcome: '', actor: '', since: '', until: '' };

/** queryOf turns the form's filters into the API's query (datetime-local is read in the viewer's zone). */
export function queryOf(f: Filters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.kind) q.set('kind', f.kind);
  if (/^[a-z0-9-]{1,40}$/.test(f.outcome.trim())) q.set('outcome', f.outcome.trim());
  if (f.actor) q.set('actor', f.actor);
  for (const k of ['since', 'until'] as const) {
    const ms = f[k] ? Date.parse(f[k]) : Number.NaN;
    if (!Number.isNaN(ms)) q.set(k, new Date(ms).toISOString());
  }
  return q;
}

export function AuditPanel() {
  const { t } = useTranslation();
  const f = useFormat();
  const { state } = useSession();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [events, setEvents] = useState<AccessEvent[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [users, setUsers] = useState<ReadonlyMap<string, string>>(new Map());

  // Usernames for the actor column and filter, when the caller may list users.
  const canListUsers = can(state, 'users:admin');
  useEffect(() => {
    if (!canListUsers) return;
    api<{ users: AdminUser[] }>('GET', '/api/admin/users').then(
      (r) => setUsers(new Map(r.users.map((u) => [u.id, u.username]))),
      () => undefined,
    );
  }, [canListUsers]);

  const load = useCallback(async (query: Filters, after: number | null) => {
    try {
      const q = queryOf(query);
      q.set('limit', '100');
      if (after !== null) q.set('after', String(after));
      const page = await api<{ events: AccessEvent[]; next: number | null }>('GET', `/api/audit?${q}`);
      setEvents((old) => (after === null ? page.events : [...old, ...page.events]));
      setNext(page.next);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);

  useEffect(() => {
    void load(filters, null);
  }, [filters, load]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters(draft);
  };
  const set = (k: keyof Filters) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [k]: e.target.value }));
  const who = (id: string | null) => (id ? (users.get(id) ?? id) : '—');
  const csv = `/api/audit.csv?${queryOf(filters)}`;

  return (
    <section className="panel" aria-labelledby="audit-h">
      <h2 id="audit-h">{t('admin.audit')}</h2>
      <form className="stack" onSubmit={apply} aria-label={t('admin.filters')}>
        <div className="form-row">
          <label>
            {t('admin.kind')}
            <select name="kind" value={draft.kind} onChange={set('kind')}>
              <option value="">{t('admin.any')}</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`auditKind.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('admin.outcome')}
            <input name="outcome" maxLength={40} value={draft.outcome} onChange={set('outcome')} />
          </label>
          {/* biome-ignore lint/a11y/noLabelWithoutControl: the control is inside (a select or an input). */}
          <label>
            {t('admin.actor')}
            {users.size > 0 ? (
              <select name="actor" value={draft.actor} onChange={set('actor')}>
                <option value="">{t('admin.any')}</option>
                {[...users].map(([id, name]) => (
                  <option key={id} value={id} translate="no">
                    {name}
                  </option>
                ))}
              </select>
            ) : (
              <input name="actor" maxLength={36} value={draft.actor} onChange={set('actor')} />
            )}
          </label>
          <label>
            {t('admin.since')}
            <input name="since" type="datetime-local" value={draft.since} onChange={set('since')} />
          </label>
          <label>
            {t('admin.until')}
            <input name="until" type="datetime-local" value={draft.until} onChange={set('until')} />
          </label>
        </div>
        <div className="row">
          <button type="submit" className="primary">
            {t('admin.applyFilters')}
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
            }}
          >
            {t('admin.clearFilters')}
          </button>
          <a className="button" href={csv} download data-testid="audit-csv">
            <DownloadIcon /> {t('admin.exportCsv')}
          </a>
        </div>
      </form>
      <ErrorMessage error={error} />
      {events.length === 0 ? (
        <p>{t('admin.noEvents')}</p>
      ) : (
        <TableScroll name={t('admin.audit')}>
          <table data-testid="audit">
            <thead>
              <tr>
                <th scope="col">{t('admin.time')}</th>
                <th scope="col">{t('admin.kind')}</th>
                <th scope="col">{t('admin.outcome')}</th>
                <th scope="col">{t('admin.actor')}</th>
                <th scope="col">{t('admin.target')}</th>
                <th scope="col">{t('admin.route')}</th>
                <th scope="col">{t('admin.httpStatus')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.seq} data-kind={e.kind}>
                  <td>{f.dateTime(e.at)}</td>
                  <td>{i18nKind(t, e.kind)}</td>
                  <td>
                    <bdi translate="no">{e.outcome}</bdi>
                  </td>
                  <td>
                    <bdi translate="no">{who(e.actor_id)}</bdi>
                  </td>
                  <td>
                    <bdi translate="no">{who(e.target_id)}</bdi>
                  </td>
                  <td>
                    <bdi translate="no" dir="ltr">
                      {e.method ? `${e.method} ${e.route ?? ''}` : '—'}
                    </bdi>
                  </td>
                  <td className="num">{e.status ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {next !== null && (
        <button type="button" onClick={() => void load(filters, next)}>
          {t('evidence.more')}
        </button>
      )}
    </section>
  );
}

function i18nKind(t: (k: string) => string, kind: string): string {
  return (KINDS as readonly string[]).includes(kind) ? t(`auditKind.${kind}`) : kind;
}
