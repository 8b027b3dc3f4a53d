/**
 * late-sync.test.ts — issue 13.2: phones that sync late. Each monitor's phone sends its queue in
 * order, in batches; a route point is judged only up to the time all its on-watch monitors have
 * reported past (frontier.ts). A reduced version of the bench's late-sync case (`npm run bench --
 * reconcile`): two monitors at one checkpoint whose phones sync at different times must not make
 * clean vehicles look overdue, and the final state must be the full recompute's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, iso, sighting, testOperation, testVehicle } from '../fixtures.js';
import type { Alert, Observation } from '../model.js';
import { type AlertChange, applyObservation, createReconcileState, reconcileAll, tick } from './reconcile.js';
import { snapshotState } from './reconcile-snapshot.js';

const by = (monitor: string) => ({ monitorId: monitor, deviceKeyId: `device-${monitor}` });
const POINTS = ['o', 'c1', 'c2', 'd'] as const;

/**
 * cleanTrips: v0 departs at 0 and v1…v19 every 10 minutes after it, 40 minutes per segment (60 are
 * planned). Two monitors watch c1 (`ma` sees the odd vehicles, `mb` the even ones; both see v0);
 * one monitor watches each other point.
 */
function cleanTrips(): { observations: Observation[]; vehicles: ReturnType<typeof testVehicle>[] } {
  const observations: Observation[] = [];
  const vehicles = [];
  for (let n = 0; n < 20; n++) {
    const id = `v${n}`;
    vehicles.push(testVehicle(id));
    POINTS.forEach((p, i) => {
      const minute = n * 10 + i * 40;
      const monitors = p === 'c1' ? (n === 0 ? ['ma', 'mb'] : [n % 2 ? 'ma' : 'mb']) : [`m${p}`];
      for (const m of monitors) observations.push(sighting(`${id}-${p}-${m}`, id, p, minute, 40, by(m)));
    });
  }
  return { observations, vehicles };
}

/** batchTime: each monitor's phone sends what it holds every 120 minutes, at its own phase. */
const PHASE: Record<string, number> = { mo: 20, ma: 50, mb: 110, mc1: 0, mc2: 80, md: 100 };
const batchTime = (o: Observation) => {
  const phase = PHASE[o.monitorId]!;
  const device = (Date.parse(o.deviceTime) - at(0)) / 60_000;
  return phase + Math.ceil((device - phase) / 120) * 120;
};

/** deliver applies the observations at their batch times (ticking to each) and collects the changes. */
function deliver(
  input: Parameters<typeof reconcileAll>[0],
  observations: readonly Observation[],
  endMinutes: number,
) {
  const order = [...observations].sort(
    (a, b) =>
      batchTime(a) - batchTime(b) ||
      Date.parse(a.deviceTime) - Date.parse(b.deviceTime) ||
      (a.clientId < b.clientId ? -1 : 1),
  );
  const state = createReconcileState(input, at(0));
  const changes: AlertChange[] = [];
  for (const o of order) {
    const t = at(batchTime(o));
    changes.push(...tick(state, t));
    changes.push(...applyObservation(state, { ...o, receivedTime: iso(batchTime(o)) }, t).changes);
  }
  changes.push(...tick(state, at(endMinutes)));
  return { state, changes };
}

/** asReceived gives each observation the receipt time of its batch, as `deliver` does. */
const asReceived = (observations: readonly Observation[]) =>
  observations.map((o) => ({ ...o, receivedTime: iso(batchTime(o)) }));

const raisedKinds = (changes: readonly AlertChange[]) =>
  changes
    .filter((c) => c.type === 'raised' && c.alert.kind !== 'point-not-reporting')
    .map((c) => c.alert.key);

describe('late sync: two phones at one checkpoint (issue 13.2)', () => {
  const { observations, vehicles } = cleanTrips();
  const input = { operations: [testOperation('op')], convoys: [], vehicles };

  it('raises nothing for clean trips when the phones sync at different times', () => {
    // Ends 160 minutes after the last batch (at 340): within the stall limit, so the phones' final
    // silence is not yet an operation-no-news (no-news.test.ts).
    const { state, changes } = deliver(input, observations, 500);
    // Before frontiers, ma's batch at 170 said c1 had reported up to 170, while mb still held the
    // sightings of the even vehicles since 110: they were raised overdue, then withdrawn.
    assert.deepEqual(raisedKinds(changes), []);
    assert.deepEqual([...state.alerts.values()], []);
    assert.deepEqual(
      snapshotState(state),
      snapshotState(reconcileAll(input, asReceived(observations), at(500))),
    );
  });

  it('names the phones holding the point back while vehicles are awaited there', () => {
    // At 215, mb last sent at 110 (up to 100), ma at 170. v14 was due at c1 at 200: awaited there,
    // both phones behind it. v8…v12, seen further on at c2, may yet have been seen at c1 by mb:
    // their passages are not judged unseen either.
    const sent = observations.filter((o) => batchTime(o) <= 215);
    const state = reconcileAll(input, sent, at(215));
    const silent = [...state.alerts.values()].filter(
      (a) => a.kind === 'point-not-reporting' && a.subject.id === 'op-c1',
    );
    assert.equal(silent.length, 1);
    const figures = silent[0]!.evidence.figures;
    assert.equal(figures.pointId, 'op-c1');
    assert.equal(figures.vehicles, 'V14');
    assert.equal(figures.monitorsBehind, 'ma,mb');
    assert.equal(figures['monitor:ma'], iso(170));
    assert.equal(figures['monitor:mb'], iso(100));
    assert.equal(figures.lastReportAt, iso(100), 'the point is judged up to mb’s last report');
    assert.ok([...state.alerts.values()].every((a: Alert) => a.kind === 'point-not-reporting'));
  });

  it('judges a vehicle overdue once every phone at the point has reported past its due time', () => {
    // v8 never reaches c1 (nor anything after): after both phones reported past its due time
    // (80 + 60), it is overdue, whichever phone sent last.
    const lost = observations.filter((o) => !(o.vehicleIds[0] === 'v8' && o.routePointId !== 'op-o'));
    const { state } = deliver(input, lost, 600);
    const alert = state.alerts.get('vehicle-timing:v8');
    assert.equal(alert?.kind, 'vehicle-overdue');
    assert.equal(alert?.evidence.figures.toPointId, 'op-c1');
    assert.deepEqual(snapshotState(state), snapshotState(reconcileAll(input, asReceived(lost), at(600))));
  });

  it('takes a judgement back when a monitor is first heard from at a point with earlier sightings', () => {
    // mz, a third monitor at c1 nobody had heard from, sends a sighting of v9 at 130 after c1 had
    // reported past v8's due time (140): mz's phone may still hold v8, so v8 is awaited again.
    const lost = observations.filter((o) => !(o.vehicleIds[0] === 'v8' && o.routePointId !== 'op-o'));
    const state = createReconcileState(input, at(0));
    for (const o of lost) applyObservation(state, o, at(600));
    assert.equal(state.alerts.get('vehicle-timing:v8')?.kind, 'vehicle-overdue');
    const late = sighting('v9-c1-mz', 'v9', 'c1', 130, 40, by('mz'));
    applyObservation(state, late, at(600));
    assert.equal(state.alerts.get('vehicle-timing:v8'), undefined, 'no longer judged');
    assert.equal(state.derived.get('v8')?.awaiting?.pointId, 'op-c1');
    assert.deepEqual(snapshotState(state), snapshotState(reconcileAll(input, [...lost, late], at(600))));
  });

  it('stops waiting for a phone that stayed silent while the point reported for the off-watch time', () => {
    // mb's phone is lost after v0. ma alone goes on reporting from c1; after 60 minutes of that
    // (the operation's offWatchAfterMinutes), mb no longer holds c1 back, and the even vehicles,
    // seen at c2 but never at c1, passed c1 unseen — judged on ma's reports.
    const op = testOperation('op', { thresholds: { offWatchAfterMinutes: 60 } });
    const kept = observations.filter((o) => o.monitorId !== 'mb' || o.vehicleIds[0] === 'v0');
    const unseen = (s: ReturnType<typeof reconcileAll>) =>
      s.alerts.get('route-point-unmonitored:op:op-c1:2016-12-15')?.evidence.figures.vehicles;
    assert.equal(
      unseen(reconcileAll({ ...input, operations: [op] }, kept, at(600))),
      'V10, V12, V14, V2, V4, V6, V8', // V16 and V18 reached c2 after ma's last report (230)
    );
    // By default (360 minutes of the point's activity) ma's 180 minutes do not put mb off watch.
    assert.equal(unseen(reconcileAll(input, kept, at(600))), undefined);
  });
});
