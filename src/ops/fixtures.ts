/**
 * fixtures.ts — small factories with readable names for the ops tests: a four-point route
 * (origin → two checkpoints → destination, 60 minutes per segment), vehicles, and observations
 * placed in minutes after a fixed start. No clock is read; every time derives from `T0`.
 */
import type { Observation, Operation, OperationLink, Thresholds, Vehicle, VehicleKind } from './model.js';

/** T0 is the fixed start of every test scenario: 15 Dec 2016, 06:00 UTC. */
export const T0 = Date.parse('2016-12-15T06:00:00Z');

/** at returns the epoch ms `minutes` after T0. */
export const at = (minutes: number): number => T0 + minutes * 60_000;
/** iso returns the ISO time `minutes` after T0. */
export const iso = (minutes: number): string => new Date(at(minutes)).toISOString();

/** testOperation returns an active operation `id` with route points `${id}-o|c1|c2|d`. */
export function testOperation(
  id = 'op',
  options: {
    thresholds?: Partial<Thresholds>;
    links?: OperationLink[];
    completedAt?: number;
    plannedPeople?: number;
    unmonitored?: string[];
  } = {},
): Operation {
  const point = (suffix: string, order: number, kind: 'origin' | 'checkpoint' | 'destination') => ({
    id: `${id}-${suffix}`,
    order,
    kind,
    place: { lat: 36 + order / 100, lon: 37, name: `${id} ${suffix}` },
    expectedMinutesToNext: kind === 'destination' ? undefined : 60,
    monitored: !(options.unmonitored ?? []).includes(suffix),
  });
  return {
    id,
    name: `Operation ${id}`,
    mandateIds: [],
    origin: { lat: 36, lon: 37, name: 'origin' },
    destination: { lat: 36.03, lon: 37, name: 'destination' },
    route: [
      point('o', 0, 'origin'),
      point('c1', 1, 'checkpoint'),
      point('c2', 2, 'checkpoint'),
      point('d', 3, 'destination'),
    ],
    plannedPeople: options.plannedPeople ?? 100,
    statusHistory: [
      { status: 'active', at: iso(0), reason: 'agreement in force' },
      ...(options.completedAt !== undefined
        ? [{ status: 'completed' as const, at: iso(options.completedAt), reason: 'last convoy arrived' }]
        : []),
    ],
    links: options.links ?? [],
    thresholds: { unmonitoredMinVehicles: 1, ...options.thresholds },
  };
}

/** testVehicle returns vehicle `id` of operation `operationId`. */
export function testVehicle(
  id: string,
  operationId = 'op',
  kind: VehicleKind = 'bus',
  convoyId?: string,
): Vehicle {
  return {
    id,
    operationId,
    kind,
    marking: id.toUpperCase(),
    capacity: 60,
    ...(convoyId ? { convoyId } : {}),
  };
}

const KIND_BY_POINT = { o: 'departure', c1: 'checkpoint', c2: 'checkpoint', d: 'arrival' } as const;

/** sighting returns an observation of `vehicle` at point suffix `point` (o|c1|c2|d), `minutes` after T0. */
export function sighting(
  clientId: string,
  vehicle: string,
  point: keyof typeof KIND_BY_POINT,
  minutes: number,
  headcount: number | null,
  extra: Partial<Observation> = {},
): Observation {
  const operationId = extra.operationId ?? 'op';
  return {
    clientId,
    operationId,
    routePointId: `${operationId}-${point}`,
    kind: KIND_BY_POINT[point],
    deviceTime: iso(minutes),
    receivedTime: iso(minutes),
    monitorId: 'monitor-01',
    deviceKeyId: 'device-01',
    source: 'un-monitors',
    vehicleIds: [vehicle],
    headcount,
    categories: {},
    note: '',
    photoSha256: [],
    ...extra,
  };
}

/** reportedTotal returns a source's cumulative figure for the operation at `minutes` after T0. */
export function reportedTotal(clientId: string, source: string, minutes: number, total: number): Observation {
  return {
    ...sighting(clientId, 'none', 'd', minutes, total, { source }),
    kind: 'reported-total',
    vehicleIds: [],
  };
}
