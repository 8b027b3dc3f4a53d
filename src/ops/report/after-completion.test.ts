/**
 * after-completion.test.ts — issue 13.7: once an operation is completed, a vehicle that left and
 * never arrived is missing — in the sitrep (JSON, Markdown), the dashboard view and its alert — and
 * never "still in transit".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, sighting, testOperation, testVehicle } from '../fixtures.js';
import type { Registry } from '../model.js';
import { reconcileAll } from '../reconcile/reconcile.js';
import { buildSitrep } from './sitrep.js';
import { renderSitrepMarkdown } from './sitrep-markdown.js';
import { operationView } from './views.js';

const COMPLETED = 300;
const operation = { ...testOperation('op', { completedAt: COMPLETED }), compartment: 'c' };
const vehicles = [testVehicle('arrives'), testVehicle('lost'), testVehicle('onroad')];
const registry: Registry = { mandates: [], operations: [operation], convoys: [], vehicles };
const observations = [
  sighting('a-o', 'arrives', 'o', 0, 40),
  sighting('a-d', 'arrives', 'd', 150, 40),
  // Left with 30, seen at the first checkpoint, never seen again.
  sighting('l-o', 'lost', 'o', 10, 30),
  sighting('l-c1', 'lost', 'c1', 60, 30),
];
const GRACE = 360;

describe('a vehicle that never arrived, after completion (issue 13.7)', () => {
  describe('while the operation is running', () => {
    const state = reconcileAll({ operations: [operation], convoys: [], vehicles }, observations, at(100));
    it('is in transit', () => {
      const s = buildSitrep(state, { operationId: 'op' });
      assert.equal(s.inTransit.vehicles, 1);
      assert.equal(s.missing.vehicles, 0);
    });
  });

  for (const [when, now, confirmed] of [
    ['just after completion', COMPLETED + 10, 0],
    ['after the arrival grace', COMPLETED + GRACE + 1, 1],
  ] as const) {
    describe(when, () => {
      const state = reconcileAll({ operations: [operation], convoys: [], vehicles }, observations, at(now));
      const s = buildSitrep(state, { operationId: 'op' });

      it('the sitrep counts it missing, not in transit', () => {
        assert.deepEqual(s.inTransit, { vehicles: 0, people: 0 });
        assert.equal(s.status, 'completed');
        assert.deepEqual(s.missing, {
          vehicles: 1,
          people: 30,
          confirmed,
          markings: ['LOST'],
          dueBy: new Date(at(COMPLETED + GRACE)).toISOString(),
        });
        assert.ok(!s.caveats.some((c) => /in transit/.test(c)), s.caveats.join('\n'));
        assert.ok(
          s.caveats.some((c) => /never arrived .*missing \(LOST\)/.test(c)),
          s.caveats.join('\n'),
        );
      });

      it('the Markdown says missing, never "still in transit"', () => {
        const md = renderSitrepMarkdown(s).replaceAll('\\', ''); // without Markdown escapes
        assert.doesNotMatch(md, /still in transit/);
        assert.match(md, /Missing \(never arrived\): 1 vehicles, 30 people/);
      });

      it('the dashboard view shows it missing', () => {
        const view = operationView(state, registry, operation, []);
        assert.equal(view.vehicles.inTransit, 0);
        assert.equal(view.vehicles.missing, 1);
        assert.deepEqual(
          view.vehicleList.map((v) => [v.id, v.state]),
          [['lost', 'missing']],
        );
      });

      it(
        confirmed ? 'its alert is vehicle-missing-at-arrival' : 'its alert waits for the arrival grace',
        () => {
          const alert = state.alerts.get('vehicle-timing:lost');
          if (confirmed) {
            assert.equal(alert?.kind, 'vehicle-missing-at-arrival');
            assert.equal(alert?.severity, 'critical');
          } else assert.notEqual(alert?.kind, 'vehicle-missing-at-arrival');
        },
      );
    });
  }
});
