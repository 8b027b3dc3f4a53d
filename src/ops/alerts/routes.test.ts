/** routes.test.ts — an operation's alerts over HTTP and the people's part of their lifecycle. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loginAs } from '../../../test/support/access.js';
import { SMALL_OP, sighting } from '../../../test/support/ops.js';
import { opsApp } from '../../../test/support/ops-http.js';
import { DIALECTS } from '../../../test/support/stores.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: alerts over HTTP`, () => {
    const t = opsApp(dialect);

    it('raises people-unaccounted on a headcount drop; a coordinator acknowledges then resolves it', async () => {
      const { s, app, monitor, coordinator, device, post, get } = t;
      for (const wire of [
        sighting('veh-bus-017', 'pt-ramouseh', 'checkpoint', 50, 50),
        sighting('veh-bus-017', 'pt-rashideen', 'checkpoint', 42, 100),
      ]) {
        assert.equal((await post('/api/ops/observations', monitor, device.submission(wire))).statusCode, 201);
      }
      const view = (await get(`/api/ops/operations/${SMALL_OP}`, coordinator)).json();
      const rashideen = view.routePoints.find((p: { id: string }) => p.id === 'pt-rashideen');
      assert.deepEqual(rashideen.counts, { people: 42, vehicles: 1 });
      const alert = view.alerts.find((a: { kind: string }) => a.kind === 'people-unaccounted');
      assert.ok(alert, JSON.stringify(view.alerts));
      assert.equal(alert.severity, 'critical');
      assert.equal(alert.evidence.figures.missing, 8);
      assert.equal(alert.summary, 'BUS-017: 8 fewer people at al-Rashideen than at Ramouseh (50 → 42).');
      const bus = view.vehicleList.find((v: { id: string }) => v.id === 'veh-bus-017');
      assert.equal(bus.lastPointId, 'pt-rashideen');
      // What the attention strip reads (issue 16.1): people on board now, and each point's last sighting.
      assert.equal(bus.people, 42);
      assert.equal(rashideen.lastObservedAt, '2016-12-15T07:40:00.000Z');
      assert.equal(
        view.routePoints.find((p: { id: string }) => p.id === 'pt-destination').lastObservedAt,
        null,
      );
      assert.ok(['in-transit', 'overdue'].includes(bus.state), bus.state);
      assert.ok(
        !view.vehicleList.some((v: { state: string }) => v.state === 'planned'),
        'only vehicles on the road',
      );
      const all = (await get(`/api/ops/operations/${SMALL_OP}?vehicles=all`, coordinator)).json();
      assert.equal(all.vehicleList.length, all.vehicles.total);

      assert.equal(
        (await post(`/api/ops/alerts/${alert.id}/resolve`, monitor, { note: 'x' })).statusCode,
        403,
      );
      const ack = await post(`/api/ops/alerts/${alert.id}/acknowledge`, coordinator, {});
      assert.equal(ack.statusCode, 200, ack.body);
      assert.equal(ack.json().alert.state, 'acknowledged');
      assert.equal(
        ack.json().alert.stateChangedBy,
        coordinator.userId,
        'the lifecycle names who acted (issue 11.4)',
      );
      assert.equal((await post(`/api/ops/alerts/${alert.id}/resolve`, coordinator, {})).statusCode, 400);
      const resolved = await post(`/api/ops/alerts/${alert.id}/resolve`, coordinator, {
        note: 'Eight people left with ICRC.',
      });
      assert.equal(resolved.json().alert.state, 'resolved');
      const again = await post(`/api/ops/alerts/${alert.id}/acknowledge`, coordinator, {});
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().type, 'https://attest.example/problems/invalid-alert-transition');
      const open = (await get(`/api/ops/operations/${SMALL_OP}/alerts?state=open`, coordinator)).json()
        .alerts;
      assert.ok(!open.some((a: { id: string }) => a.id === alert.id));
      const outsider = await loginAs(app, s.ctx, 'coordinator', ['elsewhere']);
      assert.equal((await post(`/api/ops/alerts/${alert.id}/acknowledge`, outsider, {})).statusCode, 404);
    });
  });
}
