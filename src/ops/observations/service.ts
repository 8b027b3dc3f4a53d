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
import type { NewEntry } from '../../custody/entry.js';
import { appendEntries, maybeCheckpoint } from '../../custody/service.js';
import { OpsError } from '../errors.js';
import { publishEvents } from '../events/publish.js';
import type { Observation } from '../model.js';
import { opsEngine } from '../reconcile/engine.js';
import { selectDeviceKey } from '../repo/devices.js';
import { insertObservations, selectByClientId } from '../repo/observations.js';
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
  readonly status: 'accepted' | 'duplicate';
  readonly id: string;
  readonly seq: number;
  readonly receivedTime: string;
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
    await recordAccessEvent(ctx, {
      kind: 'signature-rejected',
      outcome: 'invalid-signature',
      actorId: who.userId,
      targetId: key.id,
      ip: who.ip ?? null,
      route: 'POST /api/ops/observations',
      status: 422,
      requestId: who.requestId ?? null,
    });
    throw new OpsError('INVALID_SIGNATURE', 'the signature does not match this observation and device key', {
      clientId: String(wire.clientId).slice(0, 64),
    });
  }
  const previous = await existingSubmission(ctx, wire.clientId, signedText);
  if (previous) return previous;

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
  let seq: number;
  try {
    seq = await storeObservation(ctx, obs, signedText, sub.signature, who.userId);
  } catch (err) {
    // A concurrent request stored the same client id first: answer as for a re-send.
    const raced = await existingSubmission(ctx, wire.clientId, signedText).catch(() => undefined);
    if (raced) return raced;
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

function observationEntry(r: ObservationToStore): NewEntry {
  return {
    kind: 'observation',
    actor: r.actorId,
    data: {
      clientId: r.observation.clientId,
      operationId: r.observation.operationId,
      deviceKeyId: r.observation.deviceKeyId,
      signedSha256: createHash('sha256').update(r.signedText, 'utf8').digest('hex'),
      signatureSha256: createHash('sha256').update(r.signature, 'utf8').digest('hex'),
    },
  };
}

async function existingSubmission(
  ctx: Ctx,
  clientId: string,
  signedText: string,
): Promise<SubmitResult | undefined> {
  const row = await selectByClientId(ctx.db, clientId);
  if (!row) return undefined;
  if (row.signed_text !== signedText) {
    throw new OpsError('CLIENT_ID_REUSED', 'a different observation already has this client id', {
      clientId: clientId.slice(0, 64),
    });
  }
  return { status: 'duplicate', id: clientId, seq: Number(row.seq), receivedTime: row.received_time };
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
