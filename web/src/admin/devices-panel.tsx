/**
 * devices-panel.tsx — every monitor's device keys (users:admin), so that an administrator can cut
 * off a lost or seized phone when its monitor cannot: revoked, its signatures are refused from then
 * on; observations it signed before stay, with their signatures.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { useApi } from '../api/use-api.js';
import { useFormat } from '../i18n/format.js';
import { ConfirmButton } from '../ui/confirm-button.js';
import { ErrorMessage } from '../ui/error-message.js';
import { TableScroll } from '../ui/table-scroll.js';
import type { AdminDeviceKey, AdminUser } from './admin-types.js';

export function DevicesPanel() {
  const { t } = useTranslation();
  const f = useFormat();
  const devices = useApi<{ devices: AdminDeviceKey[] }>('/api/admin/device-keys');
  const users = useApi<{ users: AdminUser[] }>('/api/admin/users');
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const names = new Map((users.data?.users ?? []).map((u) => [u.id, u.username]));

  const revoke = async (id: string) => {
    setError(null);
    try {
      await api('POST', `/api/admin/device-keys/${encodeURIComponent(id)}/revoke`);
      setConfirming(null);
      await devices.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="panel" aria-labelledby="devices-admin-h">
      <h2 id="devices-admin-h">{t('admin.devices')}</h2>
      <ErrorMessage error={devices.error ?? error} />
      {devices.data && devices.data.devices.length === 0 && <p>{t('monitor.noDevices')}</p>}
      {devices.data && devices.data.devices.length > 0 && (
        <TableScroll name={t('admin.devices')}>
          <table data-testid="device-keys">
            <thead>
              <tr>
                <th scope="col">{t('admin.deviceLabel')}</th>
                <th scope="col">{t('admin.owner')}</th>
                <th scope="col">{t('admin.registered')}</th>
                <th scope="col">{t('admin.status')}</th>
              </tr>
            </thead>
            <tbody>
              {devices.data.devices.map((d) => (
                <tr key={d.id} data-device={d.id}>
                  <th scope="row">
                    <bdi translate="no">{d.label}</bdi>
                  </th>
                  <td>
                    <bdi translate="no">{names.get(d.userId) ?? d.userId}</bdi>
                  </td>
                  <td>{f.dateTime(d.createdAt)}</td>
                  <td>
                    {d.revokedAt ? (
                      t('monitor.revokedAt', { time: f.dateTime(d.revokedAt) })
                    ) : (
                      <ConfirmButton
                        asking={confirming === d.id}
                        label={t('monitor.revoke')}
                        confirmLabel={t('monitor.revokeConfirm')}
                        onAsk={() => setConfirming(d.id)}
                        onCancel={() => setConfirming(null)}
                        onConfirm={() => void revoke(d.id)}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
