/**
 * service.ts — a monitor's signed observation, from the request to the record: the device key is
 * the submitter's and not revoked; the operation exists where the submitter may observe (else
 * "unknown operation", revealing nothing); the signature is over exactly the object received; a
 * re-sent observation (same client id, same signed bytes) is a duplicate; the content is valid
 * against the operation. Then one transaction stores the signed text verbatim and appends its
 * `observation` custody entry, and the engine catches up. Nothing is stored for an observation
 * that fails any check. The path runs one way: this file calls each step once and no step calls
 * back into it.
 */
import { createHash } from 'node:crypto';
import { recordAccessEvent } from '../../access/index.js';
import { type Ctx, nowIso } from '../../ctx.js';
import type { NewEntry } from '../../custody/index.js';
import { appendEntries, maybeCheckpoint } from '../../custody/index.js';
import { OpsError } from '../errors.js';
import { publishEvents } from '../events/publish.js';
import type { Observation } from '../model.js';
import { opsEngine } from '../reconcile/engine.js';
import { selectDeviceKey } from '../repo/devices.js';
import {
  bodySha256,
  insertObservations,
  selectBodies,
  setBodiesStatus,
  upsertConflictResolution,
} from '../repo/observations.js';
import { bumpRegistry } from '../repo/operations.js';
import { type ObservationWire, observationFromWire, verifySignedText, wireSigningText } from './signing.js';
import { validateObservation } from './validation.js';

export interface Submission {
  readonly deviceKeyId: string;
  readonly signature: string;
  readonly observation: ObservationWire;
}

export interface Submitter {
  readonly userId: string;
  /** May this user submit observations for an operation in `compartment`? */
  readonly mayObserve: (compartment: string) => boolean;
  readonly ip?: string | null;
  readonly requestId?: string | null;
}

export interface SubmitResult {
  /**
   * accepted: new and counted; duplicate: the same signed body again (nothing changes); held: a
   * different body under a client id this device used before — both are kept as evidence and
   * neither counts until a coordinator chooses.
   */
  readonly status: 'accepted' | 'duplicate' | 'held';
  readonly id: string;
  readonly seq: number;
  readonly receivedTime: string;
}

/**
 * auditSubmission records in the access audit what happened to one submission (a revoked key, a
 * forged signature, a held conflict): who sent it, from where, and which device key it named.
 */
async function auditSubmission(
  ctx: Ctx,
  who: Submitter,
  event: {
    kind: Parameters<typeof recordAccessEvent>[1]['kind'];
    outcome: string;
    targetId: string;
    status: number;
    /** The compartment of the operation named, so its compartment's auditors see the row. */
    compartment: string | null;
  },
): Promise<void> {
  await recordAccessEvent(ctx, {
    ...event,
    actorId: who.userId,
    ip: who.ip ?? null,
    route: 'POST /api/ops/observations',
    requestId: who.requestId ?? null,
  });
}

/**
 * submitObservation accepts one signed observation from a monitor's device. Order of checks: the
 * device key is the submitter's and not revoked; the operation exists where the submitter may
 * observe (else "unknown operation", revealing nothing); the signature is over exactly the object
 * received; a re-sent observation (same client id, same signed bytes) is a duplicate; the content
 * is valid against the operation. Then one transaction stores it and appends its custody entry.
 */
export async function submitObservation(ctx: Ctx, who: Submitter, sub: Submission): Promise<SubmitResult> {
  const key = await selectDeviceKey(ctx.db, sub.deviceKeyId);
  if (!key || key.user_id !== who.userId || key.revoked_at !== null) {
    // A revoked key still in use is a lost or seized phone: the access audit records the attempt.
    if (key?.revoked_at) {
      const operationId = sub.observation.operationId;
      const compartment = await opsEngine(ctx).read(
        (_, registry) => registry.operations.find((o) => o.id === operationId)?.compartment ?? null,
      );
      await auditSubmission(ctx, who, {
        kind: 'device-key-revoked',
        outcome: 'refused',
        targetId: key.id,
        status: 422,
        compartment,
      });
    }
    throw new OpsError('UNKNOWN_DEVICE_KEY', 'this device key is not registered to you; register it again');
  }
  const engine = opsEngine(ctx);
  const wire = sub.observation;
  // One sync for the whole check: the plan, and the vehicles as of now (a Map the engine replaces,
  // never edits in place, when the plan changes).
  const { operation, vehicles } = await engine.read((state, registry) => ({
    operation: registry.operations.find((o) => o.id === wire.operationId),
    vehicles: state.vehicles,
  }));
  if (!operation || !who.mayObserve(operation.compartment)) {
    throw new OpsError('UNKNOWN_OPERATION', 'no such operation', { operationId: String(wire.operationId) });
  }
  const signedText = wireSigningText(wire);
  if (!verifySignedText(signedText, sub.signature, key.public_key)) {
    await auditSubmission(ctx, who, {
      kind: 'signature-rejected',
      outcome: 'invalid-signature',
      targetId: key.id,
      status: 422,
      compartment: operation.compartment,
    });
    throw new OpsError('INVALID_SIGNATURE', 'the signature does not match this observation and device key', {
      clientId: String(wire.clientId).slice(0, 64),
    });
  }
  const bodies = await selectBodies(ctx.db, key.id, wire.clientId);
  const sha = bodySha256(signedText);
  const same = bodies.find((b) => b.body_sha256 === sha);
  if (same)
    return {
      status: 'duplicate',
      id: wire.clientId,
      seq: Number(same.seq),
      receivedTime: same.received_time,
    };

  const receivedTime = nowIso(ctx);
  const obs = observationFromWire(wire, { monitorId: who.userId, deviceKeyId: key.id, receivedTime });
  const errors = validateObservation(obs, {
    operation,
    vehicleById: (id) => vehicles.get(id),
    nowMs: ctx.clock().getTime(),
  });
  if (errors.length > 0) {
    const [first] = errors;
    throw new OpsError(first!.code, first!.message, {
      ...first!.details,
      errors: errors.map((e) => ({ code: e.code, message: e.message })),
    });
  }
  if (bodies.length > 0)
    return holdConflict(ctx, who, operation.compartment, {
      observation: obs,
      signedText,
      signature: sub.signature,
      actorId: who.userId,
    });
  let seq: number;
  try {
    seq = await storeObservation(ctx, obs, signedText, sub.signature, who.userId);
  } catch (err) {
    // A concurrent request stored a body under this client id first: a re-send, or a conflict.
    const raced = await selectBodies(ctx.db, key.id, wire.clientId).catch(() => []);
    const twin = raced.find((b) => b.body_sha256 === sha);
    if (twin)
      return {
        status: 'duplicate',
        id: wire.clientId,
        seq: Number(twin.seq),
        receivedTime: twin.received_time,
      };
    if (raced.length > 0)
      return holdConflict(ctx, who, operation.compartment, {
        observation: obs,
        signedText,
        signature: sub.signature,
        actorId: who.userId,
      });
    throw err;
  }
  await maybeCheckpoint(ctx);
  await engine.sync(); // publishes the alert changes it derives
  await publishEvents(ctx, [
    { operationId: obs.operationId, type: 'observation', data: observationEvent(obs, seq) },
    { operationId: obs.operationId, type: 'totals', data: { seq } },
  ]);
  return { status: 'accepted', id: obs.clientId, seq, receivedTime };
}

/**
 * holdConflict stores a different signed body under a client id the same device used before: the
 * body and its custody entry are written, every body of that client id is held (none counts, so the
 * record no longer depends on which arrived first), the access audit records the conflict, and the
 * engine rebuilds and raises `conflicting-reports`. A coordinator then chooses (resolveConflict).
 */
async function holdConflict(
  ctx: Ctx,
  who: Submitter,
  compartment: string,
  row: ObservationToStore,
): Promise<SubmitResult> {
  const obs = row.observation;
  const seq = await ctx.db.transaction().execute(async (trx) => {
    await setBodiesStatus(trx, obs.deviceKeyId, obs.clientId, 'held');
    const [stored] = await insertObservations(trx, [{ ...row, status: 'held' }]);
    await appendEntries(trx, [{ ...observationEntry(row, 'held'), at: obs.receivedTime }], obs.receivedTime);
    await bumpRegistry(trx);
    return stored!;
  });
  await auditSubmission(ctx, who, {
    kind: 'observation-conflict',
    outcome: 'held',
    targetId: obs.deviceKeyId,
    status: 202,
    compartment,
  });
  await maybeCheckpoint(ctx);
  await opsEngine(ctx).sync();
  await publishEvents(ctx, [{ operationId: obs.operationId, type: 'totals', data: { seq } }]);
  return { status: 'held', id: obs.clientId, seq, receivedTime: obs.receivedTime };
}

/** ConflictChoice is a coordinator's decision on a conflict: one body stands (by SHA-256), or none. */
export interface ConflictChoice {
  readonly deviceKeyId: string;
  readonly clientId: string;
  /** The SHA-256 of the signed text that stands; null sets every body aside. */
  readonly chosenSha256: string | null;
  readonly reason: string;
  /** Change a decision already taken (else a decided conflict is refused: CONFLICT_ALREADY_DECIDED). */
  readonly replace?: boolean;
}

/**
 * resolveConflict records which body of a conflict stands (or that none does), with the reason and
 * the coordinator, in one transaction with a custody entry; the engine then counts the chosen body.
 * A conflict outside `mayManage`'s compartments is "no such conflict", as is a missing one.
 */
export async function resolveConflict(
  ctx: Ctx,
  choice: ConflictChoice,
  actorId: string,
  mayManage: (compartment: string) => boolean,
  audit: { ip?: string | null; requestId?: string | null } = {},
): Promise<{ readonly chosenSha256: string | null; readonly bodies: number }> {
  const bodies = await selectBodies(ctx.db, choice.deviceKeyId, choice.clientId);
  const unknown = () =>
    new OpsError('UNKNOWN_CONFLICT', 'no such conflict', { clientId: choice.clientId.slice(0, 64) });
  if (bodies.length < 2) throw unknown();
  const operationId = bodies[0]!.operation_id;
  const compartment = await opsEngine(ctx).read(
    (_, registry) => registry.operations.find((o) => o.id === operationId)?.compartment,
  );
  if (compartment === undefined || !mayManage(compartment)) throw unknown();
  if (choice.chosenSha256 !== null && !bodies.some((b) => b.body_sha256 === choice.chosenSha256)) {
    throw new OpsError('INVALID_CONFLICT_CHOICE', 'the chosen SHA-256 is not one of the bodies in conflict');
  }
  if (choice.reason.trim() === '') throw new OpsError('INVALID_CONFLICT_CHOICE', 'a choice needs a reason');
  // A decision taken meanwhile (another coordinator, a second tab) is not overwritten unseen.
  if (!choice.replace && !bodies.some((b) => b.status === 'held')) {
    throw new OpsError(
      'CONFLICT_ALREADY_DECIDED',
      'this conflict was decided already; read the decision, and send replace: true to change it',
    );
  }
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await setBodiesStatus(trx, choice.deviceKeyId, choice.clientId, 'set-aside');
    if (choice.chosenSha256 !== null)
      await setBodiesStatus(trx, choice.deviceKeyId, choice.clientId, 'chosen', choice.chosenSha256);
    await upsertConflictResolution(trx, {
      deviceKeyId: choice.deviceKeyId,
      clientId: choice.clientId,
      operationId,
      chosenSha256: choice.chosenSha256,
      reason: choice.reason,
      resolvedBy: actorId,
      resolvedAt: at,
    });
    // Ids and hashes only: the reason is free text and stays in the ops tables.
    await appendEntries(
      trx,
      [
        {
          kind: 'observation-conflict-resolved',
          actor: actorId,
          data: {
            clientId: choice.clientId,
            operationId,
            deviceKeyId: choice.deviceKeyId,
            chosenSha256: choice.chosenSha256 ?? 'none',
            reasonSha256: createHash('sha256').update(choice.reason, 'utf8').digest('hex'),
          },
          at,
        },
      ],
      at,
    );
    await bumpRegistry(trx);
  });
  await recordAccessEvent(ctx, {
    kind: 'observation-conflict-resolved',
    outcome: choice.chosenSha256 === null ? 'set-aside' : 'chosen',
    actorId,
    targetId: choice.deviceKeyId,
    compartment,
    ip: audit.ip ?? null,
    route: 'POST /api/ops/observation-conflicts/resolve',
    status: 200,
    requestId: audit.requestId ?? null,
  });
  await maybeCheckpoint(ctx);
  await opsEngine(ctx).sync();
  await publishEvents(ctx, [{ operationId, type: 'totals', data: { conflict: choice.clientId } }]);
  return { chosenSha256: choice.chosenSha256, bodies: bodies.length };
}

/** ObservationToStore is one already-checked observation with its signed text and signature. */
export interface ObservationToStore {
  readonly observation: Observation;
  readonly signedText: string;
  readonly signature: string;
  /** Who the custody entry names as actor (the submitting monitor). */
  readonly actorId: string;
}

/** storeObservation writes an already-checked observation and its custody entry (one transaction). */
export async function storeObservation(
  ctx: Ctx,
  obs: Observation,
  signedText: string,
  signature: string,
  actorId: string,
): Promise<number> {
  const [seq] = await storeObservations(ctx, [{ observation: obs, signedText, signature, actorId }]);
  return seq!;
}

/**
 * storeObservations writes already-checked observations, in the order given, and one `observation`
 * custody entry each (dated its receipt time), all in one transaction; it returns their seqs.
 */
export async function storeObservations(ctx: Ctx, rows: readonly ObservationToStore[]): Promise<number[]> {
  if (rows.length === 0) return [];
  return ctx.db.transaction().execute(async (trx) => {
    const seqs = await insertObservations(trx, rows);
    await appendEntries(
      trx,
      rows.map((r) => ({ ...observationEntry(r), at: r.observation.receivedTime })),
      rows[0]!.observation.receivedTime,
    );
    return seqs;
  });
}

function observationEntry(r: ObservationToStore, status?: 'held'): NewEntry {
  return {
    kind: 'observation',
    actor: r.actorId,
    data: {
      clientId: r.observation.clientId,
      operationId: r.observation.operationId,
      deviceKeyId: r.observation.deviceKeyId,
      signedSha256: bodySha256(r.signedText),
      signatureSha256: createHash('sha256').update(r.signature, 'utf8').digest('hex'),
      ...(status ? { status } : {}),
    },
  };
}

function observationEvent(obs: Observation, seq: number) {
  return {
    seq,
    clientId: obs.clientId,
    routePointId: obs.routePointId,
    kind: obs.kind,
    vehicleIds: obs.vehicleIds,
    headcount: obs.headcount,
    deviceTime: obs.deviceTime,
    receivedTime: obs.receivedTime,
  };
}
