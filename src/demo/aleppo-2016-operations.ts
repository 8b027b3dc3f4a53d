/**
 * aleppo-2016-operations.ts — the two linked operations of the aleppo-2016 scenario with their
 * routes, status histories (the 16 Dec suspension, the 18 Dec resumption) and thresholds, and the
 * reported totals of two synthetic sources (an agency and a party's media office).
 */
import type { Observation, Operation } from '../ops/index.js';
import {
  AL_FUAH,
  AL_RASHIDEEN,
  ALEPPO_CITY,
  EASTERN_ALEPPO,
  IDLEB_CITY,
  IDLEB_GOVERNORATE,
  JIBREEN,
  KAFRAYA,
  KHAN_AL_ASAL,
  PARTIES_AGREEMENT,
  RAMOUSEH,
  UNSC_2328,
} from './aleppo-2016-places.js';

export const EAST_ID = 'op-eastern-aleppo';
export const FUAH_ID = 'op-fuah-kafraya';

/** eastOperation is the evacuation of eastern Aleppo via Ramouseh and al-Rashideen to Idleb. */
export function eastOperation(): Operation {
  return {
    id: EAST_ID,
    name: 'Evacuation of eastern Aleppo',
    nameAr: 'إجلاء شرق حلب',
    mandateIds: [PARTIES_AGREEMENT.id, UNSC_2328.id],
    origin: EASTERN_ALEPPO,
    destination: IDLEB_GOVERNORATE,
    route: [
      { id: 'east-0-origin', order: 0, kind: 'origin', place: EASTERN_ALEPPO, expectedMinutesToNext: 60 },
      { id: 'east-1-ramouseh', order: 1, kind: 'checkpoint', place: RAMOUSEH, expectedMinutesToNext: 90 },
      {
        id: 'east-2-rashideen',
        order: 2,
        kind: 'checkpoint',
        place: AL_RASHIDEEN,
        expectedMinutesToNext: 60,
      },
      {
        id: 'east-3-khan-al-asal',
        order: 3,
        kind: 'waypoint',
        place: KHAN_AL_ASAL,
        expectedMinutesToNext: 150,
      },
      { id: 'east-4-idleb', order: 4, kind: 'destination', place: IDLEB_CITY },
    ],
    plannedPeople: 35_000,
    statusHistory: [
      { status: 'planned', at: '2016-12-13T12:00:00.000Z', reason: 'agreement announced' },
      { status: 'active', at: '2016-12-15T05:00:00.000Z', reason: 'first convoy leaves' },
      {
        status: 'suspended',
        at: '2016-12-16T10:00:00.000Z',
        reason:
          "convoys stopped and turned back; the linked evacuation of al-Fu'ah and Kafraya has not moved",
      },
      { status: 'resumed', at: '2016-12-18T12:00:00.000Z', reason: 'agreement renewed for both operations' },
      { status: 'completed', at: '2016-12-22T22:00:00.000Z', reason: 'last convoy arrived' },
    ],
    links: [{ kind: 'gates', other: FUAH_ID, maxLeadPercent: 25 }],
    thresholds: {
      stallAfterMinutes: 180,
      maxDwellMinutes: 120,
      arrivalGraceMinutes: 360,
      unmonitoredMinVehicles: 3,
      sourceTolerancePercent: 5,
    },
  };
}

/** fuahOperation is the linked evacuation of al-Fu'ah and Kafraya to Jibreen (Aleppo). */
export function fuahOperation(): Operation {
  return {
    id: FUAH_ID,
    name: "Evacuation of al-Fu'ah and Kafraya",
    nameAr: 'إجلاء الفوعة وكفريا',
    mandateIds: [PARTIES_AGREEMENT.id, UNSC_2328.id],
    origin: AL_FUAH,
    destination: ALEPPO_CITY,
    route: [
      { id: 'fk-0-fuah', order: 0, kind: 'origin', place: AL_FUAH, expectedMinutesToNext: 30 },
      { id: 'fk-1-kafraya', order: 1, kind: 'waypoint', place: KAFRAYA, expectedMinutesToNext: 120 },
      { id: 'fk-2-rashideen', order: 2, kind: 'checkpoint', place: AL_RASHIDEEN, expectedMinutesToNext: 60 },
      { id: 'fk-3-ramouseh', order: 3, kind: 'checkpoint', place: RAMOUSEH, expectedMinutesToNext: 60 },
      { id: 'fk-4-jibreen', order: 4, kind: 'destination', place: JIBREEN },
    ],
    plannedPeople: 1_300,
    statusHistory: [
      { status: 'planned', at: '2016-12-13T12:00:00.000Z', reason: 'agreement announced' },
      {
        status: 'active',
        at: '2016-12-18T06:00:00.000Z',
        reason: 'buses sent to the villages (synthetic incident: attacked on the way; none leave that day)',
      },
      { status: 'completed', at: '2016-12-22T22:00:00.000Z', reason: 'last convoy arrived' },
    ],
    links: [{ kind: 'reciprocal', other: EAST_ID }],
    thresholds: {
      stallAfterMinutes: 22 * 60,
      maxDwellMinutes: 120,
      arrivalGraceMinutes: 360,
      unmonitoredMinVehicles: 3,
      sourceTolerancePercent: 5,
    },
  };
}

/**
 * withCompletion returns the operation completed at the first whole half hour at least 30 minutes
 * after `lastArrivalMs` (the scenario declares completion once the last vehicle is in).
 */
export function withCompletion(operation: Operation, lastArrivalMs: number): Operation {
  const step = 30 * 60_000;
  const at = new Date(Math.ceil((lastArrivalMs + step) / step) * step).toISOString();
  return {
    ...operation,
    statusHistory: operation.statusHistory.map((c) => (c.status === 'completed' ? { ...c, at } : c)),
  };
}

/** REPORTS are the synthetic sources' cumulative figures for eastern Aleppo (party: one outlier). */
const REPORTS: ReadonlyArray<readonly [string, string, number]> = [
  ['humanitarian-agency-a', '2016-12-15T23:00:00.000Z', 9_000],
  ['party-media-b', '2016-12-15T22:00:00.000Z', 9_200],
  ['humanitarian-agency-a', '2016-12-16T23:00:00.000Z', 11_000],
  ['humanitarian-agency-a', '2016-12-18T23:00:00.000Z', 15_000],
  ['humanitarian-agency-a', '2016-12-19T23:00:00.000Z', 20_500],
  ['humanitarian-agency-a', '2016-12-20T23:00:00.000Z', 26_000],
  ['party-media-b', '2016-12-20T21:00:00.000Z', 30_500],
  ['humanitarian-agency-a', '2016-12-21T23:00:00.000Z', 31_000],
  ['humanitarian-agency-a', '2016-12-22T23:00:00.000Z', 35_000],
];

/** reportedTotals returns the sources' figures as `reported-total` observations logged by a monitor. */
export function reportedTotals(east: Operation): Observation[] {
  return REPORTS.map(([source, at, total]) => ({
    clientId: `report.${source}.${at.slice(0, 10)}`,
    operationId: east.id,
    routePointId: 'east-4-idleb',
    kind: 'reported-total',
    deviceTime: at,
    receivedTime: at,
    monitorId: 'monitor-09',
    deviceKeyId: 'device-monitor-09',
    source,
    vehicleIds: [],
    headcount: total,
    categories: {},
    note: `cumulative figure reported by ${source} (synthetic)`,
    photoSha256: [],
  }));
}
