import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, sighting, testOperation, testVehicle } from '../fixtures.js';
import { reconcileAll } from '../reconcile/reconcile.js';
import { learnSegmentTimes, withLearnedSegmentTimes } from './segment-learning.js';

describe('learnSegmentTimes', () => {
  const vehicles = Array.from({ length: 11 }, (_, i) => testVehicle(`v${i}`));
  // Vehicle i takes 20 + i minutes from o to c1 (median 25) and is not seen after c1.
  const observations = vehicles.flatMap((v, i) => [
    sighting(`${v.id}-o`, v.id, 'o', 0, 40),
    sighting(`${v.id}-c1`, v.id, 'c1', 20 + i, 40),
  ]);
  const input = { operations: [testOperation()], convoys: [], vehicles };
  const state = reconcileAll(input, observations, at(30));

  it('learns the median transit times the factor, for segments with enough samples', () => {
    assert.deepEqual(learnSegmentTimes(state, 'op', { factor: 2, minSamples: 10 }), [
      { fromPointId: 'op-o', samples: 11, medianMinutes: 25, expectedMinutes: 50 },
    ]);
  });

  it('feeds an operation that raises overdue from the learned times', () => {
    const learned = withLearnedSegmentTimes(testOperation(), learnSegmentTimes(state, 'op', { factor: 1 }));
    assert.equal(learned.route[0]?.expectedMinutesToNext, 25);
    const again = reconcileAll({ ...input, operations: [learned] }, observations, at(30));
    const overdue = [...again.alerts.values()]
      .filter((a) => a.kind === 'vehicle-overdue')
      .map((a) => a.subject.id);
    assert.deepEqual(overdue.sort(), ['v10', 'v5', 'v6', 'v7', 'v8', 'v9']);
  });
});
