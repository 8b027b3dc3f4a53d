/**
 * new-password.tsx — what the two pages that set a password share (first-run setup and the
 * one-time reset link): reading the one-time token from the URL fragment, and the password,
 * confirmation and mismatch fields. The server's rules decide what a good password is; these
 * fields only catch a typo before the token is spent.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The one-time token from `#token=…`. Fragments are never sent to servers; the value is
 * attacker-controlled (a crafted link), so it is bounded here and judged by the server.
 */
export function tokenFromFragment(): string | null {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  return token && token.length <= 200 ? token : null;
}

/** State of a new password and its confirmation; `confirmed()` says whether they match (and shows it). */
export function useNewPassword() {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const confirmed = () => {
    setMismatch(password !== confirm);
    return password === confirm;
  };
  return { password, confirm, mismatch, setPassword, setConfirm, confirmed };
}

export function NewPasswordFields({
  state,
  hintId,
}: {
  state: ReturnType<typeof useNewPassword>;
  hintId: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <label>
        {t('setup.password')}
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          aria-describedby={hintId}
          value={state.password}
          onChange={(e) => state.setPassword(e.target.value)}
        />
      </label>
      <p id={hintId} className="hint">
        {t('setup.passwordHint')}
      </p>
      <label>
        {t('setup.confirm')}
        <input
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
          value={state.confirm}
          onChange={(e) => state.setConfirm(e.target.value)}
        />
      </label>
      {state.mismatch && (
        <p role="alert" className="error">
          {t('setup.mismatch')}
        </p>
      )}
    </>
  );
}
