/**
 * observation-validation.ts — checks an incoming observation against its operation before anything
 * is stored: counts are non-negative integers, categories fit the headcount, vehicles are known and
 * belong to the operation, the point is on the route and fits the kind, and the device time is not
 * far in the future. Every field is attacker-controlled (it comes from a device over the network),
 * so sizes are bounded and types are checked rather than trusted.
 */
import { OpsError } from '../errors.js';
import type { CategoryCounts, Observation, Operation, Vehicle } from '../model.js';

/** ValidationContext is what an observation is checked against. */
export interface ValidationContext {
  readonly operation: Operation;
  readonly vehicleById: (id: string) => Vehicle | undefined;
  /** The server's clock, epoch milliseconds. */
  readonly nowMs: number;
  /** How far ahead of the server clock a device time may be (clock skew). Default 10 minutes. */
  readonly futureToleranceMs?: number;
}

export const LIMITS = Object.freeze({
  idLength: 128,
  noteLength: 4000,
  vehicles: 200,
  photos: 20,
  headcount: 10_000,
  reportedTotal: 100_000_000,
});

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** isOpsId says whether `value` is an id as ops records use them (client, vehicle, point, …). */
export function isOpsId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= LIMITS.idLength && ID.test(value);
}
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const VEHICLE_KINDS = new Set(['departure', 'checkpoint', 'arrival', 'turned-back']);

/**
 * validateObservation returns every problem with `obs` as typed OpsErrors (empty when valid), so a
 * caller can report them all; `assertValidObservation` throws the first.
 */
export function validateObservation(obs: Observation, ctx: ValidationContext): OpsError[] {
  const errors: OpsError[] = [];
  const fail = (code: ConstructorParameters<typeof OpsError>[0], message: string, details = {}) =>
    errors.push(new OpsError(code, message, { clientId: String(obs.clientId).slice(0, 64), ...details }));

  for (const [field, value] of [
    ['clientId', obs.clientId],
    ['monitorId', obs.monitorId],
    ['deviceKeyId', obs.deviceKeyId],
    ['source', obs.source],
  ] as const) {
    if (!isOpsId(value)) {
      fail('INVALID_OBSERVATION', `${field} must be an id of at most ${LIMITS.idLength} characters`, {
        field,
      });
    }
  }
  if (obs.operationId !== ctx.operation.id) {
    fail('INVALID_OBSERVATION', 'observation is for another operation', { operationId: obs.operationId });
  }
  if (typeof obs.note !== 'string' || obs.note.length > LIMITS.noteLength) {
    fail('INVALID_OBSERVATION', `note must be text of at most ${LIMITS.noteLength} characters`);
  }
  if (!Array.isArray(obs.photoSha256) || obs.photoSha256.length > LIMITS.photos) {
    fail('INVALID_OBSERVATION', `at most ${LIMITS.photos} photos`);
  }
  checkTime(obs, ctx, fail);
  checkPoint(obs, ctx.operation, fail);
  checkCounts(obs, fail);
  checkVehicles(obs, ctx, fail);
  return errors;
}

/** assertValidObservation throws the first error `validateObservation` finds. */
export function assertValidObservation(obs: Observation, ctx: ValidationContext): void {
  const [first] = validateObservation(obs, ctx);
  if (first) throw first;
}

type Fail = (code: ConstructorParameters<typeof OpsError>[0], message: string, details?: object) => void;

function checkTime(obs: Observation, ctx: ValidationContext, fail: Fail): void {
  const tolerance = ctx.futureToleranceMs ?? 10 * 60_000;
  for (const field of ['deviceTime', 'receivedTime'] as const) {
    const value = obs[field];
    if (typeof value !== 'string' || !ISO_TIME.test(value) || Number.isNaN(Date.parse(value))) {
      fail('INVALID_OBSERVATION', `${field} must be UTC ISO 8601 (…Z)`, { field });
      return;
    }
  }
  const device = Date.parse(obs.deviceTime);
  if (device > ctx.nowMs + tolerance || device > Date.parse(obs.receivedTime) + tolerance) {
    fail('TIME_IN_FUTURE', 'device time is ahead of the server clock beyond the tolerance', {
      deviceTime: obs.deviceTime,
      toleranceMs: tolerance,
    });
  }
}

function checkPoint(obs: Observation, operation: Operation, fail: Fail): void {
  const point = operation.route.find((p) => p.id === obs.routePointId);
  if (!point) {
    fail('POINT_NOT_ON_ROUTE', 'route point is not on the operation route', {
      routePointId: obs.routePointId,
    });
    return;
  }
  const fits =
    (obs.kind === 'departure' && point.kind === 'origin') ||
    (obs.kind === 'arrival' && point.kind === 'destination') ||
    (obs.kind === 'checkpoint' && (point.kind === 'checkpoint' || point.kind === 'waypoint')) ||
    (obs.kind === 'turned-back' && point.kind !== 'destination') ||
    obs.kind === 'reported-total';
  if (!VEHICLE_KINDS.has(obs.kind) && obs.kind !== 'reported-total') {
    fail('INVALID_OBSERVATION', `unknown observation kind ${JSON.stringify(String(obs.kind)).slice(0, 40)}`);
  } else if (!fits) {
    fail('KIND_DOES_NOT_MATCH_POINT', `a ${obs.kind} observation cannot be made at a ${point.kind} point`, {
      kind: obs.kind,
      routePointId: point.id,
    });
  }
}

function checkCounts(obs: Observation, fail: Fail): void {
  const counts: Array<[string, unknown]> = [['headcount', obs.headcount]];
  const categories: CategoryCounts = obs.categories ?? {};
  for (const [k, v] of Object.entries(categories)) counts.push([k, v]);
  let ok = true;
  for (const [field, n] of counts) {
    if (n === null || n === undefined) continue;
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      fail('INVALID_OBSERVATION', `${field} must be an integer`, { field });
      ok = false;
    } else if (n < 0) {
      fail('NEGATIVE_COUNT', `${field} must not be negative`, { field, value: n });
      ok = false;
    } else if (n > (obs.kind === 'reported-total' ? LIMITS.reportedTotal : LIMITS.headcount)) {
      fail('INVALID_OBSERVATION', `${field} is too large`, { field });
      ok = false;
    }
  }
  if (obs.kind === 'reported-total') return;
  if (!ok) return;
  const head = obs.headcount;
  const { adults = 0, children = 0, medical = 0, unaccompaniedMinors = 0 } = categories;
  if (head === null) {
    if (Object.keys(categories).length > 0) fail('INVALID_OBSERVATION', 'categories need a headcount');
    return;
  }
  if (adults + children > head || medical > head) {
    fail('CATEGORY_SUM_EXCEEDS_HEADCOUNT', 'category counts exceed the headcount', { headcount: head });
  }
  if (unaccompaniedMinors > (categories.children ?? head)) {
    fail('CATEGORY_SUM_EXCEEDS_HEADCOUNT', 'unaccompanied minors exceed the children counted');
  }
}

function checkVehicles(obs: Observation, ctx: ValidationContext, fail: Fail): void {
  if (!Array.isArray(obs.vehicleIds) || obs.vehicleIds.length > LIMITS.vehicles) {
    fail('INVALID_OBSERVATION', `vehicleIds must be a list of at most ${LIMITS.vehicles}`);
    return;
  }
  if (obs.kind === 'reported-total') {
    if (obs.vehicleIds.length > 0) fail('INVALID_OBSERVATION', 'a reported total names no vehicles');
    if (obs.headcount === null) fail('INVALID_OBSERVATION', 'a reported total needs a headcount');
    return;
  }
  if (obs.vehicleIds.length === 0) fail('INVALID_OBSERVATION', 'a vehicle observation names its vehicles');
  if (new Set(obs.vehicleIds).size !== obs.vehicleIds.length) {
    fail('INVALID_OBSERVATION', 'a vehicle is named twice');
  }
  for (const id of obs.vehicleIds) {
    const vehicle = typeof id === 'string' ? ctx.vehicleById(id) : undefined;
    // Another operation's vehicle is "not registered to this operation", exactly as a vehicle that
    // does not exist: the other operation may be in a compartment the monitor cannot see.
    if (vehicle?.operationId !== ctx.operation.id)
      fail('UNKNOWN_VEHICLE', 'vehicle is not registered to this operation', {
        vehicleId: String(id).slice(0, 64),
      });
  }
}
