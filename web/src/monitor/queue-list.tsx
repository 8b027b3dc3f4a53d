/**
 * queue-list.tsx — the device's observations, newest first, each named by what it was about (kind,
 * point, vehicles, people) and its state. One still queued can be discarded before it is sent
 * (a mistaken vehicle or count): it was signed on this device only, so nothing else holds it.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCount, useFormat } from '../i18n/format.js';
import { ConfirmButton } from '../ui/confirm-button.js';
import type { QueuedObservation } from './db.js';
import { discard, requeue } from './sync.js';

/** MARKINGS_SHOWN markings are listed per observation; the rest are counted. */
const MARKINGS_SHOWN = 6;

export function QueueList({ items }: { items: readonly QueuedObservation[] }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const count = useCount();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [gone, setGone] = useState<string | null>(null);
  const pending = items.filter((q) => q.state === 'queued' || q.state === 'sent').length;

  const drop = async (clientId: string) => {
    setConfirming(null);
    // A sync may have claimed it meanwhile: then it is on its way and the server decides.
    if (!(await discard(clientId))) setGone(clientId);
  };

  return (
    <section aria-labelledby="queue-h">
      <h2 id="queue-h">
        {t('monitor.queue')}{' '}
        {pending > 0 && <span className="badge state-queued">{count('observations', pending)}</span>}
      </h2>
      {items.length === 0 ? (
        <p>{t('monitor.queueEmpty')}</p>
      ) : (
        <ul className="queue" data-testid="queue">
          {items.map((q) => {
            const labels = q.labels;
            const point = labels
              ? i18n.language === 'ar' && labels.pointAr
                ? labels.pointAr
                : labels.point
              : q.body.routePointId;
            const markings = labels?.markings ?? q.body.vehicleIds;
            return (
              <li key={q.clientId} className={`queue-item state-${q.state}`} data-state={q.state}>
                <p className="queue-head">
                  <span className={`badge state-${q.state}`}>{t(`monitor.state.${q.state}`)}</span>{' '}
                  <strong>{t(`observationKind.${q.body.kind}`)}</strong> ·{' '}
                  <bdi translate="no" data-testid="queue-point">
                    {point}
                  </bdi>
                </p>
                <p className="queue-vehicles" data-testid="queue-vehicles">
                  {markings.slice(0, MARKINGS_SHOWN).map((m, i) => (
                    <span key={m}>
                      {i > 0 && ' · '}
                      <bdi translate="no">{m}</bdi>
                    </span>
                  ))}
                  {markings.length > MARKINGS_SHOWN &&
                    ` ${t('monitor.andMore', { vehicles: count('vehicles', markings.length - MARKINGS_SHOWN) })}`}
                </p>
                <p className="muted">
                  {q.body.headcount !== null && <>{count('people', q.body.headcount)} · </>}
                  <time dateTime={q.body.deviceTime}>{f.dateTime(q.body.deviceTime)}</time>
                </p>
                {q.state === 'queued' && (
                  <ConfirmButton
                    asking={confirming === q.clientId}
                    label={t('monitor.discard')}
                    confirmLabel={t('monitor.discardConfirm')}
                    onAsk={() => setConfirming(q.clientId)}
                    onCancel={() => setConfirming(null)}
                    onConfirm={() => void drop(q.clientId)}
                  />
                )}
                {gone === q.clientId && q.state !== 'queued' && (
                  <p className="muted">{t('monitor.alreadySending')}</p>
                )}
                {q.state === 'rejected' && (
                  <>
                    <p className="error">
                      {t('monitor.reason', { reason: '' })}
                      <bdi translate="no">{q.reason}</bdi>
                    </p>
                    <button type="button" onClick={() => void requeue(q.clientId)}>
                      {t('monitor.retry')}
                    </button>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
