import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loginAs, type TestCaller } from '../../../test/support/access.js';
import { deviceFor, SMALL_OP, sighting, smallPlan, type TestDevice } from '../../../test/support/ops.js';
import { DIALECTS, openTestStore, type TestStore } from '../../../test/support/stores.js';
import { buildApp } from '../../api/server.js';
import { planOperations } from '../plan/service.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: device keys for administrators`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let admin: TestCaller;
    let monitor: TestCaller;
    let device: TestDevice;

    before(async () => {
      s = await openTestStore(dialect);
      s.setTime('2016-12-15T10:00:00.000Z');
      await planOperations(s.ctx, smallPlan('aleppo'), 'test');
      app = await buildApp(s.ctx);
      admin = await loginAs(app, s.ctx, 'admin', ['*']);
      monitor = await loginAs(app, s.ctx, 'monitor', ['aleppo']);
      device = await deviceFor(s.ctx, monitor.userId);
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    it("lists every monitor's keys with their owner", async () => {
      const res = await app.inject({ method: 'GET', url: '/api/admin/device-keys', headers: admin.headers });
      assert.equal(res.statusCode, 200, res.body);
      const mine = res.json().devices.find((d: { id: string }) => d.id === device.deviceKeyId);
      assert.deepEqual(
        { userId: mine.userId, label: mine.label, revokedAt: mine.revokedAt },
        { userId: monitor.userId, label: 'test phone', revokedAt: null },
      );
      assert.deepEqual(Object.keys(mine).sort(), ['createdAt', 'id', 'label', 'revokedAt', 'userId']);
    });

    it('refuses a monitor (users:admin only)', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/api/admin/device-keys',
        headers: monitor.headers,
      });
      assert.equal(res.statusCode, 403);
    });

    it("revokes a monitor's key: its next observation is refused, and a second revoke is 404", async () => {
      const url = `/api/admin/device-keys/${device.deviceKeyId}/revoke`;
      const res = await app.inject({ method: 'POST', url, headers: admin.headers });
      assert.equal(res.statusCode, 204, res.body);
      const obs = await app.inject({
        method: 'POST',
        url: '/api/ops/observations',
        headers: monitor.headers,
        payload: device.submission({
          ...sighting('veh-bus-017', 'pt-origin', 'departure', 10, 0),
          operationId: SMALL_OP,
        }),
      });
      // The key no longer signs for anyone (the server does not say more than that).
      assert.equal(obs.statusCode, 422, obs.body);
      assert.match(obs.json().type, /unknown-device-key$/);
      const again = await app.inject({ method: 'POST', url, headers: admin.headers });
      assert.equal(again.statusCode, 404);
    });

    it('answers a malformed id with 400 and stores nothing', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/admin/device-keys/..%2F..%2Fetc/revoke',
        headers: admin.headers,
      });
      assert.equal(res.statusCode, 400);
      assert.match(String(res.headers['content-type']), /problem\+json/);
    });
  });
}
