/**
 * labels.tsx — translated labels for values the API sends as codes (status, alert kind, …).
 * A code this build does not know gets the group's translated "unknown" label, so no raw
 * English code ever shows in the Arabic UI.
 */
import { useTranslation } from 'react-i18next';
import type { Mandate } from '../api/types.js';
import { useFormat } from '../i18n/format.js';

/** useLabel returns `t(group.code)`, or `t(group.unknown)` when the code has no string. */
export function useLabel(): (group: string, code: string) => string {
  const { t, i18n } = useTranslation();
  return (group, code) => (i18n.exists(`${group}.${code}`) ? t(`${group}.${code}`) : t(`${group}.unknown`));
}

export function StatusBadge({ status }: { status: string }) {
  const label = useLabel();
  return <span className={`badge status-${status}`}>{label('status', status)}</span>;
}

export function MandateLine({ mandate }: { mandate: Mandate }) {
  const label = useLabel();
  const f = useFormat();
  return (
    <span className="mandate">
      {label('mandateBody', mandate.body)} · <bdi translate="no">{mandate.instrument}</bdi> ·{' '}
      {f.date(mandate.date)}
    </span>
  );
}
