/**
 * setup.tsx — first-run administrator setup. The one-time token arrives in the URL fragment
 * (`/setup#token=…`, never sent to the server in a request line or logged); it is read once and
 * removed from the address bar.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { Link, navigate } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';

function tokenFromFragment(): string | null {
  const params = new URLSearchParams(location.hash.slice(1));
  return params.get('token');
}

export function SetupScreen() {
  const { t } = useTranslation();
  const [token] = useState(tokenFromFragment);
  const [needed, setNeeded] = useState<boolean | null>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (location.hash) history.replaceState(null, '', location.pathname);
    api<{ needed: boolean }>('GET', '/api/setup').then(
      (r) => setNeeded(r.needed),
      (err) => setError(err),
    );
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMismatch(password !== confirm);
    if (password !== confirm || !token) return;
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/setup', { token, username, password });
      navigate('/sign-in?setup=done', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="narrow">
      <h1>{t('setup.title')}</h1>
      {needed === false ? (
        <p>
          {t('setup.notNeeded')} <Link href="/sign-in">{t('signIn.title')}</Link>
        </p>
      ) : !token ? (
        <p role="alert">{t('setup.noToken')}</p>
      ) : (
        <form onSubmit={submit} className="stack">
          <p>{t('setup.intro')}</p>
          <label>
            {t('setup.username')}
            <input
              name="username"
              autoComplete="username"
              required
              pattern="[a-z0-9][a-z0-9._\-]{1,62}"
              aria-describedby="username-hint"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </label>
          <p id="username-hint" className="hint">
            {t('setup.usernameHint')}
          </p>
          <label>
            {t('setup.password')}
            <input
              name="password"
              type="password"
              autoComplete="new-password"
              required
              minLength={12}
              aria-describedby="password-hint"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <p id="password-hint" className="hint">
            {t('setup.passwordHint')}
          </p>
          <label>
            {t('setup.confirm')}
            <input
              name="confirm"
              type="password"
              autoComplete="new-password"
              required
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
            />
          </label>
          {mismatch && (
            <p role="alert" className="error">
              {t('setup.mismatch')}
            </p>
          )}
          <ErrorMessage error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {t('setup.submit')}
          </button>
        </form>
      )}
    </main>
  );
}
