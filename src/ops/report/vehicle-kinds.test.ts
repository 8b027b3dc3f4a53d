/**
 * vehicle-kinds.test.ts — issue 13.6: trucks (and every vehicle kind of the plan) are in the totals
 * of the sitrep, the HXL totals table, `/api/ops/operations` (totals and expected) and `ops list`;
 * the HXL movements table tags each count by what happened at the point, so that summing a column
 * does not count the same people at every point they passed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loginAs, type TestCaller } from '../../../test/support/access.js';
import { runCli } from '../../../test/support/cli.js';
import { deviceFor, SMALL_OP, smallPlan, sighting as wireSighting } from '../../../test/support/ops.js';
import { DIALECTS, openTestStore, type TestStore } from '../../../test/support/stores.js';
import { buildApp } from '../../api/server.js';
import { parseHxl } from '../../lib/hxl.js';
import { at, sighting, testOperation, testVehicle } from '../fixtures.js';
import { VEHICLE_KINDS } from '../model.js';
import { planOperations } from '../plan/service.js';
import { reconcileAll } from '../reconcile/reconcile.js';
import { operationMovementsHxl, operationTotalsHxl } from './hxl-export.js';
import { buildSitrep } from './sitrep.js';

describe('totals count every vehicle kind (issue 13.6)', () => {
  const input = {
    operations: [testOperation('op')],
    convoys: [],
    vehicles: [
      testVehicle('b1', 'op', 'bus'),
      testVehicle('t1', 'op', 'truck'),
      testVehicle('t2', 'op', 'truck'),
    ],
  };
  const trip = (id: string, people: number, start: number) =>
    (['o', 'c1', 'c2', 'd'] as const).map((p, i) => sighting(`${id}-${p}`, id, p, start + i * 50, people));
  // A bus with 40 and a truck with 12 make the whole trip; the second truck never leaves.
  const state = reconcileAll(input, [...trip('b1', 40, 0), ...trip('t1', 12, 10)], at(600));

  it('the sitrep counts the truck among the vehicles and by kind', () => {
    const t = buildSitrep(state, { operationId: 'op' }).totals;
    assert.equal(t.people, 52);
    assert.equal(t.vehicles, 2);
    assert.equal(t.trucks, 1);
    assert.deepEqual(t.byKind, { bus: 1, ambulance: 0, private: 0, truck: 1 });
    assert.equal(t.buses + t.ambulances + t.privateVehicles + t.trucks, t.vehicles);
  });

  it('the HXL totals table has a column for every kind and the vehicles of all kinds', () => {
    const parsed = parseHxl(operationTotalsHxl(state, 'op'));
    const get = (tag: string) => {
      const i = parsed.tags.indexOf(tag);
      assert.ok(i >= 0, `no column ${tag} in ${parsed.tags.join(' ')}`);
      return Number(parsed.rows[0]![i]);
    };
    assert.equal(get('#affected+displaced+ind'), 52);
    assert.equal(get('#indicator+vehicles+num'), 2);
    assert.equal(get('#indicator+trucks+num'), 1);
    assert.equal(get('#indicator+buses+num'), 1);
    // One column per kind of the plan schema: none is dropped.
    assert.equal(
      parsed.tags.filter((t) => /^#indicator\+[a-z_]+\+num$/.test(t)).length,
      VEHICLE_KINDS.length + 1,
    );
  });

  it('the HXL movements table tags departures, passages and arrivals apart', () => {
    const parsed = parseHxl(operationMovementsHxl(state, 'op'));
    const sum = (tag: string) => {
      const i = parsed.tags.indexOf(tag);
      assert.ok(i >= 0, `no column ${tag}`);
      return parsed.rows.reduce((n, r) => n + Number(r[i] || 0), 0);
    };
    // No column that a reader would sum as people displaced: each person passes four points.
    assert.ok(!parsed.tags.includes('#affected+displaced+ind'));
    assert.equal(sum('#affected+departed+ind'), 52);
    assert.equal(sum('#affected+arrived+ind'), 52);
    assert.equal(sum('#affected+passing+ind'), 2 * 52, 'two checkpoints: passages, not people');
    assert.equal(sum('#indicator+vehicles+arrived+num'), 2);
    assert.equal(sum('#indicator+vehicles+passing+num'), 4);
    // Each row fills the one pair of columns of its point's kind.
    const kind = parsed.tags.indexOf('#loc+type');
    for (const row of parsed.rows) {
      const filled = ['departed', 'passing', 'arrived'].filter(
        (what) => row[parsed.tags.indexOf(`#affected+${what}+ind`)] !== '',
      );
      const want = row[kind] === 'origin' ? 'departed' : row[kind] === 'destination' ? 'arrived' : 'passing';
      assert.deepEqual(filled, [want], `row ${row.join(',')}`);
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: trucks in the operations list, API and CLI (issue 13.6)`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let coordinator: TestCaller;
    before(async () => {
      s = await openTestStore(dialect);
      s.setTime('2016-12-15T12:00:00.000Z');
      const plan = smallPlan('aleppo');
      await planOperations(
        s.ctx,
        {
          ...plan,
          vehicles: [
            ...plan.vehicles,
            { id: 'veh-truck-1', operationId: SMALL_OP, kind: 'truck', marking: 'TRK-1', capacity: 30 },
            { id: 'veh-truck-2', operationId: SMALL_OP, kind: 'truck', marking: 'TRK-2', capacity: 30 },
          ],
        },
        'test',
      );
      app = await buildApp(s.ctx);
      coordinator = await loginAs(app, s.ctx, 'coordinator', ['aleppo']);
      const monitor = await loginAs(app, s.ctx, 'monitor', ['aleppo']);
      const device = await deviceFor(s.ctx, monitor.userId);
      for (const [point, kind, minutes] of [
        ['pt-origin', 'departure', 0],
        ['pt-destination', 'arrival', 200],
      ] as const) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/ops/observations',
          headers: monitor.headers,
          payload: device.submission(wireSighting('veh-truck-1', point, kind, 25, minutes)),
        });
        assert.equal(res.statusCode, 201, res.body);
      }
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    it('GET /api/ops/operations counts the truck and its people, and expects both trucks', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/api/ops/operations',
        headers: coordinator.headers,
      });
      assert.equal(res.statusCode, 200, res.body);
      const [op] = res.json().operations;
      assert.equal(op.totals.people, 25);
      assert.equal(op.totals.vehicles, 1);
      assert.equal(op.totals.trucks, 1);
      assert.deepEqual(op.totals.byKind, { bus: 0, ambulance: 0, private: 0, truck: 1 });
      assert.deepEqual(op.expected, {
        people: 300,
        vehicles: 7,
        byKind: { bus: 2, ambulance: 1, private: 2, truck: 2 },
        buses: 2,
        ambulances: 1,
        privateVehicles: 2,
        trucks: 2,
      });
    });

    it('attest ops list names the trucks, as text and as JSON', async () => {
      const env = {
        ATTEST_DATA: s.config.dataDir,
        DATABASE_URL: s.config.databaseUrl ?? '',
        ATTEST_QUIET: '1',
      };
      const text = await runCli(['ops', 'list'], env);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /25 people, 0 buses, 0 ambulances, 0 private vehicles, 1 truck/);
      const json = await runCli(['ops', 'list', '--json'], env);
      const [op] = JSON.parse(json.stdout).operations;
      assert.equal(op.totals.trucks, 1);
      assert.equal(op.expected.trucks, 2);
    });
  });
}
