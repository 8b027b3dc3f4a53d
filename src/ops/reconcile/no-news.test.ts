/**
 * no-news.test.ts — `operation-no-news` (issue 13): every phone of an active operation silent. The
 * engine's clock is stepped with `tick`; nothing reads the wall clock. The stall limit of these
 * operations is 180 minutes: warning at 180 minutes of moving time without any observation
 * received, critical at 360, one alert per gap, withdrawn when news arrives.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, iso, sighting, testOperation, testVehicle } from '../fixtures.js';
import type { Observation, Operation } from '../model.js';
import {
  type AlertChange,
  applyObservation,
  applyStatusChange,
  createReconcileState,
  reconcileAll,
  tick,
} from './reconcile.js';
import { snapshotState } from './reconcile-snapshot.js';

const noNews = (changes: readonly AlertChange[]) =>
  changes
    .filter((c) => c.alert.kind === 'operation-no-news')
    .map((c) => `${c.type} ${c.alert.severity} ${c.alert.key}`);
const standing = (state: ReturnType<typeof createReconcileState>) =>
  [...state.alerts.values()].filter((a) => a.kind === 'operation-no-news');

const vehicles = Array.from({ length: 40 }, (_, i) => testVehicle(`v${i}`));

describe('operation-no-news', () => {
  describe('when every phone of an active operation falls silent', () => {
    const input = { operations: [testOperation('op')], convoys: [], vehicles };
    const state = createReconcileState(input, at(0));
    applyObservation(state, sighting('a', 'v0', 'o', 10, 40), at(10));
    applyObservation(state, sighting('b', 'v0', 'c1', 50, 40), at(50));
    const log: AlertChange[] = [];

    it('stays quiet until the limit, warns at it and escalates the same alert to critical at twice it', () => {
      log.push(...tick(state, at(50 + 179)));
      assert.deepEqual(standing(state), []);
      log.push(...tick(state, at(50 + 180)));
      const key = `operation-no-news:op:${iso(50)}`;
      assert.deepEqual(noNews(log), [`raised warning ${key}`]);
      log.push(...tick(state, at(50 + 300)));
      assert.deepEqual(noNews(log), [`raised warning ${key}`], 'nothing changes between the thresholds');
      log.push(...tick(state, at(50 + 360)));
      assert.deepEqual(noNews(log), [`raised warning ${key}`, `updated critical ${key}`]);
      const alert = state.alerts.get(key)!;
      assert.equal(alert.raisedAt, iso(230));
      assert.deepEqual(alert.history, [
        { kind: 'operation-no-news', severity: 'warning', since: iso(230) },
        { kind: 'operation-no-news', severity: 'critical', since: iso(410) },
      ]);
      assert.equal(alert.evidence.figures.lastReceivedAt, iso(50));
      assert.equal(alert.evidence.figures.thresholdMinutes, 180);
      assert.equal(alert.subject.type, 'operation');
    });

    it('withdraws it when news arrives, and a later gap is an alert of its own', () => {
      const late = applyObservation(
        state,
        sighting('c', 'v0', 'c2', 90, 40, { receivedTime: iso(500) }),
        at(500),
      );
      assert.deepEqual(noNews(late.changes), [`withdrawn critical operation-no-news:op:${iso(50)}`]);
      assert.deepEqual(standing(state), []);
      const again = tick(state, at(500 + 180));
      assert.deepEqual(noNews(again), [`raised warning operation-no-news:op:${iso(500)}`]);
    });

    it('derives what the full recompute derives from the same record and clock', () => {
      const full = reconcileAll(input, [...state.observations.values()], state.now);
      assert.deepEqual(snapshotState(state), snapshotState(full));
    });
  });

  it('counts from the start of an operation nobody has reported from yet', () => {
    const state = createReconcileState({ operations: [testOperation('op')], convoys: [], vehicles }, at(0));
    assert.deepEqual(noNews(tick(state, at(180))), [`raised warning operation-no-news:op:${iso(0)}`]);
    assert.equal(standing(state)[0]!.evidence.figures.lastReceivedAt, null);
  });

  it('never fires for an operation not yet started, and starts counting when it does', () => {
    const planned: Operation = {
      ...testOperation('later'),
      statusHistory: [
        { status: 'planned', at: iso(0), reason: 'agreed' },
        { status: 'active', at: iso(1000), reason: 'in force' },
      ],
    };
    const state = createReconcileState({ operations: [planned], convoys: [], vehicles: [] }, at(0));
    assert.deepEqual(noNews(tick(state, at(999))), []);
    assert.deepEqual(noNews(tick(state, at(1000 + 179))), []);
    assert.deepEqual(noNews(tick(state, at(1000 + 180))), [
      `raised warning operation-no-news:later:${iso(1000)}`,
    ]);
  });

  it('never fires for a completed operation, and withdraws a standing one at completion', () => {
    const done = testOperation('op', { completedAt: 100 });
    const quiet = createReconcileState({ operations: [done], convoys: [], vehicles }, at(0));
    assert.deepEqual(noNews(tick(quiet, at(2000))), []);

    const state = createReconcileState({ operations: [testOperation('op')], convoys: [], vehicles }, at(0));
    applyObservation(state, sighting('a', 'v0', 'o', 0, 40), at(0));
    assert.equal(noNews(tick(state, at(200))).length, 1);
    const changes = applyStatusChange(
      state,
      'op',
      { status: 'completed', at: iso(250), reason: 'done' },
      at(200),
    );
    assert.deepEqual(noNews(changes), [], 'still standing until the completion time comes');
    assert.deepEqual(noNews(tick(state, at(250))), [`withdrawn warning operation-no-news:op:${iso(0)}`]);
    assert.deepEqual(noNews(tick(state, at(5000))), []);
  });

  it('does not count a suspension: only moving time, as for stalls', () => {
    const state = createReconcileState({ operations: [testOperation('op')], convoys: [], vehicles }, at(0));
    applyObservation(state, sighting('a', 'v0', 'o', 0, 40), at(0));
    applyStatusChange(state, 'op', { status: 'suspended', at: iso(60), reason: 'shelling' }, at(60));
    applyStatusChange(state, 'op', { status: 'resumed', at: iso(600), reason: 'calm' }, at(600));
    // 60 minutes before the suspension, 120 after the resumption.
    assert.deepEqual(noNews(tick(state, at(719))), []);
    assert.deepEqual(noNews(tick(state, at(720))), [`raised warning operation-no-news:op:${iso(0)}`]);
  });

  it('raises one alert for a long silence that a late sync then ends, not one per observation', () => {
    // Two phones hold a whole day's queue (40 vehicles × 4 points) and both sync at 900.
    const day: Observation[] = [];
    for (const [n, v] of vehicles.entries())
      for (const [i, p] of (['o', 'c1', 'c2', 'd'] as const).entries())
        day.push(
          sighting(`${v.id}-${p}`, v.id, p, n * 15 + i * 40, 40, {
            monitorId: i < 2 ? 'ma' : 'mb',
            deviceKeyId: i < 2 ? 'da' : 'db',
            receivedTime: iso(900),
          }),
        );
    const input = { operations: [testOperation('op')], convoys: [], vehicles };
    const state = createReconcileState(input, at(0));
    const log: AlertChange[] = [];
    for (let t = 0; t < 900; t += 30) log.push(...tick(state, at(t)));
    for (const o of day) {
      log.push(...tick(state, at(900)));
      log.push(...applyObservation(state, o, at(900)).changes);
    }
    log.push(...tick(state, at(1000)));
    assert.deepEqual(noNews(log), [
      `raised warning operation-no-news:op:${iso(0)}`,
      `updated critical operation-no-news:op:${iso(0)}`,
      `withdrawn critical operation-no-news:op:${iso(0)}`,
    ]);
    assert.deepEqual(snapshotState(state), snapshotState(reconcileAll(input, day, at(1000))));
  });

  it('judges the gap on the receipt the record keeps when a re-send was received before its first copy', () => {
    const input = { operations: [testOperation('op')], convoys: [], vehicles };
    const first = sighting('a', 'v0', 'o', 0, 40, { receivedTime: iso(300) });
    const state = createReconcileState(input, at(0));
    applyObservation(state, first, at(300));
    applyObservation(state, { ...first, receivedTime: iso(20) }, at(300));
    tick(state, at(400));
    assert.deepEqual(
      standing(state).map((a) => a.key),
      [`operation-no-news:op:${iso(20)}`],
    );
    const full = reconcileAll(input, [{ ...first, receivedTime: iso(20) }, first], at(400));
    assert.deepEqual(snapshotState(state), snapshotState(full));
  });
});
