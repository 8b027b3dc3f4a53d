/** sign-in.tsx — username and password; a lock-out says how long to wait. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.js';
import { useSession } from '../auth/session.js';
import { ErrorMessage } from '../ui/error-message.js';

export function SignInScreen() {
  const { t } = useTranslation();
  const { login } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const params = new URLSearchParams(location.search);
  const justSetUp = params.get('setup') === 'done';
  const passwordSet = params.get('password') === 'set';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
      if (location.pathname === '/sign-in') history.replaceState(null, '', '/');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const failed = error instanceof ApiError && error.type === 'invalid-credentials';
  const locked = error instanceof ApiError && error.type === 'rate-limited';
  return (
    <main id="main" className="narrow">
      <h1>{t('signIn.title')}</h1>
      {justSetUp && <p role="status">{t('setup.done')}</p>}
      {passwordSet && <p role="status">{t('reset.done')}</p>}
      <form onSubmit={submit} className="stack">
        <label>
          {t('signIn.username')}
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label>
          {t('signIn.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {failed ? (
          <p className="error" role="alert">
            {t('signIn.failed')}
          </p>
        ) : locked ? (
          <p className="error" role="alert">
            {t('signIn.locked', { seconds: Number(error.extra.retryAfter ?? 60) })}
          </p>
        ) : (
          <ErrorMessage error={error} />
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
