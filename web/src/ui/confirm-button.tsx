/**
 * confirm-button.tsx — a destructive action in two presses (revoke a device, discard a queued
 * observation): the first asks, the second does it, Cancel backs out. The parent holds which row
 * is asking, so that only one is at a time.
 */
import { useTranslation } from 'react-i18next';

export function ConfirmButton(props: {
  asking: boolean;
  label: string;
  confirmLabel: string;
  onAsk: () => void;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { t } = useTranslation();
  return props.asking ? (
    <div className="row">
      <button type="button" className="danger" onClick={props.onConfirm}>
        {props.confirmLabel}
      </button>
      <button type="button" onClick={props.onCancel}>
        {t('dashboard.cancel')}
      </button>
    </div>
  ) : (
    <div className="row">
      <button type="button" onClick={props.onAsk}>
        {props.label}
      </button>
    </div>
  );
}
