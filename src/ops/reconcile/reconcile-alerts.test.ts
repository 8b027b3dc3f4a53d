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

describe('when a late observation shows the vehicle was on time (issue 13.2: no news is not bad news)', () => {
  it('raises point-not-reporting for the silent point, never vehicle-overdue, and withdraws it', () => {
    const input = { operations: [testOperation()], convoys: [], vehicles: [testVehicle('v1')] };
    const state = createReconcileState(input, at(0));
    applyObservation(state, sighting('a', 'v1', 'o', 0, 50), at(0));
    const raised = tick(state, at(61));
    assert.deepEqual(
      raised.map((c) => [c.type, c.alert.kind]),
      [['raised', 'point-not-reporting']],
    );
    const silent = raised[0]!.alert;
    assert.equal(silent.subject.id, 'op-c1');
    assert.equal(silent.evidence.figures.vehicles, 'V1');
    const late = applyObservation(
      state,
      { ...sighting('b', 'v1', 'c1', 40, 50), receivedTime: '2016-12-15T07:05:00.000Z' },
      at(65),
    );
    assert.deepEqual(
      late.changes.map((c) => [c.type, c.alert.kind]),
      [['withdrawn', 'point-not-reporting']],
    );
  });

  it('raises vehicle-overdue once the point has reported past the due time without the vehicle', () => {
    const input = {
      operations: [testOperation()],
      convoys: [],
      vehicles: [testVehicle('v1'), testVehicle('v2')],
    };
    const state = createReconcileState(input, at(0));
    applyObservation(state, sighting('a', 'v1', 'o', 0, 50), at(0));
    tick(state, at(61));
    // Another vehicle seen at c1 at 70 min: c1 reports, and v1 (due by 60) was not there.
    const news = applyObservation(state, sighting('b', 'v2', 'c1', 70, 40), at(71));
    const kinds = news.changes.map((c) => [c.type, c.alert.kind]);
    assert.ok(
      kinds.some(([t, k]) => t === 'raised' && k === 'vehicle-overdue'),
      JSON.stringify(kinds),
    );
    assert.ok(
      kinds.some(([t, k]) => t === 'withdrawn' && k === 'point-not-reporting'),
      JSON.stringify(kinds),
    );
    const full = reconcileAll(input, [...state.observations.values()], at(71));
    assert.deepEqual([...full.alerts.keys()].sort(), [...state.alerts.keys()].sort());
  });
});

describe("a vehicle's time-based conditions (issue 13.2: one alert per subject)", () => {
  it('are one alert whose kind and severity escalate, with its history', () => {
    const op = testOperation('op', { completedAt: 120, thresholds: { arrivalGraceMinutes: 60 } });
    const input = { operations: [op], convoys: [], vehicles: [testVehicle('v1'), testVehicle('v2')] };
    const observations = [
      sighting('a', 'v1', 'o', 0, 50),
      sighting('b', 'v2', 'c1', 70, 40), // c1 reports past v1's due time (60): v1 is overdue
    ];
    const state = reconcileAll(input, observations, at(300)); // after completion + grace: missing
    const mine = [...state.alerts.values()].filter((a) => a.subject.id === 'v1');
    assert.equal(mine.length, 1, mine.map((a) => a.kind).join(','));
    assert.equal(mine[0]!.kind, 'vehicle-missing-at-arrival');
    assert.equal(mine[0]!.severity, 'critical');
    assert.deepEqual(
      mine[0]!.history.map((h) => h.kind),
      ['vehicle-overdue', 'vehicle-missing-at-arrival'],
    );
    assert.equal(mine[0]!.raisedAt, mine[0]!.history[0]!.since);
  });
});

describe('when two monitors give different counts and neither has a majority (issue 13.3)', () => {
  it('uses the lower figure, carries the range, and raises no people-unaccounted', () => {
    const input = { operations: [testOperation()], convoys: [], vehicles: [testVehicle('v1')] };
    const state = reconcileAll(
      input,
      [
        sighting('a', 'v1', 'o', 0, 50),
        sighting('b', 'v1', 'c1', 30, 50),
        sighting('c', 'v1', 'c1', 31, 47, { monitorId: 'monitor-02' }),
      ],
      at(40),
    );
    const kinds = [...state.alerts.values()].map((a) => a.kind);
    assert.ok(!kinds.includes('people-unaccounted'), kinds.join(','));
    const dispute = [...state.alerts.values()].find((a) => a.kind === 'conflicting-observations')!;
    assert.equal(dispute.evidence.figures.basis, 'tie');
    assert.equal(dispute.evidence.figures.accepted, 47);
    assert.equal(dispute.evidence.figures.min, 47);
    assert.equal(dispute.evidence.figures.max, 50);
  });

  it('still raises people-unaccounted when even the most favourable figure shows a loss', () => {
    const input = { operations: [testOperation()], convoys: [], vehicles: [testVehicle('v1')] };
    const state = reconcileAll(
      input,
      [
        sighting('a', 'v1', 'o', 0, 50),
        sighting('b', 'v1', 'c1', 30, 44),
        sighting('c', 'v1', 'c1', 31, 45, { monitorId: 'monitor-02' }),
      ],
      at(40),
    );
    const drop = [...state.alerts.values()].find((a) => a.kind === 'people-unaccounted')!;
    assert.equal(drop.evidence.figures.missing, 5);
  });
});

describe('a vehicle passing a monitored point unseen (issue 13.4)', () => {
  it('names the vehicles, and one ambulance is enough', () => {
    const amb = { ...testVehicle('amb', 'op', 'ambulance'), marking: 'AMB-1' };
    const op = testOperation('op', { thresholds: { unmonitoredMinVehicles: 3 } });
    const input = { operations: [op], convoys: [], vehicles: [amb, testVehicle('v1')] };
    const skip = (id: string) => [sighting(`${id}-o`, id, 'o', 0, 3), sighting(`${id}-c2`, id, 'c2', 50, 3)];
    const withAmbulance = reconcileAll(input, skip('amb'), at(60));
    const alert = [...withAmbulance.alerts.values()].find((a) => a.kind === 'route-point-unmonitored');
    assert.ok(alert, 'one ambulance passing unseen raises the alert');
    assert.equal(alert.evidence.figures.vehicles, 'AMB-1');
    const busOnly = reconcileAll(input, skip('v1'), at(60));
    assert.ok(![...busOnly.alerts.values()].some((a) => a.kind === 'route-point-unmonitored'));
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

describe('no news is not bad news for stalls and unseen passages (issue 13.2)', () => {
  const input = { operations: [testOperation('op')], convoys: [], vehicles: [testVehicle('v1')] };
  const stalled = (s: ReturnType<typeof createReconcileState>) =>
    [...s.alerts.values()].filter((a) => a.kind === 'operation-stalled');

  // One monitor per point: a phone sends its queue in order, so one phone's report at 400 would say
  // that phone has nothing earlier left to send, at any point (frontier.ts).
  const perPoint = (trip: Observation[]) =>
    trip.map((o) => ({
      ...o,
      monitorId: `monitor-${o.routePointId}`,
      deviceKeyId: `device-${o.routePointId}`,
    }));

  it('judges a long gap only once every reporting point has reported past its limit', () => {
    // v1's trip ends at 90; the origin's next report is at 400, the others have not caught up.
    const first = perPoint(fullTrip());
    const late = perPoint(fullTrip(undefined, 400));
    const state = createReconcileState(input, at(500));
    for (const o of [...first, late[0]!]) applyObservation(state, o, at(500));
    assert.deepEqual(stalled(state), [], 'the other points may still send movements of that gap');
    for (const o of late.slice(1)) applyObservation(state, o, at(500));
    assert.equal(stalled(state).length, 1, 'every point reported past the limit: the gap is a stall');
    assert.equal(stalled(state)[0]!.evidence.figures.lastMovementAt, new Date(at(90)).toISOString());
  });

  it('keeps an open gap without news out of the alerts (the phones may be offline)', () => {
    const state = reconcileAll(input, fullTrip(), at(24 * 60));
    assert.deepEqual(stalled(state), []);
  });

  it('raises a passage unseen only once the point reported past the time the vehicle was further on', () => {
    const other = testVehicle('v2');
    const both = { ...input, vehicles: [testVehicle('v1'), other] };
    const amb = { ...testVehicle('amb', 'op', 'ambulance'), marking: 'AMB-1' };
    const withAmb = { ...both, vehicles: [...both.vehicles, amb] };
    // c1 reported up to 20 (v2); the ambulance was at c2 by 60: c1 may still send its sighting.
    const base = perPoint([
      sighting('v2-c1', 'v2', 'c1', 20, 5),
      sighting('a-o', 'amb', 'o', 0, 3),
      sighting('a-c2', 'amb', 'c2', 60, 3),
    ]);
    const unseen = (s: ReturnType<typeof createReconcileState>) =>
      [...s.alerts.values()].filter((a) => a.kind === 'route-point-unmonitored');
    assert.deepEqual(unseen(reconcileAll(withAmb, base, at(120))), []);
    // c1 reports past 60 without it: now it passed unseen.
    const later = perPoint([sighting('v2-c1b', 'v2', 'c1', 70, 5)]);
    const after = reconcileAll(withAmb, [...base, ...later], at(120));
    assert.equal(unseen(after)[0]?.evidence.figures.vehicles, 'AMB-1');
    // Incrementally, in the other order, the same.
    const state = createReconcileState(withAmb, at(120));
    for (const o of [...later, ...base].reverse()) applyObservation(state, o, at(120));
    assert.equal(unseen(state)[0]?.evidence.figures.vehicles, 'AMB-1');
  });
});
