/**
 * arrival-order.test.ts — issue 13.1: the final state does not depend on the order in which
 * observations arrive, conflicts included. One set of submissions (sightings, a re-send, two
 * different bodies one device sent under one client id, the same client id from another device)
 * is delivered in several random orders, each into a fresh store; the engine's snapshot, the
 * stored bodies' statuses and the alerts must be the same every time (both databases).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceFor, sighting, smallPlan } from '../../../test/support/ops.js';
import { DIALECTS, openTestStore } from '../../../test/support/stores.js';
import { mulberry32 } from '../../demo/index.js';
import { planOperations } from '../plan/service.js';
import { opsEngine } from '../reconcile/engine.js';
import { snapshotState } from '../reconcile/reconcile-snapshot.js';
import { submitObservation } from './service.js';

const SEED_DEVICE = 'monitor-order';

async function finalState(dialect: (typeof DIALECTS)[number], order: readonly number[] | null) {
  const s = await openTestStore(dialect);
  try {
    s.setTime('2016-12-15T12:00:00.000Z');
    await planOperations(s.ctx, smallPlan('aleppo'), 'test');
    const first = await deviceFor(s.ctx, SEED_DEVICE);
    const second = await deviceFor(s.ctx, SEED_DEVICE);
    // Device key ids are random per store: name them by role before comparing runs.
    const named = (text: string) =>
      text.replaceAll(first.deviceKeyId, 'DEVICE-1').replaceAll(second.deviceKeyId, 'DEVICE-2');
    const c = (id: string) => ({ clientId: id });
    const submissions = [
      first.submission(sighting('veh-bus-017', 'pt-origin', 'departure', 50, 0, c('a1'))),
      first.submission(sighting('veh-bus-017', 'pt-ramouseh', 'checkpoint', 50, 50, c('a2'))),
      first.submission(sighting('veh-bus-017', 'pt-rashideen', 'checkpoint', 47, 100, c('a3'))),
      first.submission(sighting('veh-bus-018', 'pt-origin', 'departure', 40, 5, c('b1'))),
      // The same device, the same client id, a different body: a conflict.
      first.submission(sighting('veh-bus-018', 'pt-origin', 'departure', 44, 5, c('b1'))),
      // Another device may use the same client id: its own observation.
      second.submission(sighting('veh-bus-018', 'pt-ramouseh', 'checkpoint', 40, 60, c('b1'))),
      first.submission(sighting('veh-amb-03', 'pt-origin', 'departure', 3, 10, c('m1'))),
      second.submission(sighting('veh-amb-03', 'pt-destination', 'arrival', 3, 200, c('m2'))),
      // Seen at Ramouseh too: until this arrives, the ambulance passed it unseen (raised, withdrawn).
      second.submission(sighting('veh-amb-03', 'pt-ramouseh', 'checkpoint', 3, 70, c('m3'))),
      // A car whose departure and arrival are far apart: a long gap until the middle arrives.
      first.submission(sighting('veh-car-101', 'pt-origin', 'departure', 5, 20, c('p1'))),
      second.submission(sighting('veh-car-101', 'pt-ramouseh', 'checkpoint', 5, 150, c('p2'))),
      second.submission(sighting('veh-car-101', 'pt-destination', 'arrival', 5, 330, c('p3'))),
      // A re-send of a1.
      first.submission(sighting('veh-bus-017', 'pt-origin', 'departure', 50, 0, c('a1'))),
    ];
    const who = { userId: SEED_DEVICE, mayObserve: () => true };
    for (const i of order ?? submissions.keys())
      await submitObservation(s.ctx, who, submissions[i % submissions.length]!);
    const snapshot = await opsEngine(s.ctx).read((state) => snapshotState(state));
    const bodies = await s.ctx.db
      .selectFrom('observation')
      .select(['device_key_id', 'client_id', 'body_sha256', 'status'])
      .execute();
    // Every stored alert, whatever its state, with its evidence and history: alerts raised and
    // withdrawn on the way are retracted, so the record is the same for any order (issue 13.2).
    const alerts = await s.ctx.db
      .selectFrom('alert')
      .select(['key', 'kind', 'severity', 'state', 'note', 'raised_at', 'evidence', 'history'])
      .execute();
    return {
      snapshot: JSON.parse(named(JSON.stringify({ ...snapshot, now: null }))),
      bodies: bodies
        .map((b) => named(`${b.device_key_id} ${b.client_id} ${b.body_sha256} ${b.status}`))
        .sort(),
      // The alert id is a digest of its key, which names a device: compare the named key instead.
      alerts: alerts.map((a) => named(JSON.stringify(a))).sort(),
      count: submissions.length,
    };
  } finally {
    await s.close();
  }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: arrival order`, () => {
    it('gives the same state, statuses, alerts and alert histories for random permutations with conflicts', async () => {
      const reference = await finalState(dialect, null);
      assert.ok(
        reference.bodies.some((b) => b.endsWith(' held')),
        'the conflict is held',
      );
      assert.ok(reference.alerts.some((a) => a.includes('conflicting-reports')));
      const random = mulberry32(13);
      for (let run = 0; run < 6; run++) {
        const order = random.shuffle(Array.from({ length: reference.count }, (_, i) => i));
        const got = await finalState(dialect, order);
        assert.deepEqual(got.bodies, reference.bodies, `order ${order.join(',')}`);
        assert.deepEqual(got.snapshot, reference.snapshot, `order ${order.join(',')}`);
        assert.deepEqual(got.alerts, reference.alerts, `order ${order.join(',')}`);
      }
    });
  });
}
