/**
 * conflicts.ts — what a coordinator reads before choosing between conflicting observations: each
 * (device key, client id) of an operation that carries two or more different signed bodies, with
 * every body side by side (who, when, where, counts, photos), the device that signed them, whether
 * each signature still verifies against that device's registered key, and the decision taken, if
 * any. The choice itself is resolveConflict (service.ts).
 */
import { usernamesOf } from '../../access/index.js';
import type { Ctx } from '../../ctx.js';
import { opsEngine } from '../reconcile/engine.js';
import { selectDeviceKey } from '../repo/devices.js';
import { selectConflictBodies, selectConflictResolutions } from '../repo/observations.js';
import { verifySignedText } from './signing.js';

/** At most this many stored bodies are read per request; more sets `truncated`. */
export const MAX_CONFLICT_BODIES = 2_000;

export type ConflictState = 'open' | 'resolved';

/** ConflictBody is one of the signed bodies a device sent under one client id. */
export interface ConflictBody {
  readonly sha256: string;
  readonly seq: number;
  /** held (open), chosen or set-aside (decided). */
  readonly status: string;
  readonly kind: string;
  readonly routePointId: string;
  readonly deviceTime: string;
  readonly receivedTime: string;
  /** The vehicles the version names, each with its marking (null: not in the plan). */
  readonly vehicles: readonly { readonly id: string; readonly marking: string | null }[];
  readonly headcount: number | null;
  readonly categories: Readonly<Record<string, number>>;
  readonly note: string;
  readonly photos: number;
  /** Does the stored signature verify over the stored signed text with the device's key? */
  readonly signatureValid: boolean;
}

/** ObservationConflictView is one conflict as the coordinator's screen shows it. */
export interface ObservationConflictView {
  readonly deviceKeyId: string;
  readonly clientId: string;
  readonly state: ConflictState;
  readonly device: { readonly label: string; readonly revokedAt: string | null } | null;
  readonly monitorId: string;
  /** The monitor's username, or null when the id is not an account. */
  readonly monitorName: string | null;
  /** The earliest device time among the bodies (the order in which they arrived does not matter). */
  readonly firstDeviceTime: string;
  readonly bodies: readonly ConflictBody[];
  /** The latest decision; with state `open` it was reopened by a body that arrived after it. */
  readonly resolution: {
    readonly chosenSha256: string | null;
    readonly reason: string;
    readonly resolvedBy: string;
    readonly resolvedByName: string | null;
    readonly resolvedAt: string;
  } | null;
}

/**
 * listConflicts returns the conflicts of operation `operationId` (the caller has checked it may
 * manage its alerts): open ones first, then decided, each group by the earliest device time, then
 * by device key and client id, so the order never depends on arrival.
 */
export async function listConflicts(
  ctx: Ctx,
  operationId: string,
  state: ConflictState | 'all',
): Promise<{ conflicts: ObservationConflictView[]; truncated: boolean }> {
  const rows = await selectConflictBodies(ctx.db, operationId, MAX_CONFLICT_BODIES + 1);
  const truncated = rows.length > MAX_CONFLICT_BODIES;
  const groups = new Map<string, typeof rows>();
  for (const r of rows.slice(0, MAX_CONFLICT_BODIES)) {
    const key = `${r.device_key_id}\n${r.client_id}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const decisions = new Map(
    (await selectConflictResolutions(ctx.db, operationId)).map((d) => [
      `${d.device_key_id}\n${d.client_id}`,
      d,
    ]),
  );
  const devices = new Map<string, Awaited<ReturnType<typeof selectDeviceKey>>>();
  for (const id of new Set(rows.map((r) => r.device_key_id)))
    devices.set(id, await selectDeviceKey(ctx.db, id));
  const markings = await opsEngine(ctx).read(
    (_, registry) =>
      new Map(registry.vehicles.filter((v) => v.operationId === operationId).map((v) => [v.id, v.marking])),
  );
  const names = await usernamesOf(ctx, [
    ...rows.map((r) => r.monitor_id),
    ...[...decisions.values()].flatMap((d) => (d.resolved_by ? [d.resolved_by] : [])),
  ]);

  const out: ObservationConflictView[] = [];
  for (const [key, bodies] of groups) {
    const first = bodies[0]!;
    const open = bodies.some((b) => b.status === 'held');
    if (state !== 'all' && state !== (open ? 'open' : 'resolved')) continue;
    const device = devices.get(first.device_key_id);
    const decision = decisions.get(key);
    out.push({
      deviceKeyId: first.device_key_id,
      clientId: first.client_id,
      state: open ? 'open' : 'resolved',
      device: device ? { label: device.label, revokedAt: device.revoked_at } : null,
      monitorId: first.monitor_id,
      monitorName: names.get(first.monitor_id) ?? null,
      firstDeviceTime: new Date(Math.min(...bodies.map((b) => Date.parse(b.device_time)))).toISOString(),
      bodies: bodies.map((b) => ({
        sha256: b.body_sha256,
        seq: Number(b.seq),
        status: b.status,
        kind: b.kind,
        routePointId: b.route_point_id,
        deviceTime: b.device_time,
        receivedTime: b.received_time,
        vehicles: (JSON.parse(b.vehicle_ids) as string[]).map((id) => ({
          id,
          marking: markings.get(id) ?? null,
        })),
        headcount: b.headcount === null ? null : Number(b.headcount),
        categories: JSON.parse(b.categories) as Record<string, number>,
        note: b.note,
        photos: (JSON.parse(b.photo_sha256) as string[]).length,
        signatureValid: device ? verifySignedText(b.signed_text, b.signature, device.public_key) : false,
      })),
      resolution:
        decision?.resolved_at && decision.reason !== null && decision.resolved_by !== null
          ? {
              chosenSha256: decision.chosen_sha256,
              reason: decision.reason,
              resolvedBy: decision.resolved_by,
              resolvedByName: names.get(decision.resolved_by) ?? null,
              resolvedAt: decision.resolved_at,
            }
          : null,
    });
  }
  out.sort(
    (a, b) =>
      Number(a.state !== 'open') - Number(b.state !== 'open') ||
      a.firstDeviceTime.localeCompare(b.firstDeviceTime) ||
      a.deviceKeyId.localeCompare(b.deviceKeyId) ||
      a.clientId.localeCompare(b.clientId),
  );
  return { conflicts: out, truncated };
}
