/**
 * device-name.tsx — the monitor names this phone before its key is registered ("Omar's phone, blue
 * case"), so that the list of devices tells two phones apart when one is lost. Unnamed, a device
 * is registered as its kind, browser and key fingerprint (device-key.ts defaultDeviceLabel).
 */
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { db } from './db.js';
import { defaultDeviceLabel, deviceKey, LABEL_MAX, setDeviceLabel } from './device-key.js';

/** `version` changes when the queue sends something (the first send registers the key). */
export function DeviceName({ version }: { version: number }) {
  const { t } = useTranslation();
  const id = useId();
  const [label, setLabel] = useState('');
  const [fallback, setFallback] = useState('');
  const [registered, setRegistered] = useState<boolean | null>(null);
  const [saved, setSaved] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-read the key when the queue sends (it may have registered).
  useEffect(() => {
    let stop = false;
    void (async () => {
      const key = await deviceKey();
      const auto = await defaultDeviceLabel(key.publicKey);
      const now = await db.device.get('device');
      if (stop) return;
      setFallback(auto);
      setLabel((l) => l || now?.label || '');
      setRegistered(Boolean(now?.deviceKeyId));
    })().catch(() => undefined);
    return () => {
      stop = true;
    };
  }, [version]);

  if (registered === null) return null;
  if (registered) return null;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    await setDeviceLabel(label);
    setSaved(true);
  };
  return (
    <form className="stack device-name" onSubmit={save} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('monitor.nameDevice')}</h2>
      <label className="field">
        {t('monitor.deviceName')}
        <input
          name="device-name"
          maxLength={LABEL_MAX}
          autoComplete="off"
          placeholder={fallback}
          translate="no"
          aria-describedby={`${id}-hint`}
          value={label}
          onChange={(e) => {
            setLabel(e.target.value);
            setSaved(false);
          }}
        />
      </label>
      <p id={`${id}-hint`} className="hint">
        {t('monitor.deviceNameHint')}
      </p>
      <div className="row">
        <button type="submit" disabled={label.trim() === ''}>
          {t('monitor.saveName')}
        </button>
        {saved && <span role="status">{t('monitor.nameSaved')}</span>}
      </div>
    </form>
  );
}
