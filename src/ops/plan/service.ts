/**
 * service.ts — evacuation operations over the store: plan operations (mandates, routes, convoys,
 * vehicles, manifests), change their status, register monitors' device keys, accept signed
 * observations, and move alerts through their lifecycle. Every accepted observation is stored
 * verbatim with its signature and appends an `observation` custody entry in the same transaction;
 * nothing is stored for an observation that fails any check.
 */
import { createHash, randomUUID } from 'node:crypto';
import { recordAccessEvent } from '../access/audit.js';
import { type Ctx, nowIso } from '../ctx.js';
import type { NewEntry } from '../custody/entry.js';
import { appendEntries, maybeCheckpoint } from '../custody/service.js';
import { nextValues } from '../store/counters.js';
import { COMPARTMENT_NAME } from '../vault/service.js';
import { transitionAlert } from './alerts.js';
import { alertId, opsEngine, type StoredAlert } from './engine.js';
import { OpsError } from './errors.js';
import { operationMovementsHxl, operationTotalsHxl } from './hxl-export.js';
import {
  type Convoy,
  type Mandate,
  type Manifest,
  type Observation,
  type StatusChange,
  type Vehicle,
  validateMandate,
} from './model.js';
import {
  type ObservationWire,
  observationFromWire,
  publicKeyIsValid,
  verifySignedText,
  wireSigningText,
} from './observation-signing.js';
import { isOpsId, validateObservation } from './observation-validation.js';
import { appendStatusChange, validateStatusHistory } from './operation-status.js';
import { operationContext } from './reconcile-state.js';
import {
  alertFromRow,
  insertConvoys,
  insertMandate,
  insertManifests,
  insertOperation,
  insertStatus,
  insertVehicles,
  observationRow,
  REGISTRY_COUNTER,
  type StoredOperation,
  selectOperations,
} from './repo.js';
import { type LearnedSegment, learnSegmentTimes } from './segment-learning.js';
import { buildSitrep, type Sitrep } from './sitrep.js';

/** OperationPlan is everything needed to set up operations at once (the demo, `POST` bundles). */
export interface OperationPlan {
  readonly mandates: readonly Mandate[];
  readonly operations: readonly StoredOperation[];
  readonly convoys: readonly Convoy[];
  readonly vehicles: readonly Vehicle[];
  readonly manifests: readonly Manifest[];
}

/**
 * planOperations validates and stores a plan in one transaction: mandates (votes checked),
 * operations (routes, status history, links to operations in the plan or the store), convoys,
 * vehicles and manifests. Any inconsistency throws OpsError and nothing is stored.
 */
export async function planOperations(ctx: Ctx, plan: OperationPlan, actorId: string): Promise<void> {
  for (const m of plan.mandates) validateMandate(m);
  const existing = await selectOperations(ctx.db);
  const storedMandates = (await ctx.db.selectFrom('mandate').select('id').execute()).map((r) => r.id);
  const taken = async (table: 'vehicle' | 'convoy' | 'manifest', ids: readonly string[]) => {
    for (let i = 0; i < ids.length; i += 500) {
      const row = await ctx.db
        .selectFrom(table)
        .select('id')
        .where('id', 'in', ids.slice(i, i + 500))
        .executeTakeFirst();
      if (row) invalid(`${table} ${row.id} already exists`);
    }
  };
  for (const op of plan.operations) {
    if (existing.some((o) => o.id === op.id)) invalid(`operation ${op.id} already exists`);
  }
  if (new Set(plan.operations.map((o) => o.id)).size !== plan.operations.length)
    invalid('an operation id is repeated');
  for (const m of plan.mandates) if (storedMandates.includes(m.id)) invalid(`mandate ${m.id} already exists`);
  await taken(
    'vehicle',
    plan.vehicles.map((v) => v.id),
  );
  await taken(
    'convoy',
    plan.convoys.map((c) => c.id),
  );
  await taken(
    'manifest',
    plan.manifests.map((m) => m.id),
  );
  const known = new Set([...existing.map((o) => o.id), ...plan.operations.map((o) => o.id)]);
  const mandateIds = new Set([...plan.mandates.map((m) => m.id), ...storedMandates]);
  for (const op of plan.operations) checkOperation(op, known, mandateIds);
  const opIds = new Set(plan.operations.map((o) => o.id));
  const convoyIds = new Set(plan.convoys.map((c) => c.id));
  for (const c of plan.convoys) {
    if (!isOpsId(c.id) || !opIds.has(c.operationId)) invalid(`convoy ${c.id} names no operation in the plan`);
  }
  const vehicleIds = new Set<string>();
  for (const v of plan.vehicles) {
    if (!isOpsId(v.id) || vehicleIds.has(v.id))
      invalid(`vehicle id ${JSON.stringify(v.id)} is malformed or repeated`);
    vehicleIds.add(v.id);
    if (!opIds.has(v.operationId)) invalid(`vehicle ${v.id} names no operation in the plan`);
    if (v.convoyId !== undefined && !convoyIds.has(v.convoyId))
      invalid(`vehicle ${v.id} names an unknown convoy`);
    if (!['bus', 'ambulance', 'private', 'truck'].includes(v.kind))
      invalid(`vehicle ${v.id} has an unknown kind`);
    if (!Number.isSafeInteger(v.capacity) || v.capacity < 1)
      invalid(`vehicle ${v.id} needs a positive capacity`);
  }
  for (const m of plan.manifests) {
    if (!vehicleIds.has(m.vehicleId)) invalid(`manifest ${m.id} names an unknown vehicle`);
    if (!Number.isSafeInteger(m.headcount) || m.headcount < 0)
      invalid(`manifest ${m.id} has a bad headcount`);
  }
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    for (const m of plan.mandates) await insertMandate(trx, m);
    for (const op of plan.operations) await insertOperation(trx, op, at, actorId);
    await insertConvoys(trx, plan.convoys);
    await insertVehicles(trx, plan.vehicles);
    await insertManifests(trx, plan.manifests);
    await nextValues(trx, REGISTRY_COUNTER);
  });
}

function invalid(message: string): never {
  throw new OpsError('INVALID_OPERATION', message);
}

function checkOperation(op: StoredOperation, known: Set<string>, mandateIds: Set<string>): void {
  if (!isOpsId(op.id)) invalid(`operation id ${JSON.stringify(op.id)} is malformed`);
  if (!COMPARTMENT_NAME.test(op.compartment))
    invalid('compartment must be lowercase letters, digits and dashes');
  if (op.name.trim() === '' || op.name.length > 300)
    invalid('an operation needs a name of at most 300 characters');
  if (!Number.isSafeInteger(op.plannedPeople) || op.plannedPeople < 0) invalid('planned people must be ≥ 0');
  for (const id of op.mandateIds) if (!mandateIds.has(id)) invalid(`unknown mandate ${id}`);
  for (const link of op.links) {
    if (!known.has(link.other) || link.other === op.id) invalid(`link to unknown operation ${link.other}`);
  }
  for (const p of op.route) {
    if (!isOpsId(p.id)) invalid(`route point id ${JSON.stringify(p.id)} is malformed`);
    const place = p.place as { lat?: unknown; lon?: unknown; pcode?: unknown };
    if (!('pcode' in place) && (typeof place.lat !== 'number' || typeof place.lon !== 'number')) {
      invalid(`route point ${p.id} needs a P-code or coordinates`);
    }
    if (typeof place.lat === 'number' && (Math.abs(place.lat) > 90 || Math.abs(place.lon as number) > 180)) {
      invalid(`route point ${p.id} has coordinates off the globe`);
    }
  }
  validateStatusHistory(op.statusHistory);
  operationContext(op); // the route runs origin → destination with distinct points
}

/** changeStatus appends a status change to an operation (planned → active → suspended → …). */
export async function changeStatus(
  ctx: Ctx,
  operationId: string,
  change: Omit<StatusChange, 'at'> & { readonly at?: string },
  actorId: string,
): Promise<StatusChange[]> {
  const [op] = await selectOperations(ctx.db, [operationId]);
  if (!op) throw new OpsError('UNKNOWN_OPERATION', 'no such operation', { operationId });
  const full: StatusChange = { status: change.status, reason: change.reason, at: change.at ?? nowIso(ctx) };
  const history = appendStatusChange(op.statusHistory, full);
  await ctx.db.transaction().execute(async (trx) => {
    await insertStatus(trx, operationId, history.length - 1, full, actorId);
    await nextValues(trx, REGISTRY_COUNTER);
  });
  const engine = opsEngine(ctx);
  await engine.publish([{ operationId, type: 'status', data: full }]);
  await engine.sync();
  return history;
}

/** LearnResult says which segments got a learned expected transit time. */
export interface LearnResult {
  readonly learned: readonly LearnedSegment[];
  /** Route points whose expected time was set (planned ones are kept unless `overwrite`). */
  readonly applied: readonly string[];
}

/**
 * learnTransitTimes sets each segment's expected transit time from observed traffic: the median of
 * direct transits × `factor` (segment-learning.ts), for segments with at least `minSamples`. A
 * planned expectation is kept unless `overwrite`. The engine then recomputes from scratch with the
 * new expectations, so overdue alerts follow them.
 */
export async function learnTransitTimes(
  ctx: Ctx,
  operationId: string,
  options: { factor?: number; minSamples?: number; overwrite?: boolean } = {},
): Promise<LearnResult> {
  const engine = opsEngine(ctx);
  const { learned, route } = await engine.read((state, registry) => {
    const op = registry.operations.find((o) => o.id === operationId);
    if (!op) throw new OpsError('UNKNOWN_OPERATION', 'no such operation', { operationId });
    return { learned: learnSegmentTimes(state, operationId, options), route: op.route };
  });
  const planned = new Set(route.filter((p) => p.expectedMinutesToNext !== undefined).map((p) => p.id));
  const apply = learned.filter((l) => options.overwrite === true || !planned.has(l.fromPointId));
  if (apply.length > 0) {
    await ctx.db.transaction().execute(async (trx) => {
      for (const l of apply) {
        await trx
          .updateTable('route_point')
          .set({ expected_minutes_to_next: l.expectedMinutes })
          .where('operation_id', '=', operationId)
          .where('id', '=', l.fromPointId)
          .execute();
      }
      await nextValues(trx, REGISTRY_COUNTER);
    });
    await engine.sync();
  }
  return { learned, applied: apply.map((l) => l.fromPointId) };
}

// ── Device keys ─────────────────────────────────────────────────────────────────────────────────

/** registerDeviceKey records a monitor's device public key (raw Ed25519, base64) and returns its id. */
export async function registerDeviceKey(
  ctx: Ctx,
  userId: string,
  publicKey: string,
  label: string,
): Promise<string> {
  if (!publicKeyIsValid(publicKey)) {
    throw new OpsError('INVALID_DEVICE_KEY', 'publicKey must be a raw 32-byte Ed25519 key in base64');
  }
  const existing = await ctx.db
    .selectFrom('device_key')
    .select(['id', 'user_id', 'revoked_at'])
    .where('public_key', '=', publicKey)
    .execute();
  // A revoked key stays revoked: registering it again would undo the revocation of a lost phone.
  if (existing.some((k) => k.revoked_at !== null)) {
    throw new OpsError('DEVICE_KEY_REVOKED', 'this device key was revoked; the app must make a new one');
  }
  // One key, one monitor: a key registered by someone else is refused without saying whose.
  if (existing.some((k) => k.user_id !== userId)) {
    throw new OpsError('INVALID_DEVICE_KEY', 'this public key cannot be registered');
  }
  if (existing[0]) return existing[0].id;
  const id = `dk-${randomUUID()}`;
  await ctx.db
    .insertInto('device_key')
    .values({ id, user_id: userId, public_key: publicKey, label, created_at: nowIso(ctx), revoked_at: null })
    .execute();
  return id;
}

/** DeviceKeyView is a registered device key as its owner sees it. */
export interface DeviceKeyView {
  readonly id: string;
  readonly label: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** listDeviceKeys returns `userId`'s device keys, newest first. */
export async function listDeviceKeys(ctx: Ctx, userId: string): Promise<DeviceKeyView[]> {
  return (await listAllDeviceKeys(ctx, userId)).map(({ userId: _owner, ...view }) => view);
}

/** listAllDeviceKeys returns every device key (or one user's), newest first, with its owner. */
export async function listAllDeviceKeys(
  ctx: Ctx,
  userId?: string,
): Promise<Array<DeviceKeyView & { readonly userId: string }>> {
  let q = ctx.db
    .selectFrom('device_key')
    .select(['id', 'user_id', 'label', 'created_at', 'revoked_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id');
  if (userId !== undefined) q = q.where('user_id', '=', userId);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    label: r.label,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  }));
}

/**
 * revokeDeviceKey stops a device key from signing (a lost or seized phone); observations it signed
 * before stay, with their signatures. With `ownerId`, only that user's key is revoked. It says
 * whether an active key was revoked.
 */
export async function revokeDeviceKey(ctx: Ctx, id: string, ownerId?: string): Promise<boolean> {
  let q = ctx.db
    .updateTable('device_key')
    .set({ revoked_at: nowIso(ctx) })
    .where('id', '=', id)
    .where('revoked_at', 'is', null);
  if (ownerId !== undefined) q = q.where('user_id', '=', ownerId);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// ── Observations ────────────────────────────────────────────────────────────────────────────────

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
  const key = await ctx.db
    .selectFrom('device_key')
    .selectAll()
    .where('id', '=', sub.deviceKeyId)
    .executeTakeFirst();
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
  await engine.publish([
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

/** Observation rows per INSERT: 17 columns each, well under SQLite's 32,766 bound parameters. */
const OBSERVATION_BATCH = 500;

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
    const first = await nextValues(trx, 'observation', rows.length);
    for (let i = 0; i < rows.length; i += OBSERVATION_BATCH) {
      await trx
        .insertInto('observation')
        .values(
          rows
            .slice(i, i + OBSERVATION_BATCH)
            .map((r, j) => observationRow(r.observation, first + i + j, r.signedText, r.signature)),
        )
        .execute();
    }
    await appendEntries(
      trx,
      rows.map((r) => ({ ...observationEntry(r), at: r.observation.receivedTime })),
      rows[0]!.observation.receivedTime,
    );
    return rows.map((_, i) => first + i);
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
  const row = await ctx.db
    .selectFrom('observation')
    .select(['seq', 'signed_text', 'received_time'])
    .where('client_id', '=', clientId)
    .executeTakeFirst();
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

// ── Alerts ──────────────────────────────────────────────────────────────────────────────────────

/** listAlerts returns an operation's stored alerts, newest first, optionally in one state. */
export async function listAlerts(ctx: Ctx, operationId: string, state?: string): Promise<StoredAlert[]> {
  let q = ctx.db
    .selectFrom('alert')
    .selectAll()
    .where('operation_id', '=', operationId)
    .orderBy('raised_at', 'desc')
    .orderBy('id');
  if (state) q = q.where('state', '=', state);
  return (await q.execute()).map(alertFromRow);
}

/**
 * operationSitrep builds an operation's situation report for a period (ISO `from` inclusive, `to`
 * exclusive), with the mandates and the stored alerts' lifecycle: what the API and the CLI render.
 */
export async function operationSitrep(
  ctx: Ctx,
  operationId: string,
  period: { readonly from?: string; readonly to?: string } = {},
): Promise<Sitrep> {
  const engine = opsEngine(ctx);
  await engine.sync(); // the stored alerts below must be the current ones
  const alerts = await listAlerts(ctx, operationId);
  return engine.read((state, registry) =>
    buildSitrep(state, {
      operationId,
      ...(period.from ? { from: period.from } : {}),
      ...(period.to ? { to: period.to } : {}),
      mandates: registry.mandates,
      alerts,
    }),
  );
}

/** operationHxl returns an operation's HXL CSV: movements per day and route point, or its totals. */
export function operationHxl(ctx: Ctx, operationId: string, table: 'movements' | 'totals'): Promise<string> {
  return opsEngine(ctx).read((state) =>
    table === 'totals' ? operationTotalsHxl(state, operationId) : operationMovementsHxl(state, operationId),
  );
}

/** getAlert returns a stored alert by id, or throws OpsError('UNKNOWN_ALERT'). */
export async function getAlert(ctx: Ctx, id: string): Promise<StoredAlert> {
  const row = await ctx.db.selectFrom('alert').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new OpsError('UNKNOWN_ALERT', 'no such alert', { id });
  return alertFromRow(row);
}

/** changeAlert acknowledges or resolves an alert with a note, and publishes the change. */
export async function changeAlert(
  ctx: Ctx,
  id: string,
  to: 'acknowledged' | 'resolved',
  note: string | null,
): Promise<StoredAlert> {
  const engine = opsEngine(ctx);
  // Level with the store first, so a transition never races a pending re-derivation.
  await engine.sync();
  const current = await getAlert(ctx, id);
  const at = nowIso(ctx);
  const next = transitionAlert(current, to, note, at);
  await ctx.db
    .updateTable('alert')
    .set({ state: next.state, note: next.note, state_changed_at: next.stateChangedAt, updated_at: at })
    .where('id', '=', id)
    .where('state', '=', current.state)
    .execute();
  const stored = await getAlert(ctx, id);
  await engine.publish([{ operationId: stored.operationId, type: 'alert', data: stored }]);
  return stored;
}

export { alertId };
