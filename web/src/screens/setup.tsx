/**
 * setup.tsx — first-run administrator setup. The one-time token arrives in the URL fragment
 * (`/setup#token=…`, never sent to the server in a request line or logged); it is read once and
 * removed from the address bar.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { NewPasswordFields, tokenFromFragment, useNewPassword } from '../auth/new-password.js';
import { Link, navigate } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';

export function SetupScreen() {
  const { t } = useTranslation();
  const [token] = useState(tokenFromFragment);
  const [needed, setNeeded] = useState<boolean | null>(null);
  const [username, setUsername] = useState('');
  const newPassword = useNewPassword();
  const [error, setError] = useState<unknown>(null);
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
    if (!newPassword.confirmed() || !token) return;
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/setup', { token, username, password: newPassword.password });
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
          <NewPasswordFields state={newPassword} hintId="password-hint" />
          <ErrorMessage error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {t('setup.submit')}
          </button>
        </form>
      )}
    </main>
  );
}
