/**
 * one-time-secret.tsx — a secret the server shows once (a password link, an API token): shown in
 * a read-only field with a copy button and a plain warning that it will not be shown again.
 */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.js';

export function OneTimeSecret({
  label,
  value,
  expiresAt,
}: {
  label: string;
  value: string;
  expiresAt?: string;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      (document.getElementById(id) as HTMLInputElement | null)?.select();
    }
  };
  return (
    <div className="secret stack" data-testid="one-time-secret">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input id={id} readOnly value={value} translate="no" dir="ltr" onFocus={(e) => e.target.select()} />
        <button type="button" onClick={() => void copy()}>
          {copied ? t('admin.copied') : t('admin.copy')}
        </button>
      </div>
      <p className="hint">
        {t('admin.shownOnce')}
        {expiresAt && ` ${t('admin.expires', { time: f.dateTime(expiresAt) })}`}
      </p>
    </div>
  );
}
