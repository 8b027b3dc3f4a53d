import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OpsErrorCode } from '../errors.js';
import { at, sighting, testOperation, testVehicle } from '../fixtures.js';
import type { Observation } from '../model.js';
import { validateObservation } from './validation.js';

const vehicles = new Map([
  ['v1', testVehicle('v1')],
  ['elsewhere', testVehicle('elsewhere', 'other-op')],
]);
const ctx = { operation: testOperation(), vehicleById: (id: string) => vehicles.get(id), nowMs: at(60) };
const codes = (obs: Observation) => validateObservation(obs, ctx).map((e) => e.code);
const good = sighting('obs-1', 'v1', 'c1', 30, 50, {
  categories: { adults: 30, children: 20, unaccompaniedMinors: 2 },
});

describe('validateObservation', () => {
  it('accepts a well-formed observation', () => {
    assert.deepEqual(codes(good), []);
  });

  const cases: Array<[string, Partial<Observation>, OpsErrorCode]> = [
    ['a negative headcount', { headcount: -1, categories: {} }, 'NEGATIVE_COUNT'],
    ['a negative category', { categories: { children: -2 } }, 'NEGATIVE_COUNT'],
    [
      'categories above the headcount',
      { categories: { adults: 40, children: 20 } },
      'CATEGORY_SUM_EXCEEDS_HEADCOUNT',
    ],
    [
      'more unaccompanied minors than children',
      { categories: { children: 2, unaccompaniedMinors: 3 } },
      'CATEGORY_SUM_EXCEEDS_HEADCOUNT',
    ],
    ['an unknown vehicle', { vehicleIds: ['ghost'] }, 'UNKNOWN_VEHICLE'],
    ["another operation's vehicle (as if unknown)", { vehicleIds: ['elsewhere'] }, 'UNKNOWN_VEHICLE'],
    ['a point off the route', { routePointId: 'somewhere' }, 'POINT_NOT_ON_ROUTE'],
    ['an arrival at a checkpoint', { kind: 'arrival' }, 'KIND_DOES_NOT_MATCH_POINT'],
    ['a device time far in the future', { deviceTime: '2016-12-15T07:30:00.000Z' }, 'TIME_IN_FUTURE'],
    ['a fractional headcount', { headcount: 1.5, categories: {} }, 'INVALID_OBSERVATION'],
    ['a local time without Z', { deviceTime: '2016-12-15T06:30:00' }, 'INVALID_OBSERVATION'],
    ['a client id with a slash', { clientId: '../etc' }, 'INVALID_OBSERVATION'],
    ['an overlong note', { note: 'x'.repeat(4001) }, 'INVALID_OBSERVATION'],
    ['no vehicles', { vehicleIds: [] }, 'INVALID_OBSERVATION'],
    ['a vehicle named twice', { vehicleIds: ['v1', 'v1'] }, 'INVALID_OBSERVATION'],
  ];
  for (const [what, change, code] of cases) {
    it(`fails with ${code} on ${what}`, () => {
      assert.ok(
        codes({ ...good, ...change }).includes(code),
        `got ${codes({ ...good, ...change }).join(',')}`,
      );
    });
  }

  it('reports every problem at once', () => {
    const got = codes({ ...good, headcount: -1, categories: {}, vehicleIds: ['ghost'], routePointId: 'x' });
    assert.deepEqual(got.sort(), ['NEGATIVE_COUNT', 'POINT_NOT_ON_ROUTE', 'UNKNOWN_VEHICLE']);
  });
});
