/**
 * no-news-store.test.ts — `operation-no-news` through the hosted engine and the store (issue 13):
 * the engine's clock (the context's, stepped by the test) raises the alert on a sync with no
 * traffic, escalates it in place, keeps a person's acknowledgement, and news resolves it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceFor, SMALL_OP, sighting, smallPlan } from '../../../test/support/ops.js';
import { DIALECTS, openTestStore } from '../../../test/support/stores.js';
import { changeAlert, listAlerts } from '../alerts/service.js';
import { submitObservation } from '../observations/service.js';
import { planOperations } from '../plan/service.js';
import { opsEngine } from './engine.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: operation-no-news over the store`, () => {
    it('warns after the stall limit without news, escalates the same alert, and news resolves it', async () => {
      const s = await openTestStore(dialect);
      try {
        s.setTime('2016-12-15T10:00:00.000Z');
        await planOperations(s.ctx, smallPlan('aleppo', { activeAt: '2016-12-15T09:00:00.000Z' }), 'test');
        const device = await deviceFor(s.ctx, 'monitor-quiet');
        const who = { userId: 'monitor-quiet', mayObserve: () => true };
        // 235 minutes after 06:00: seen at 09:55, received at 10:00.
        await submitObservation(
          s.ctx,
          who,
          device.submission(sighting('veh-bus-017', 'pt-origin', 'departure', 50, 235)),
        );
        const noNews = async () =>
          (await listAlerts(s.ctx, SMALL_OP)).filter((a) => a.kind === 'operation-no-news');

        s.setTime('2016-12-15T12:59:00.000Z');
        await opsEngine(s.ctx).sync();
        assert.deepEqual(await noNews(), []);

        s.setTime('2016-12-15T13:00:00.000Z');
        await opsEngine(s.ctx).sync();
        const [warning, ...others] = await noNews();
        assert.equal(others.length, 0);
        assert.equal(warning!.key, `operation-no-news:${SMALL_OP}:2016-12-15T10:00:00.000Z`);
        assert.equal(warning!.severity, 'warning');
        assert.equal(warning!.raisedAt, '2016-12-15T13:00:00.000Z');
        await changeAlert(s.ctx, warning!.id, 'acknowledged', 'calling the teams', 'coordinator-1');

        s.setTime('2016-12-15T16:00:00.000Z');
        await opsEngine(s.ctx).sync();
        const [critical] = await noNews();
        assert.equal(critical!.id, warning!.id, 'one alert, escalated');
        assert.equal(critical!.severity, 'critical');
        assert.equal(critical!.state, 'acknowledged', 'the person’s acknowledgement is kept');
        assert.deepEqual(
          critical!.history.map((h) => `${h.severity} ${h.since}`),
          ['warning 2016-12-15T13:00:00.000Z', 'critical 2016-12-15T16:00:00.000Z'],
        );

        await submitObservation(
          s.ctx,
          who,
          device.submission(sighting('veh-bus-017', 'pt-ramouseh', 'checkpoint', 50, 240)),
        );
        const [resolved] = await noNews();
        assert.equal(resolved!.id, warning!.id);
        assert.equal(resolved!.state, 'resolved');
        assert.equal(resolved!.note, 'cleared by later observations');
      } finally {
        await s.close();
      }
    });
  });
}
