/**
 * assignment.test.ts — monitors assigned to route points in the plan (issue 13.2): a point is judged
 * reported past t only once every monitor assigned to it has sent past t (or is off watch), even
 * before one of them is first heard from there. Without the assignment, the first phone to sync
 * moved a point's frontier alone and clean vehicles were raised overdue until the other phone's
 * batch came. The final state stays a function of the observations: every order gives the full
 * recompute's snapshot.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../demo/index.js';
import { at, iso, sighting, testOperation, testVehicle } from '../fixtures.js';
import type { Observation, Operation } from '../model.js';
import { NOT_YET } from './frontier.js';
import { type AlertChange, applyObservation, createReconcileState, reconcileAll, tick } from './reconcile.js';
import { snapshotState } from './reconcile-snapshot.js';

const by = (monitor: string) => ({ monitorId: monitor, deviceKeyId: `device-${monitor}` });
const POINTS = ['o', 'c1', 'c2', 'd'] as const;

/** withMonitors assigns monitors to the operation's points by suffix. */
function withMonitors(
  op: Operation,
  monitors: Partial<Record<(typeof POINTS)[number], string[]>>,
): Operation {
  return {
    ...op,
    route: op.route.map((p) => {
      const list = monitors[p.id.slice(op.id.length + 1) as (typeof POINTS)[number]];
      return list ? { ...p, monitors: list } : p;
    }),
  };
}

/**
 * trips: v0…v11 leave every 10 minutes, 40 minutes per segment. At c1, `ma` sees the odd vehicles
 * and `mb` the even ones; one monitor at each other point.
 */
function trips() {
  const observations: Observation[] = [];
  const vehicles = [];
  for (let n = 0; n < 12; n++) {
    const id = `v${n}`;
    vehicles.push(testVehicle(id));
    POINTS.forEach((p, i) => {
      const m = p === 'c1' ? (n % 2 ? 'ma' : 'mb') : `m${p}`;
      observations.push(sighting(`${id}-${p}`, id, p, n * 10 + i * 40, 40, by(m)));
    });
  }
  return { observations, vehicles };
}

/**
 * deliverMbLate: every phone sends as it sees (received at device time) except mb's, whose whole
 * queue arrives at 300. Returns the raisings on the way and the final state.
 */
function deliverMbLate(op: Operation) {
  const { observations, vehicles } = trips();
  const input = { operations: [op], convoys: [], vehicles };
  const receipt = (o: Observation) =>
    o.monitorId === 'mb' ? 300 : (Date.parse(o.deviceTime) - at(0)) / 60_000;
  const delivered = observations.map((o) => ({ ...o, receivedTime: iso(receipt(o)) }));
  const order = [...delivered].sort(
    (a, b) => Date.parse(a.receivedTime) - Date.parse(b.receivedTime) || (a.clientId < b.clientId ? -1 : 1),
  );
  const state = createReconcileState(input, at(0));
  const changes: AlertChange[] = [];
  for (const o of order) {
    const t = Date.parse(o.receivedTime);
    changes.push(...tick(state, t));
    changes.push(...applyObservation(state, o, t).changes);
  }
  changes.push(...tick(state, at(320)));
  return { state, changes, input, delivered };
}

const raised = (changes: readonly AlertChange[], kind: string) =>
  changes.filter((c) => c.type === 'raised' && c.alert.kind === kind).map((c) => c.alert.key);

describe('monitors assigned to route points (issue 13.2)', () => {
  it('without an assignment, the first phone at a point judges it alone (what the plan now prevents)', () => {
    const { changes } = deliverMbLate(testOperation('op'));
    // mb was never heard from at c1 before 300: c1 was judged on ma's reports, and the even
    // vehicles that mb saw were overdue there until mb's batch.
    assert.ok(raised(changes, 'vehicle-overdue').length > 0);
  });

  it('waits for every assigned monitor: no vehicle is overdue before the second phone’s first batch', () => {
    const op = withMonitors(testOperation('op'), { c1: ['ma', 'mb'] });
    const { state, changes, input, delivered } = deliverMbLate(op);
    assert.deepEqual(raised(changes, 'vehicle-overdue'), []);
    assert.deepEqual(
      [...state.alerts.values()].map((a) => a.key),
      [],
      'nothing stands once mb has sent',
    );
    assert.deepEqual(snapshotState(state), snapshotState(reconcileAll(input, delivered, at(320))));
  });

  it('names the assigned monitor not yet heard from while vehicles are awaited at its point', () => {
    const op = withMonitors(testOperation('op'), { c1: ['ma', 'mb'] });
    const { observations, vehicles } = trips();
    const sent = observations.filter((o) => o.monitorId !== 'mb' && Date.parse(o.deviceTime) <= at(150));
    const state = reconcileAll({ operations: [op], convoys: [], vehicles }, sent, at(150));
    const silent = state.alerts.get('point-not-reporting:op:op-c1');
    assert.ok(silent, [...state.alerts.keys()].join(' '));
    const f = silent.evidence.figures;
    assert.equal(f.monitorsAssigned, 'ma,mb');
    assert.equal(f.monitors, 'ma,mb');
    assert.equal(f.monitorsBehind, 'mb');
    assert.equal(f['monitor:mb'], null, 'assigned, never heard from here');
    assert.equal(f['monitor:ma'], iso(150));
    assert.equal(f.lastReportAt, null, 'the point is held before any report of mb');
    assert.ok(![...state.alerts.values()].some((a) => a.kind === 'vehicle-overdue'));
  });

  it('stops waiting for an assigned monitor who never turns up, after the off-watch time of the others’ reports', () => {
    // mq is assigned to c2 and never reports; nobody else reports from c2. After 60 minutes of the
    // operation's reports, mq is off watch: c2 is unwatched, and the vehicles seen at d passed it unseen.
    const op = withMonitors(testOperation('op', { thresholds: { offWatchAfterMinutes: 60 } }), {
      c2: ['mq'],
    });
    const { observations, vehicles } = trips();
    const kept = observations.filter((o) => o.routePointId !== 'op-c2');
    const input = { operations: [op], convoys: [], vehicles };
    const early = reconcileAll(
      input,
      kept.filter((o) => Date.parse(o.deviceTime) <= at(50)),
      at(50),
    );
    assert.equal(
      early.pointReports.get('op|op-c2')?.upToMs,
      NOT_YET,
      'held: mq on watch (50 minutes of reports)',
    );
    const late = reconcileAll(input, kept, at(320));
    assert.equal(late.pointReports.get('op|op-c2')?.upToMs, Number.NEGATIVE_INFINITY, 'unwatched');
    assert.ok(late.alerts.has('route-point-unmonitored:op:op-c2:2016-12-15'));
  });

  it('derives the full recompute’s state for any arrival order', () => {
    const op = withMonitors(testOperation('op', { thresholds: { offWatchAfterMinutes: 90 } }), {
      o: ['mo'],
      c1: ['ma', 'mb', 'mz'],
      c2: ['mc2'],
      d: ['md', 'mq'],
    });
    const { observations, vehicles } = trips();
    // v5 is lost after c1; a late third monitor at c1 reports one sighting.
    const set = [
      ...observations.filter(
        (o) => !(o.vehicleIds[0] === 'v5' && (o.routePointId === 'op-c2' || o.routePointId === 'op-d')),
      ),
      sighting('v7-c1-mz', 'v7', 'c1', 111, 40, by('mz')),
    ];
    const input = { operations: [op], convoys: [], vehicles };
    const r = mulberry32(25);
    const full = reconcileAll(input, set, at(600));
    for (let run = 0; run < 8; run++) {
      const order = r.shuffle([...set]);
      const state = createReconcileState(input, at(0));
      order.forEach((o, i) => {
        const now = at((i * 600) / order.length);
        applyObservation(state, o, now);
        if (r.next() < 0.3) tick(state, now);
      });
      tick(state, at(600));
      assert.deepEqual(snapshotState(state), snapshotState(full), `run ${run}`);
    }
    assert.ok(full.alerts.has('vehicle-timing:v5'), 'the lost vehicle is judged');
  });
});
