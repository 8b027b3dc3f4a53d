/**
 * alerts.ts — building alerts and their lifecycle. Reconciliation derives alerts (always `open`)
 * with a stable key; the store keeps the people's side: open → acknowledged → resolved, each with a
 * note. `mergeDerivedAlert` re-raises an existing key by updating its evidence, never duplicating.
 */
import { OpsError } from '../errors.js';
import type {
  Alert,
  AlertEvidence,
  AlertKind,
  AlertSeverity,
  AlertState,
  AlertStep,
  AlertSubject,
} from '../model.js';

/** alertKey returns the stable dedup key of an alert: its kind and the parts naming its subject. */
export function alertKey(kind: AlertKind, ...parts: Array<string | number>): string {
  return [kind, ...parts].join(':');
}

/** derivedAlert builds an open alert as reconciliation finds it. */
export function derivedAlert(fields: {
  key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  operationId: string;
  subject: AlertSubject;
  evidence: AlertEvidence;
  raisedAtMs: number;
  history?: readonly AlertStep[];
}): Alert {
  return {
    key: fields.key,
    kind: fields.kind,
    severity: fields.severity,
    operationId: fields.operationId,
    subject: fields.subject,
    evidence: fields.evidence,
    state: 'open',
    note: null,
    raisedAt: new Date(fields.raisedAtMs).toISOString(),
    stateChangedAt: null,
    history: fields.history ?? [],
  };
}

/** sameDerivation says whether two alerts carry the same derived content (ignoring lifecycle). */
export function sameDerivation(a: Alert, b: Alert): boolean {
  return (
    a.key === b.key &&
    a.severity === b.severity &&
    a.kind === b.kind &&
    a.raisedAt === b.raisedAt &&
    JSON.stringify(a.evidence) === JSON.stringify(b.evidence) &&
    JSON.stringify(a.history) === JSON.stringify(b.history)
  );
}

const NEXT: Readonly<Record<AlertState, readonly AlertState[]>> = {
  open: ['acknowledged', 'resolved'],
  acknowledged: ['resolved'],
  resolved: ['open'],
};

/**
 * transitionAlert moves an alert to `to` with a note at `atIso`: open → acknowledged → resolved, and
 * resolved → open to reopen. Resolving needs a note. It throws OpsError('INVALID_ALERT_TRANSITION').
 */
export function transitionAlert(alert: Alert, to: AlertState, note: string | null, atIso: string): Alert {
  if (!NEXT[alert.state].includes(to)) {
    throw new OpsError('INVALID_ALERT_TRANSITION', `an ${alert.state} alert cannot become ${to}`, {
      key: alert.key,
    });
  }
  if (to === 'resolved' && (note === null || note.trim() === '')) {
    throw new OpsError('INVALID_ALERT_TRANSITION', 'resolving an alert needs a note', { key: alert.key });
  }
  return { ...alert, state: to, note: note ?? alert.note, stateChangedAt: atIso };
}

/** acknowledgeAlert marks an open alert as seen by a person. */
export function acknowledgeAlert(alert: Alert, note: string | null, atIso: string): Alert {
  return transitionAlert(alert, 'acknowledged', note, atIso);
}

/** resolveAlert closes an alert with the note saying why. */
export function resolveAlert(alert: Alert, note: string, atIso: string): Alert {
  return transitionAlert(alert, 'resolved', note, atIso);
}

/**
 * mergeDerivedAlert returns the stored alert after reconciliation derived `derived` for the same key:
 * the evidence, severity and raisedAt follow the derivation; the lifecycle (state, note) is kept,
 * except that a resolved alert whose evidence changed is reopened, because something new happened.
 * With no stored alert it returns `derived`.
 */
export function mergeDerivedAlert(stored: Alert | undefined, derived: Alert): Alert {
  if (!stored) return derived;
  if (stored.key !== derived.key) throw new TypeError('mergeDerivedAlert needs alerts with the same key');
  const changed = !sameDerivation(stored, derived);
  const reopen = changed && stored.state === 'resolved';
  return {
    ...derived,
    state: reopen ? 'open' : stored.state,
    note: stored.note,
    stateChangedAt: reopen ? null : stored.stateChangedAt,
  };
}

/**
 * isUntouched says whether no person has acted on a stored alert: still open, never acknowledged
 * or resolved. A withdrawn alert nobody acted on is retracted (removed from the alerts), so the
 * alerts are a function of the record, whatever order its observations arrived in (issue 13.2); its
 * raising and retraction stay in the operation's event stream.
 */
export function isUntouched(stored: Alert & { readonly stateChangedBy?: string | null }): boolean {
  return (
    stored.state === 'open' && stored.stateChangedAt === null && (stored.stateChangedBy ?? null) === null
  );
}

/** RETRACTED_NOTE is the note of the event that says an alert was retracted. */
export const RETRACTED_NOTE = 'retracted: later observations cleared it before anyone acted on it';

/**
 * withdrawnAlertResolution is the lifecycle step for an alert whose condition no longer holds (a late
 * observation cleared it): it is resolved with a note saying so, unless it is resolved already.
 */
export function withdrawnAlertResolution(stored: Alert, atIso: string): Alert {
  if (stored.state === 'resolved') return stored;
  return { ...stored, state: 'resolved', note: 'cleared by later observations', stateChangedAt: atIso };
}
