/**
 * ops.ts — a small evacuation operation for API and browser tests, and a monitor's device that
 * signs observations the way the monitor app does (canonical JSON of the posted object, Ed25519).
 *
 *   await planOperations(ctx, smallPlan('general'), 'test');
 *   const device = await deviceFor(ctx, monitorUserId);
 *   const body = device.submission({ clientId: 'c1', routePointId: 'pt-origin', kind: 'departure', … });
 */
import { randomBytes } from 'node:crypto';
import type { Ctx } from '../../src/ctx.js';
import {
  type DeviceKey,
  deviceKeyFromSeed,
  type ObservationWire,
  type OperationPlan,
  registerDeviceKey,
  signSignedText,
  type Vehicle,
  wireSigningText,
} from '../../src/ops/index.js';

export const SMALL_OP = 'op-eastern-aleppo';

/** smallPlan is one active operation (origin → Ramouseh → al-Rashideen → destination), five vehicles. */
export function smallPlan(compartment: string, options: { activeAt?: string } = {}): OperationPlan {
  const vehicles: Vehicle[] = [
    {
      id: 'veh-bus-017',
      operationId: SMALL_OP,
      convoyId: 'convoy-1',
      kind: 'bus',
      marking: 'BUS-017',
      capacity: 60,
    },
    {
      id: 'veh-bus-018',
      operationId: SMALL_OP,
      convoyId: 'convoy-1',
      kind: 'bus',
      marking: 'BUS-018',
      capacity: 60,
    },
    {
      id: 'veh-amb-03',
      operationId: SMALL_OP,
      convoyId: 'convoy-1',
      kind: 'ambulance',
      marking: 'AMB-03',
      capacity: 4,
    },
    { id: 'veh-car-101', operationId: SMALL_OP, kind: 'private', marking: 'ALP-101', capacity: 7 },
    { id: 'veh-car-102', operationId: SMALL_OP, kind: 'private', marking: 'ALP-102', capacity: 7 },
  ];
  return {
    mandates: [
      {
        id: 'unsc-2328',
        body: 'security-council',
        instrument: 'S/RES/2328 (2016)',
        date: '2016-12-19',
        textRef: 'https://undocs.org/S/RES/2328(2016)',
        vote: { yes: 15, no: 0, abstain: 0, membership: 15 },
        unanimous: true,
      },
    ],
    operations: [
      {
        id: SMALL_OP,
        name: 'Eastern Aleppo evacuation',
        nameAr: 'إجلاء شرق حلب',
        compartment,
        mandateIds: ['unsc-2328'],
        origin: { name: 'Eastern Aleppo', nameAr: 'حلب الشرقية', lat: 36.19, lon: 37.17 },
        destination: { pcode: 'C1007', name: 'Western Aleppo countryside', lat: 36.18, lon: 36.95 },
        route: [
          {
            id: 'pt-origin',
            order: 0,
            kind: 'origin',
            place: { name: 'Eastern Aleppo', nameAr: 'حلب الشرقية', lat: 36.19, lon: 37.17 },
            expectedMinutesToNext: 60,
          },
          {
            id: 'pt-ramouseh',
            order: 1,
            kind: 'checkpoint',
            place: { name: 'Ramouseh', nameAr: 'الراموسة', lat: 36.16, lon: 37.13 },
            expectedMinutesToNext: 60,
          },
          {
            id: 'pt-rashideen',
            order: 2,
            kind: 'checkpoint',
            place: { name: 'al-Rashideen', nameAr: 'الراشدين', lat: 36.18, lon: 37.06 },
            expectedMinutesToNext: 90,
          },
          {
            id: 'pt-destination',
            order: 3,
            kind: 'destination',
            place: { name: 'Khan al-Asal', nameAr: 'خان العسل', lat: 36.17, lon: 37.02 },
          },
        ],
        plannedPeople: 300,
        statusHistory: [
          {
            status: 'active',
            at: options.activeAt ?? '2016-12-15T05:00:00.000Z',
            reason: 'agreement in force',
          },
        ],
        links: [],
      },
    ],
    convoys: [{ id: 'convoy-1', operationId: SMALL_OP, label: 'Convoy 1' }],
    vehicles,
    manifests: [],
  };
}

export interface TestDevice {
  readonly deviceKeyId: string;
  readonly key: DeviceKey;
  /** submission signs `wire` and returns the POST /api/ops/observations body. */
  submission(wire: ObservationWire): { deviceKeyId: string; signature: string; observation: ObservationWire };
}

/** deviceFor registers a fresh device key for `userId`. */
export async function deviceFor(ctx: Ctx, userId: string): Promise<TestDevice> {
  const key = deviceKeyFromSeed(randomBytes(32));
  const deviceKeyId = await registerDeviceKey(ctx, userId, key.publicKeyRawB64, 'test phone');
  return {
    deviceKeyId,
    key,
    submission: (wire) => ({
      deviceKeyId,
      signature: signSignedText(wireSigningText(wire), key),
      observation: wire,
    }),
  };
}

let counter = 0;

/** sighting is a wire observation of one vehicle at a point, `minutes` after 06:00 on 15 Dec 2016. */
export function sighting(
  vehicleId: string,
  routePointId: string,
  kind: ObservationWire['kind'],
  headcount: number,
  minutes: number,
  extra: Partial<ObservationWire> = {},
): ObservationWire {
  counter += 1;
  return {
    clientId: `obs-${process.pid}-${counter}-${randomBytes(3).toString('hex')}`,
    operationId: SMALL_OP,
    routePointId,
    deviceTime: new Date(Date.parse('2016-12-15T06:00:00Z') + minutes * 60_000).toISOString(),
    kind,
    vehicleIds: [vehicleId],
    headcount,
    categories: {
      adults: Math.ceil(headcount / 2),
      children: Math.floor(headcount / 2),
      medical: 0,
      unaccompaniedMinors: 0,
    },
    ...extra,
  };
}

/** freshPlan is smallPlan with every id suffixed, so that it can be planned again in one store. */
export function freshPlan(compartment: string): OperationPlan {
  const tag = randomBytes(4).toString('hex');
  const plan = smallPlan(compartment);
  const opId = `${SMALL_OP}-${tag}`;
  return {
    mandates: [],
    operations: plan.operations.map((o) => ({ ...o, id: opId, mandateIds: [] })),
    convoys: plan.convoys.map((c) => ({ ...c, id: `${c.id}-${tag}`, operationId: opId })),
    vehicles: plan.vehicles.map((v) => ({
      ...v,
      id: `${v.id}-${tag}`,
      operationId: opId,
      ...(v.convoyId ? { convoyId: `${v.convoyId}-${tag}` } : {}),
    })),
    manifests: [],
  };
}

/** PNG_1PX is a 1×1 PNG: a photo small enough for tests. */
export const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
