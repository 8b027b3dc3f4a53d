/** routes.test.ts — planning over HTTP: plans refused whole, status changes, learned transit times. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshPlan, SMALL_OP, sighting } from '../../../test/support/ops.js';
import { OPS_COMPARTMENT as COMPARTMENT, opsApp } from '../../../test/support/ops-http.js';
import { DIALECTS } from '../../../test/support/stores.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: planning over HTTP`, () => {
    const t = opsApp(dialect);

    it('changes status with a reason; a suspension without one is refused', async () => {
      const { monitor, coordinator, post, get } = t;
      const bad = await post(`/api/ops/operations/${SMALL_OP}/status`, coordinator, {
        status: 'suspended',
        reason: '',
      });
      assert.equal(bad.statusCode, 409, bad.body);
      assert.equal(bad.json().type, 'https://attest.example/problems/invalid-status-change');
      const ok = await post(`/api/ops/operations/${SMALL_OP}/status`, coordinator, {
        status: 'suspended',
        reason: 'shooting near Ramouseh',
      });
      assert.equal(ok.statusCode, 200, ok.body);
      const resumed = await post(`/api/ops/operations/${SMALL_OP}/status`, coordinator, {
        status: 'resumed',
        reason: 'agreement restored',
      });
      assert.equal(resumed.statusCode, 200);
      const view = (await get(`/api/ops/operations/${SMALL_OP}`, coordinator)).json();
      assert.deepEqual(
        view.operation.statusHistory.map((c: { status: string }) => c.status),
        ['active', 'suspended', 'resumed'],
      );
      assert.equal(
        (await post(`/api/ops/operations/${SMALL_OP}/status`, monitor, { status: 'completed', reason: '' }))
          .statusCode,
        403,
      );
    });

    it('plans an operation over HTTP where the caller may write, refusing bad plans whole', async () => {
      const { coordinator, post, get } = t;
      const plan = freshPlan(COMPARTMENT);
      const ok = await post('/api/ops/operations', coordinator, plan);
      assert.equal(ok.statusCode, 201, ok.body);
      const again = await post('/api/ops/operations', coordinator, plan);
      assert.equal(again.statusCode, 409, again.body);
      assert.equal(again.json().type, 'https://attest.example/problems/conflict');
      const elsewhere = await post('/api/ops/operations', coordinator, freshPlan('elsewhere'));
      assert.equal(elsewhere.statusCode, 403);
      const backwards = freshPlan(COMPARTMENT);
      const op = backwards.operations[0]!;
      const reversed = {
        ...backwards,
        operations: [{ ...op, route: [...op.route].reverse().map((p, i) => ({ ...p, order: i })) }],
      };
      const bad = await post('/api/ops/operations', coordinator, reversed);
      assert.equal(bad.statusCode, 422, bad.body);
      const badVote = {
        ...freshPlan(COMPARTMENT),
        mandates: [
          {
            id: 'ga-bad',
            body: 'general-assembly',
            instrument: 'A/RES/71/248',
            date: '2016-12-21',
            textRef: 'x',
            vote: { yes: 105, no: 15, abstain: 80, membership: 193 },
          },
        ],
      };
      const vote = await post('/api/ops/operations', coordinator, badVote);
      assert.equal(vote.json().type, 'https://attest.example/problems/invalid-mandate');
      const offGlobe = freshPlan(COMPARTMENT);
      const o2 = offGlobe.operations[0]!;
      const off = { ...offGlobe, operations: [{ ...o2, origin: { name: 'x', lat: 91, lon: 0 } }] };
      assert.equal((await post('/api/ops/operations', coordinator, off)).statusCode, 400);
      const listed = (await get('/api/ops/operations', coordinator)).json().operations;
      assert.equal(listed.length, 2, 'only the good plan was stored');
    });

    it('learns expected transit times from traffic where none was planned', async () => {
      const { s, monitor, coordinator, device, post } = t;
      const plan = freshPlan(COMPARTMENT);
      const op = plan.operations[0]!;
      const unplanned = {
        ...plan,
        operations: [{ ...op, route: op.route.map(({ expectedMinutesToNext: _, ...p }) => p) }],
      };
      assert.equal((await post('/api/ops/operations', coordinator, unplanned)).statusCode, 201);
      const minutes = [20, 30, 40];
      for (const [i, v] of plan.vehicles.slice(0, 3).entries()) {
        for (const [point, kind, at] of [
          ['pt-origin', 'departure', i],
          ['pt-ramouseh', 'checkpoint', i + minutes[i]!],
        ] as const) {
          const wire = { ...sighting(v.id, point, kind, 10, at), operationId: op.id };
          assert.equal(
            (await post('/api/ops/observations', monitor, device.submission(wire))).statusCode,
            201,
          );
        }
      }
      const learn = await post(`/api/ops/operations/${op.id}/learn-transit-times`, coordinator, {
        minSamples: 3,
      });
      assert.equal(learn.statusCode, 200, learn.body);
      assert.deepEqual(learn.json().applied, ['pt-origin']);
      assert.equal(learn.json().learned[0].medianMinutes, 30);
      const row = await s.ctx.db
        .selectFrom('route_point')
        .select('expected_minutes_to_next')
        .where('operation_id', '=', op.id)
        .where('id', '=', 'pt-origin')
        .executeTakeFirstOrThrow();
      assert.equal(Number(row.expected_minutes_to_next), 45);
      const denied = await post(`/api/ops/operations/${op.id}/learn-transit-times`, monitor, {});
      assert.equal(denied.statusCode, 403);
    });

    it('assigns monitors to route points, shows them with the operation and to the monitor, refusing contradictions whole', async () => {
      const { monitor, coordinator, post, get } = t;
      const plan = freshPlan(COMPARTMENT);
      const op = plan.operations[0]!;
      const assigned = {
        ...plan,
        operations: [
          {
            ...op,
            route: op.route.map((p, i) =>
              i === 1 ? { ...p, monitors: [monitor.userId, 'field-team-2'] } : p,
            ),
          },
        ],
      };
      const ok = await post('/api/ops/operations', coordinator, assigned);
      assert.equal(ok.statusCode, 201, ok.body);
      const view = (await get(`/api/ops/operations/${op.id}`, coordinator)).json();
      assert.deepEqual(
        view.routePoints.map((p: { monitors: string[] }) => p.monitors),
        [[], [monitor.userId, 'field-team-2'], [], []],
      );
      const mine = await get(`/api/ops/operations/${op.id}/monitor`, monitor);
      assert.equal(mine.statusCode, 200, mine.body);
      assert.deepEqual(mine.json().routePoints[1].monitors, [monitor.userId, 'field-team-2']);

      const before = (await get('/api/ops/operations', coordinator)).json().operations.length;
      const variant = (monitors: unknown, extra: object = {}) => {
        const p = freshPlan(COMPARTMENT);
        const o = p.operations[0]!;
        return {
          ...p,
          operations: [{ ...o, route: o.route.map((r, i) => (i === 1 ? { ...r, ...extra, monitors } : r)) }],
        };
      };
      const refusals: Array<[string, unknown, number, string | null]> = [
        [
          'an unmonitored point with monitors',
          variant(['m-1'], { monitored: false }),
          422,
          'invalid-operation',
        ],
        ['a monitor listed twice', variant(['m-1', 'm-1']), 422, 'invalid-operation'],
        ['a malformed id', variant(['../etc/passwd']), 400, null],
        ['an id past the length limit', variant(['m'.repeat(500)]), 400, null],
        ['more than 20 monitors', variant(Array.from({ length: 21 }, (_, k) => `m-${k}`)), 400, null],
        ['monitors that are not a list', variant('m-1'), 400, null],
        ['a monitor that is not a string', variant([42]), 400, null],
      ];
      for (const [what, body, status, type] of refusals) {
        const res = await post('/api/ops/operations', coordinator, body);
        assert.equal(res.statusCode, status, `${what}: ${res.body}`);
        assert.match(res.headers['content-type'] as string, /^application\/problem\+json/, what);
        if (type) assert.equal(res.json().type, `https://attest.example/problems/${type}`, what);
      }
      assert.equal(
        (await get('/api/ops/operations', coordinator)).json().operations.length,
        before,
        'nothing of a refused plan was stored',
      );
    });
  });
}
