/**
 * device-list.tsx — the monitor's registered devices, so that a lost or seized phone can be cut
 * off from another one: its key is revoked on the server and its signatures are refused from then
 * on (a revoked key can never be registered again). This device is marked and cannot revoke itself.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { useFormat } from '../i18n/format.js';
import { ConfirmButton } from '../ui/confirm-button.js';
import { ErrorMessage } from '../ui/error-message.js';
import { db } from './db.js';

interface DeviceView {
  readonly id: string;
  readonly label: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** `version` changes when the queue sends something (the first send registers this device). */
export function DeviceList({ online, version }: { online: boolean; version: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [devices, setDevices] = useState<readonly DeviceView[] | null>(null);
  const [thisDevice, setThisDevice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      const [list, local] = await Promise.all([
        api<{ devices: DeviceView[] }>('GET', '/api/ops/devices'),
        db.device.get('device'),
      ]);
      setDevices(list.devices);
      setThisDevice(local?.deviceKeyId ?? null);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);

  useEffect(() => {
    if (online && version >= 0) void load();
  }, [online, version, load]);

  const revoke = async (id: string) => {
    try {
      await api('DELETE', `/api/ops/devices/${encodeURIComponent(id)}`);
      setConfirming(null);
      await load();
    } catch (err) {
      setError(err);
    }
  };

  if (!online || devices === null) return null;
  return (
    <section aria-labelledby="devices-h">
      <h2 id="devices-h">{t('monitor.devices')}</h2>
      <ErrorMessage error={error} />
      {devices.length === 0 ? (
        <p>{t('monitor.noDevices')}</p>
      ) : (
        <ul className="queue" data-testid="devices">
          {devices.map((d) => (
            <li key={d.id} className="queue-item" data-device-id={d.id}>
              <bdi translate="no">{d.label}</bdi> ·{' '}
              {t('monitor.registered', { time: f.dateTime(d.createdAt) })}
              {d.id === thisDevice && <span className="badge"> {t('monitor.thisDevice')}</span>}
              {d.revokedAt ? (
                <p className="muted">{t('monitor.revokedAt', { time: f.dateTime(d.revokedAt) })}</p>
              ) : (
                d.id !== thisDevice && (
                  <ConfirmButton
                    asking={confirming === d.id}
                    label={t('monitor.revoke')}
                    confirmLabel={t('monitor.revokeConfirm')}
                    onAsk={() => setConfirming(d.id)}
                    onCancel={() => setConfirming(null)}
                    onConfirm={() => void revoke(d.id)}
                  />
                )
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
