/**
 * tokens-panel.tsx — the signed-in user's API tokens (for scripts): create one with a role and
 * compartments it cannot exceed (the server refuses more than the user holds), see when each was
 * last used, revoke one. The token itself is shown once.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { useSession } from '../auth/session.js';
import { useFormat } from '../i18n/format.js';
import { ErrorMessage } from '../ui/error-message.js';
import { TableScroll } from '../ui/table-scroll.js';
import type { ApiToken } from './admin-types.js';
import { OneTimeSecret } from './one-time-secret.js';

export function TokensPanel() {
  const { t } = useTranslation();
  const f = useFormat();
  const { state } = useSession();
  const roles = state.status === 'signed-in' ? [...new Set(state.me.grants.map((g) => g.role))] : [];
  const { data, error, reload } = useApi<{ tokens: ApiToken[] }>('/api/tokens');
  const [name, setName] = useState('');
  const [role, setRole] = useState(roles[0] ?? '');
  const [compartments, setCompartments] = useState('*');
  const [days, setDays] = useState('90');
  const [created, setCreated] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setActionError(null);
    try {
      const res = await api<{ token: string }>('POST', '/api/tokens', {
        name: name.trim(),
        role,
        compartments: compartments
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean),
        expiresInDays: Number(days),
      });
      setCreated(res.token);
      setName('');
      await reload();
    } catch (err) {
      setActionError(err);
    }
  };
  const revoke = async (id: string) => {
    setActionError(null);
    try {
      await api('DELETE', `/api/tokens/${encodeURIComponent(id)}`);
      await reload();
    } catch (err) {
      setActionError(err);
    }
  };

  return (
    <>
      <form className="stack panel" onSubmit={create} aria-labelledby="new-token-h">
        <h2 id="new-token-h">{t('admin.newToken')}</h2>
        <div className="form-row">
          <label>
            {t('admin.tokenName')}
            <input
              name="token-name"
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          <label>
            {t('admin.role')}
            <select name="token-role" value={role} onChange={(e) => setRole(e.target.value)}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`roles.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('admin.compartments')}
            <input
              name="token-compartments"
              required
              value={compartments}
              onChange={(e) => setCompartments(e.target.value)}
            />
          </label>
          <label>
            {t('admin.days')}
            <input
              name="token-days"
              type="number"
              min={1}
              max={365}
              required
              value={days}
              onChange={(e) => setDays(e.target.value)}
            />
          </label>
        </div>
        <p className="hint">{t('admin.tokenHint')}</p>
        <div>
          <button type="submit" className="primary">
            {t('admin.createToken')}
          </button>
        </div>
        {created && <OneTimeSecret label={t('admin.tokenCreated')} value={created} />}
        <ErrorMessage error={actionError} />
      </form>
      <section className="panel" aria-labelledby="tokens-h">
        <h2 id="tokens-h">{t('admin.tokens')}</h2>
        <ErrorMessage error={error} />
        {data && data.tokens.length === 0 && <p>{t('admin.noTokens')}</p>}
        {data && data.tokens.length > 0 && (
          <TableScroll name={t('admin.tokens')}>
            <table data-testid="tokens">
              <thead>
                <tr>
                  <th scope="col">{t('admin.tokenName')}</th>
                  <th scope="col">{t('admin.role')}</th>
                  <th scope="col">{t('admin.compartments')}</th>
                  <th scope="col">{t('admin.expiresAt')}</th>
                  <th scope="col">{t('admin.lastUsed')}</th>
                  <th scope="col">{t('admin.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {data.tokens.map((k) => (
                  <tr key={k.id} data-token={k.name}>
                    <th scope="row">
                      <bdi translate="no">{k.name}</bdi>
                    </th>
                    <td>{t(`roles.${k.role}`)}</td>
                    <td>
                      <bdi translate="no">{k.compartments.join(', ')}</bdi>
                    </td>
                    <td>{f.dateTime(k.expiresAt)}</td>
                    <td>{k.lastUsedAt ? f.dateTime(k.lastUsedAt) : t('admin.never')}</td>
                    <td>
                      {k.revoked ? (
                        t('admin.revoked')
                      ) : (
                        <button type="button" onClick={() => void revoke(k.id)}>
                          {t('admin.revoke')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
    </>
  );
}
