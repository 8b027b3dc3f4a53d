/**
 * replay.test.ts — offline replay: 1,000 observations delivered twice, shuffled, with duplicates,
 * give the same state as one clean delivery (both databases).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceFor, SMALL_OP, sighting, smallPlan } from '../../../test/support/ops.js';
import { DIALECTS, openTestStore } from '../../../test/support/stores.js';
import { planOperations } from '../plan/service.js';
import { opsEngine } from '../reconcile/engine.js';
import { reconcileAll } from '../reconcile/reconcile.js';
import { snapshotState } from '../reconcile/reconcile-snapshot.js';
import { submitObservation } from './service.js';

const COMPARTMENT = 'aleppo';

for (const dialect of DIALECTS) {
  describe(`${dialect}: offline replay`, () => {
    it('1,000 observations delivered twice, shuffled, with duplicates, give one clean state', async () => {
      const s = await openTestStore(dialect);
      try {
        s.setTime('2016-12-16T12:00:00.000Z');
        const plan = smallPlan(COMPARTMENT);
        const vehicles = Array.from({ length: 200 }, (_, i) => ({
          id: `veh-r-${i}`,
          operationId: SMALL_OP,
          kind: 'bus' as const,
          marking: `R-${i}`,
          capacity: 60,
        }));
        await planOperations(s.ctx, { ...plan, vehicles: [...plan.vehicles, ...vehicles] }, 'test');
        const userId = 'monitor-replay';
        const device = await deviceFor(s.ctx, userId);
        const points = ['pt-origin', 'pt-ramouseh', 'pt-rashideen', 'pt-destination', 'pt-ramouseh'] as const;
        const kinds = ['departure', 'checkpoint', 'checkpoint', 'arrival', 'checkpoint'] as const;
        const wires = vehicles.flatMap((v, i) =>
          points.map((p, k) =>
            sighting(
              v.id,
              p,
              kinds[k]!,
              50 - (i % 7 === 0 && k >= 2 ? 3 : 0) + (k === 4 ? 1 : 0),
              i + k * 40,
              {
                clientId: `replay-${i}-${k}`,
              },
            ),
          ),
        );
        assert.equal(wires.length, 1000);
        let seed = 42;
        const random = () => {
          seed = (seed * 1103515245 + 12345) % 2 ** 31;
          return seed / 2 ** 31;
        };
        const shuffled = (list: typeof wires) =>
          list
            .map((w) => [random(), w] as const)
            .sort((a, b) => a[0] - b[0])
            .map(([, w]) => w);
        const delivery = [...shuffled(wires), ...shuffled(wires), ...wires.slice(0, 100)];
        const who = { userId, mayObserve: () => true };
        const statuses = { accepted: 0, duplicate: 0, held: 0 };
        for (const wire of delivery) {
          const result = await submitObservation(s.ctx, who, device.submission(wire));
          statuses[result.status] += 1;
        }
        assert.deepEqual(statuses, { accepted: 1000, duplicate: 1100, held: 0 });
        const stored = await s.ctx.db.selectFrom('observation').select('client_id').execute();
        assert.equal(stored.length, 1000);
        const engine = opsEngine(s.ctx);
        const [live, observations] = await engine.read(
          (state) => [snapshotState(state), [...state.observations.values()]] as const,
        );
        const registry = await engine.read((_, r) => r);
        const clean = reconcileAll(registry, observations, s.ctx.clock().getTime());
        assert.deepEqual(live, snapshotState(clean));
        const alerts = await s.ctx.db.selectFrom('alert').select('key').execute();
        assert.equal(alerts.length, new Set(alerts.map((a) => a.key)).size);
        assert.ok(alerts.some((a) => a.key.startsWith('people-unaccounted')));
      } finally {
        await s.close();
      }
    });
  });
}
