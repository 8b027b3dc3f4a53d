/**
 * status-control.tsx — a coordinator (ops:write) records a change of the operation's status with
 * its reason: the suspension when convoys stop, the resumption, the completion. The server checks
 * the transition (planned → active → suspended ⇄ resumed → completed) and keeps the history.
 */
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { ErrorMessage } from '../ui/error-message.js';
import { useLabel } from '../ui/labels.js';

/** NEXT lists the statuses an operation may take from each status (src/ops/operation-status.ts). */
const NEXT: Readonly<Record<string, readonly string[]>> = {
  planned: ['active', 'completed'],
  active: ['suspended', 'completed'],
  suspended: ['resumed', 'completed'],
  resumed: ['suspended', 'completed'],
  completed: [],
};

export function StatusControl({
  operationId,
  status,
  onChanged,
}: {
  operationId: string;
  status: string;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  const formId = useId();
  const next = NEXT[status] ?? [];
  const [to, setTo] = useState(next[0] ?? '');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (next.length === 0) return null;
  const chosen = next.includes(to) ? to : next[0]!;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/api/ops/operations/${encodeURIComponent(operationId)}/status`, {
        status: chosen,
        reason: reason.trim(),
      });
      setReason('');
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={submit} aria-labelledby={`${formId}-h`}>
      <h3 id={`${formId}-h`}>{t('dashboard.changeStatus')}</h3>
      <label className="field">
        {t('dashboard.newStatus')}
        <select value={chosen} onChange={(e) => setTo(e.target.value)}>
          {next.map((s) => (
            <option key={s} value={s}>
              {label('status', s)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        {t('dashboard.statusReason')}
        <textarea
          required={chosen === 'suspended'}
          maxLength={2000}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        {t('dashboard.recordStatus')}
      </button>
      <ErrorMessage error={error} />
    </form>
  );
}
