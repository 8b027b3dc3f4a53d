/**
 * reset-password.tsx — the page a one-time password link opens (`/reset#token=…`, made by
 * `attest user add`, `attest user reset` or an administrator in the app): the user chooses a
 * password. The token rides in the URL fragment, which browsers never send to servers; it is read
 * once, removed from the address bar and posted in a JSON body (`POST /api/password-reset`).
 * The server's rules decide (length, common passwords, not the username); its refusal is shown in
 * the reader's language.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client.js';
import { NewPasswordFields, tokenFromFragment, useNewPassword } from '../auth/new-password.js';
import { useSession } from '../auth/session.js';
import { Link, navigate } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';

export function ResetPasswordScreen() {
  const { t } = useTranslation();
  const { state, logout } = useSession();
  const [token] = useState(tokenFromFragment);
  const newPassword = useNewPassword();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (location.hash) history.replaceState(null, '', location.pathname);
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!newPassword.confirmed() || !token) return;
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/password-reset', { token, password: newPassword.password });
      // Someone else may be signed in on this browser: the new password is for the link's user.
      if (state.status === 'signed-in') await logout().catch(() => undefined);
      navigate('/sign-in?password=set', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const code = error instanceof ApiError ? error.type : null;
  return (
    <main id="main" className="narrow">
      <h1>{t('reset.title')}</h1>
      {!token ? (
        <p role="alert">
          {t('reset.noToken')} <Link href="/sign-in">{t('signIn.title')}</Link>
        </p>
      ) : (
        <form onSubmit={submit} className="stack">
          <p>{t('reset.intro')}</p>
          <NewPasswordFields state={newPassword} hintId="reset-hint" />
          {code === 'invalid-link' ? (
            <p role="alert" className="error" data-testid="reset-error">
              {t('reset.invalidLink')}
            </p>
          ) : code === 'weak-password' ? (
            <p role="alert" className="error" data-testid="reset-error">
              {t('reset.weak')}{' '}
              {(error as ApiError).detail && (
                <span lang="en" dir="ltr" translate="no">
                  ({(error as ApiError).detail})
                </span>
              )}
            </p>
          ) : (
            <ErrorMessage error={error} />
          )}
          <button type="submit" className="primary" disabled={busy}>
            {t('reset.submit')}
          </button>
        </form>
      )}
    </main>
  );
}
