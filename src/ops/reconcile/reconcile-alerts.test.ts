/**
 * reconcile-alerts.test.ts — each alert kind is raised by a minimal scenario and not by its control
 * (the same scenario without the incident), through both the incremental engine and the full
 * recompute.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, reportedTotal, sighting, testOperation, testVehicle } from '../fixtures.js';
import type { AlertKind, Observation, Operation, Vehicle } from '../model.js';
import { applyObservation, createReconcileState, reconcileAll, tick } from './reconcile.js';

interface Scenario {
  operations?: Operation[];
  vehicles?: Vehicle[];
  observations: Observation[];
  nowMinutes: number;
}

function kindsRaised(s: Scenario): { incremental: AlertKind[]; full: AlertKind[] } {
  const input = {
    operations: s.operations ?? [testOperation()],
    convoys: [{ id: 'convoy-1', operationId: 'op', label: 'Convoy 1' }],
    vehicles: s.vehicles ?? [
      testVehicle('v1', 'op', 'bus', 'convoy-1'),
      testVehicle('v2', 'op', 'bus', 'convoy-1'),
    ],
  };
  const state = createReconcileState(input, at(0));
  for (const obs of s.observations) applyObservation(state, obs, Date.parse(obs.receivedTime));
  tick(state, at(s.nowMinutes));
  const full = reconcileAll(input, s.observations, at(s.nowMinutes));
  const kinds = (m: Map<string, { kind: AlertKind }>) =>
    [...new Set([...m.values()].map((a) => a.kind))].sort();
  return { incremental: kinds(state.alerts), full: kinds(full.alerts) };
}

/** fullTrip returns sightings of v1 at all four points, 30 minutes apart, with the counts given. */
function fullTrip(counts = [50, 50, 50, 50], start = 0): Observation[] {
  return (['o', 'c1', 'c2', 'd'] as const).map((p, i) =>
    sighting(`v1-${p}-${start}`, 'v1', p, start + 30 * i, counts[i]!),
  );
}

function expectRaised(kind: AlertKind, incident: Scenario, control: Scenario) {
  describe(kind, () => {
    it('is raised by the incident (incremental and full recompute)', () => {
      const got = kindsRaised(incident);
      assert.ok(
        got.incremental.includes(kind),
        `incremental raised ${got.incremental.join(',')}, want ${kind}`,
      );
      assert.deepEqual(got.full, got.incremental);
    });
    it('is not raised by the control', () => {
      const got = kindsRaised(control);
      assert.ok(!got.incremental.includes(kind), `control raised ${got.incremental.join(',')}`);
      assert.deepEqual(got.full, got.incremental);
    });
  });
}

describe('reconciliation alerts', () => {
  expectRaised(
    'people-unaccounted',
    { observations: fullTrip([50, 47, 47, 47]), nowMinutes: 120 },
    { observations: fullTrip(), nowMinutes: 120 },
  );

  expectRaised(
    'vehicle-overdue',
    { observations: [sighting('a', 'v1', 'o', 0, 50), sighting('b', 'v1', 'c1', 75, 50)], nowMinutes: 90 },
    { observations: [sighting('a', 'v1', 'o', 0, 50), sighting('b', 'v1', 'c1', 45, 50)], nowMinutes: 90 },
  );

  expectRaised(
    'excessive-dwell',
    {
      observations: [
        ...fullTrip().slice(0, 2),
        sighting('held', 'v1', 'c1', 200, 50, { monitorId: 'monitor-02' }),
      ],
      nowMinutes: 210,
    },
    {
      observations: [
        ...fullTrip().slice(0, 2),
        sighting('held', 'v1', 'c1', 60, 50, { monitorId: 'monitor-02' }),
      ],
      nowMinutes: 100,
    },
  );

  expectRaised(
    'vehicle-missing-at-arrival',
    {
      operations: [testOperation('op', { completedAt: 300, thresholds: { arrivalGraceMinutes: 60 } })],
      observations: fullTrip().slice(0, 3),
      nowMinutes: 400,
    },
    {
      operations: [testOperation('op', { completedAt: 300, thresholds: { arrivalGraceMinutes: 60 } })],
      observations: fullTrip(),
      nowMinutes: 400,
    },
  );

  expectRaised(
    'convoy-turned-back',
    {
      observations: [
        sighting('a', 'v1', 'o', 0, 50),
        { ...sighting('b', 'v1', 'c1', 30, 50), kind: 'turned-back' },
        ...fullTrip(undefined, 100),
      ],
      nowMinutes: 200,
    },
    { observations: fullTrip(), nowMinutes: 200 },
  );

  expectRaised(
    'operation-stalled',
    { observations: [...fullTrip(), ...fullTrip(undefined, 400)], nowMinutes: 500 },
    { observations: [...fullTrip(), ...fullTrip(undefined, 150)], nowMinutes: 250 },
  );

  const linked = (otherPeople: number): Scenario => ({
    operations: [
      testOperation('op', {
        links: [{ kind: 'gates', other: 'other', maxLeadPercent: 25 }],
        plannedPeople: 50,
      }),
      testOperation('other', { plannedPeople: 100 }),
    ],
    vehicles: [testVehicle('v1'), testVehicle('w1', 'other')],
    observations: [
      ...fullTrip(),
      ...(['o', 'c1', 'c2', 'd'] as const).map((p, i) =>
        sighting(`w1-${p}`, 'w1', p, 30 * i, otherPeople, { operationId: 'other' }),
      ),
    ],
    nowMinutes: 24 * 60,
  });
  expectRaised('linked-operation-out-of-step', linked(10), linked(90));

  expectRaised(
    'conflicting-observations',
    {
      observations: [...fullTrip(), sighting('c1-b', 'v1', 'c1', 31, 52, { monitorId: 'monitor-02' })],
      nowMinutes: 120,
    },
    {
      observations: [...fullTrip(), sighting('c1-b', 'v1', 'c1', 31, 50, { monitorId: 'monitor-02' })],
      nowMinutes: 120,
    },
  );

  expectRaised(
    'route-point-unmonitored',
    { observations: fullTrip().filter((o) => !o.routePointId.endsWith('c1')), nowMinutes: 120 },
    { observations: fullTrip(), nowMinutes: 120 },
  );

  expectRaised(
    'source-totals-diverge',
    {
      observations: [reportedTotal('r1', 'sarc', 60, 1000), reportedTotal('r2', 'party-a', 70, 800)],
      nowMinutes: 120,
    },
    {
      observations: [reportedTotal('r1', 'sarc', 60, 1000), reportedTotal('r2', 'party-a', 70, 990)],
      nowMinutes: 120,
    },
  );
});

describe('when a late observation shows the vehicle was on time', () => {
  it('withdraws the overdue alert raised while it was unseen', () => {
    const input = { operations: [testOperation()], convoys: [], vehicles: [testVehicle('v1')] };
    const state = createReconcileState(input, at(0));
    applyObservation(state, sighting('a', 'v1', 'o', 0, 50), at(0));
    const raised = tick(state, at(61));
    assert.deepEqual(
      raised.map((c) => [c.type, c.alert.kind]),
      [['raised', 'vehicle-overdue']],
    );
    const late = applyObservation(
      state,
      { ...sighting('b', 'v1', 'c1', 40, 50), receivedTime: '2016-12-15T07:05:00.000Z' },
      at(65),
    );
    assert.deepEqual(
      late.changes.map((c) => [c.type, c.alert.kind]),
      [['withdrawn', 'vehicle-overdue']],
    );
  });
});

describe('when the people-unaccounted discrepancy is made good at arrival', () => {
  it('keeps the alert as a warning with recoveredAtArrival', () => {
    const state = reconcileAll(
      { operations: [testOperation()], convoys: [], vehicles: [testVehicle('v1')] },
      fullTrip([50, 47, 50, 50]),
      at(200),
    );
    const alert = [...state.alerts.values()].find((a) => a.kind === 'people-unaccounted');
    assert.equal(alert?.severity, 'warning');
    assert.equal(alert?.evidence.figures.recoveredAtArrival, true);
    assert.equal(alert?.evidence.figures.missing, 3);
  });
});
