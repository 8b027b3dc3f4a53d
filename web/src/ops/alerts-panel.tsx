/**
 * alerts-panel.tsx — an operation's alerts: unresolved before resolved, critical first, then
 * newest (attention.ts compareAlerts); each has an anchor the attention strip links to. Coordinators
 * (alerts:manage) acknowledge an alert or resolve it with a note; the list updates live.
 */
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { Alert, RoutePoint } from '../api/types.js';
import { useFormat } from '../i18n/format.js';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { useLabel } from '../ui/labels.js';
import { AlertText, useSubjectName } from './alert-text.js';
import { compareAlerts } from './attention.js';
import './strings.js';

interface AlertContext {
  /** The operation's route points, to name the places an alert mentions. */
  readonly points: readonly RoutePoint[];
  /** Names a (linked) operation by id. */
  readonly operationName: (id: string) => string;
}

function AlertItem({
  alert,
  canManage,
  onChanged,
  context,
}: {
  alert: Alert;
  canManage: boolean;
  onChanged: () => void;
  context: AlertContext;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  const f = useFormat();
  const noteId = useId();
  const [resolving, setResolving] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const act = async (path: string, body?: unknown) => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/api/ops/alerts/${encodeURIComponent(alert.id)}/${path}`, body ?? {});
      setResolving(false);
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const resolve = (e: FormEvent) => {
    e.preventDefault();
    void act('resolve', { note });
  };
  const subject = useSubjectName(context.points, context.operationName)(alert);

  return (
    <li
      id={`alert-${alert.id}`}
      className={`alert severity-${alert.severity} state-${alert.state}`}
      data-alert-kind={alert.kind}
    >
      <div className="alert-head">
        <span className={`badge severity-${alert.severity}`}>{label('severity', alert.severity)}</span>
        <strong>{label('alertKind', alert.kind)}</strong>
        <span className="badge">{label('alertState', alert.state)}</span>
      </div>
      {subject && (
        <p className="muted">
          {t('dashboard.subject', { subject: '' })}
          <bdi translate="no">{subject}</bdi>
        </p>
      )}
      <AlertText alert={alert} points={context.points} operationName={context.operationName} />
      {alert.kind === 'conflicting-reports' && canManage && alert.state !== 'resolved' && (
        <p>
          <Link
            href={`/operations/${encodeURIComponent(alert.operationId)}/conflicts`}
            data-testid="choose-version"
          >
            {t('alertAction.chooseVersion')}
          </Link>
        </p>
      )}
      <p className="muted">{t('dashboard.raisedAt', { time: f.dateTime(alert.raisedAt) })}</p>
      {alert.note && (
        <p>
          {t('dashboard.note', { note: '' })}
          <bdi translate="no">{alert.note}</bdi>
        </p>
      )}
      {canManage && alert.state !== 'resolved' && !resolving && (
        <div className="row">
          {alert.state === 'open' && (
            <button type="button" disabled={busy} onClick={() => void act('acknowledge')}>
              {t('dashboard.acknowledge')}
            </button>
          )}
          <button type="button" disabled={busy} onClick={() => setResolving(true)}>
            {t('dashboard.resolve')}
          </button>
        </div>
      )}
      {resolving && (
        <form className="stack" onSubmit={resolve}>
          <label htmlFor={noteId}>{t('dashboard.resolveNote')}</label>
          <textarea
            id={noteId}
            required
            maxLength={2000}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          <div className="row">
            <button type="submit" className="primary" disabled={busy}>
              {t('dashboard.resolveConfirm')}
            </button>
            <button type="button" onClick={() => setResolving(false)}>
              {t('dashboard.cancel')}
            </button>
          </div>
        </form>
      )}
      <ErrorMessage error={error} />
    </li>
  );
}

export function AlertsPanel({
  alerts,
  canManage,
  onChanged,
  points,
  operationName,
}: {
  alerts: readonly Alert[];
  canManage: boolean;
  onChanged: () => void;
} & AlertContext) {
  const { t } = useTranslation();
  const f = useFormat();
  const sorted = [...alerts].sort(compareAlerts);
  const open = alerts.filter((a) => a.state === 'open').length;
  return (
    <section className="panel" aria-labelledby="alerts-h">
      <h2 id="alerts-h">
        {t('dashboard.alerts')}{' '}
        <span className="badge">{t('dashboard.openAlerts', { n: f.number(open) })}</span>
      </h2>
      <div aria-live="polite" aria-relevant="additions text">
        {sorted.length === 0 ? (
          <p>{t('dashboard.noAlerts')}</p>
        ) : (
          <ul className="alerts" data-testid="alerts">
            {sorted.map((a) => (
              <AlertItem
                key={a.id}
                alert={a}
                canManage={canManage}
                onChanged={onChanged}
                context={{ points, operationName }}
              />
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
