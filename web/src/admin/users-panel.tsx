/**
 * users-panel.tsx — user administration (users:admin) through the access API: create a user with
 * a first role (the server answers with a one-time password link), grant and revoke roles per
 * compartment, issue a new password link, disable an account. The server enforces every rule
 * (the last admin stays, usernames, compartments); its refusals are shown in the reader's language.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { useFormat } from '../i18n/format.js';
import { ErrorMessage } from '../ui/error-message.js';
import { GrantText } from '../ui/grant-text.js';
import { TableScroll } from '../ui/table-scroll.js';
import { type AdminUser, COMPARTMENT, type PasswordLink, ROLES, USERNAME } from './admin-types.js';
import { OneTimeSecret } from './one-time-secret.js';

/** linkUrl is the full address of a password page (the token stays in the fragment). */
const linkUrl = (link: PasswordLink) => `${location.origin}${link.passwordPath}`;

function RoleSelect({
  value,
  onChange,
  name,
}: {
  value: string;
  onChange: (v: string) => void;
  name: string;
}) {
  const { t } = useTranslation();
  return (
    <select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`roles.${r}`)}
        </option>
      ))}
    </select>
  );
}

function CreateUser({ onCreated }: { onCreated: (link: PasswordLink, username: string) => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<string>('monitor');
  const [compartment, setCompartment] = useState('*');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ link: PasswordLink }>('POST', '/api/admin/users', {
        username,
        role,
        compartment,
      });
      onCreated(res.link, username);
      setUsername('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stack panel" onSubmit={submit} aria-labelledby="new-user-h">
      <h2 id="new-user-h">{t('admin.newUser')}</h2>
      <div className="form-row">
        <label>
          {t('setup.username')}
          <input
            name="new-username"
            required
            autoComplete="off"
            pattern={USERNAME}
            maxLength={63}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        {/* biome-ignore lint/a11y/noLabelWithoutControl: the control is inside (a select or an input). */}
        <label>
          {t('admin.role')}
          <RoleSelect name="new-role" value={role} onChange={setRole} />
        </label>
        <label>
          {t('admin.compartment')}
          <input
            name="new-compartment"
            required
            pattern={COMPARTMENT}
            maxLength={63}
            value={compartment}
            onChange={(e) => setCompartment(e.target.value)}
          />
        </label>
      </div>
      <p className="hint">{t('admin.compartmentHint')}</p>
      <ErrorMessage error={error} />
      <div>
        <button type="submit" className="primary" disabled={busy}>
          {t('admin.createUser')}
        </button>
      </div>
    </form>
  );
}

function UserRow({
  user,
  onChanged,
  onLink,
}: {
  user: AdminUser;
  onChanged: () => void;
  onLink: (link: PasswordLink, username: string) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const [role, setRole] = useState<string>('coordinator');
  const [compartment, setCompartment] = useState('*');
  const [adding, setAdding] = useState(false);
  const [confirmDisable, setConfirmDisable] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const base = `/api/admin/users/${encodeURIComponent(user.id)}`;

  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const grant = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api('POST', `${base}/grants`, { role, compartment });
      setAdding(false);
    });
  };

  return (
    <tr data-user={user.username}>
      <th scope="row">
        <bdi translate="no">{user.username}</bdi>
      </th>
      <td>
        <ul className="grants">
          {user.grants.map((g) => (
            <li key={`${g.role}/${g.compartment}`}>
              <GrantText role={g.role} compartment={g.compartment} />{' '}
              {!user.disabled && (
                <button
                  type="button"
                  className="small"
                  aria-label={t('admin.removeRole')}
                  onClick={() =>
                    void run(() =>
                      api(
                        'DELETE',
                        `${base}/grants/${encodeURIComponent(g.role)}/${encodeURIComponent(g.compartment)}`,
                      ),
                    )
                  }
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
        {!user.disabled &&
          (adding ? (
            <form className="row" onSubmit={grant}>
              {/* biome-ignore lint/a11y/noLabelWithoutControl: the control is inside (a select). */}
              <label>
                {t('admin.role')}
                <RoleSelect name="grant-role" value={role} onChange={setRole} />
              </label>
              <label>
                {t('admin.compartment')}
                <input
                  name="grant-compartment"
                  required
                  pattern={COMPARTMENT}
                  maxLength={63}
                  value={compartment}
                  onChange={(e) => setCompartment(e.target.value)}
                />
              </label>
              <button type="submit" className="primary">
                {t('admin.grant')}
              </button>
              <button type="button" onClick={() => setAdding(false)}>
                {t('dashboard.cancel')}
              </button>
            </form>
          ) : (
            <button type="button" className="small" onClick={() => setAdding(true)}>
              {t('admin.addRole')}
            </button>
          ))}
      </td>
      <td>
        {user.disabled
          ? t('admin.disabled')
          : user.hasPassword
            ? t('admin.active')
            : t('admin.awaitingPassword')}
        <br />
        <span className="muted">{f.date(user.createdAt)}</span>
      </td>
      <td>
        {!user.disabled && (
          <div className="stack">
            <button
              type="button"
              onClick={() =>
                void run(async () => {
                  const link = await api<PasswordLink>('POST', `${base}/password-link`);
                  onLink(link, user.username);
                })
              }
            >
              {t('admin.passwordLink')}
            </button>
            {confirmDisable ? (
              <div className="row">
                <button
                  type="button"
                  className="danger"
                  onClick={() => void run(() => api('POST', `${base}/disable`))}
                >
                  {t('admin.disableConfirm')}
                </button>
                <button type="button" onClick={() => setConfirmDisable(false)}>
                  {t('dashboard.cancel')}
                </button>
              </div>
            ) : (
              <button type="button" onClick={() => setConfirmDisable(true)}>
                {t('admin.disable')}
              </button>
            )}
          </div>
        )}
        <ErrorMessage error={error} />
      </td>
    </tr>
  );
}

export function UsersPanel() {
  const { t } = useTranslation();
  const { data, error, reload } = useApi<{ users: AdminUser[] }>('/api/admin/users');
  const [link, setLink] = useState<{ link: PasswordLink; username: string } | null>(null);
  const show = (l: PasswordLink, username: string) => {
    setLink({ link: l, username });
    void reload();
  };
  return (
    <>
      <CreateUser onCreated={show} />
      {link && (
        <section className="panel" aria-live="polite">
          <OneTimeSecret
            label={t('admin.linkFor', { name: link.username })}
            value={linkUrl(link.link)}
            expiresAt={link.link.expiresAt}
          />
        </section>
      )}
      <section className="panel" aria-labelledby="users-h">
        <h2 id="users-h">{t('admin.users')}</h2>
        <ErrorMessage error={error} />
        {data && (
          <TableScroll name={t('admin.users')}>
            <table data-testid="users">
              <thead>
                <tr>
                  <th scope="col">{t('setup.username')}</th>
                  <th scope="col">{t('nav.roles')}</th>
                  <th scope="col">{t('admin.status')}</th>
                  <th scope="col">{t('admin.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {data.users.map((u) => (
                  <UserRow key={u.id} user={u} onChanged={() => void reload()} onLink={show} />
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
    </>
  );
}
