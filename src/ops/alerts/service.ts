/**
 * service.ts — stored alerts and the people's part of their lifecycle: list an operation's alerts,
 * read one, acknowledge or resolve it (recording who did, when and with what note) and publish the
 * change on the operation's event stream. The engine derives alerts; people move them.
 */
import { type Ctx, nowIso } from '../../ctx.js';
import { OpsError } from '../errors.js';
import { publishEvents } from '../events/publish.js';
import { ALERT_KINDS, type AlertState, type StoredAlert } from '../model.js';
import { opsEngine } from '../reconcile/engine.js';
import { countAlertsByKind, selectAlert, selectOperationAlerts, updateAlertState } from '../repo/alerts.js';
import { transitionAlert } from './lifecycle.js';

/** listAlerts returns an operation's stored alerts, newest first, optionally in one state. */
export function listAlerts(ctx: Ctx, operationId: string, state?: AlertState): Promise<StoredAlert[]> {
  return selectOperationAlerts(ctx.db, operationId, state);
}

/** getAlert returns a stored alert by id, or throws OpsError('UNKNOWN_ALERT'). */
export async function getAlert(ctx: Ctx, id: string): Promise<StoredAlert> {
  const alert = await selectAlert(ctx.db, id);
  if (!alert) throw new OpsError('UNKNOWN_ALERT', 'no such alert', { id });
  return alert;
}

/**
 * changeAlert acknowledges or resolves an alert with a note on behalf of `actorId`, records who
 * did it, and publishes the change.
 */
export async function changeAlert(
  ctx: Ctx,
  id: string,
  to: 'acknowledged' | 'resolved',
  note: string | null,
  actorId: string,
): Promise<StoredAlert> {
  // Level with the store first, so a transition never races a pending re-derivation.
  await opsEngine(ctx).sync();
  const current = await getAlert(ctx, id);
  const at = nowIso(ctx);
  const next = transitionAlert(current, to, note, at);
  await updateAlertState(ctx.db, id, current.state, next, actorId, at);
  const stored = await getAlert(ctx, id);
  await publishEvents(ctx, [{ operationId: stored.operationId, type: 'alert', data: stored }]);
  return stored;
}

/** alertCountsByKind counts stored alerts per kind (every kind listed, zeros included). */
export async function alertCountsByKind(ctx: Ctx): Promise<Record<string, number>> {
  const counts: Record<string, number> = Object.fromEntries(ALERT_KINDS.map((k) => [k, 0]));
  for (const r of await countAlertsByKind(ctx.db)) counts[r.kind] = r.n;
  return counts;
}
