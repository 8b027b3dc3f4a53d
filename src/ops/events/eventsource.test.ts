/**
 * eventsource.test.ts — the event stream driven by the real `eventsource` client (issue 19.4):
 * `?follow=false` sends the backlog and ends, and the client's reconnect after the end gets
 * 204 No Content, which stops it (no reconnect loop); resuming by Last-Event-ID misses nothing.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { EventSource } from 'eventsource';
import { SMALL_OP, sighting } from '../../../test/support/ops.js';
import { opsApp } from '../../../test/support/ops-http.js';
import { DIALECTS } from '../../../test/support/stores.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: event stream with the eventsource client (issue 19.4)`, () => {
    const t = opsApp(dialect);

    /** collect opens an EventSource on `path` and gathers event ids until it closes or `until` holds. */
    function collect(base: string, path: string, headers: Record<string, string>) {
      const ids: number[] = [];
      const statuses: number[] = [];
      const source = new EventSource(`${base}${path}`, {
        fetch: async (input, init) => {
          const res = await fetch(input, { ...init, headers: { ...init?.headers, ...headers } });
          statuses.push(res.status);
          return res;
        },
      });
      for (const type of ['observation', 'totals', 'status', 'alert'])
        source.addEventListener(type, (e) => ids.push(Number((e as MessageEvent).lastEventId)));
      return { source, ids, statuses };
    }

    it('follow=false sends the backlog, ends, and stops the client with 204 on its reconnect', async () => {
      const { app, monitor, coordinator, device, post } = t;
      for (const [vehicle, count] of [
        ['veh-bus-017', 50],
        ['veh-bus-018', 40],
      ] as const) {
        const wire = sighting(vehicle, 'pt-origin', 'departure', count, 0);
        assert.equal((await post('/api/ops/observations', monitor, device.submission(wire))).statusCode, 201);
      }
      await app.listen({ host: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const backlog = collect(
        base,
        `/api/ops/operations/${SMALL_OP}/events?follow=false`,
        coordinator.headers,
      );
      // The client ends in CLOSED only when told to stop: a 200 that ends would make it reconnect.
      for (let i = 0; i < 200 && backlog.source.readyState !== EventSource.CLOSED; i++)
        await new Promise((r) => setTimeout(r, 25));
      assert.equal(backlog.source.readyState, EventSource.CLOSED, `statuses ${backlog.statuses}`);
      assert.deepEqual(backlog.statuses, [200, 204], 'the backlog, then 204 on the reconnect');
      assert.ok(backlog.ids.length >= 4, `two observations with their totals: ${backlog.ids}`);
      assert.deepEqual(
        backlog.ids,
        [...backlog.ids].sort((a, b) => a - b),
        'ids increase (one deployment-wide sequence)',
      );

      // A following client resumes after the first backlog event and gets the rest, no duplicates.
      const resumed = collect(
        base,
        `/api/ops/operations/${SMALL_OP}/events?lastEventId=${backlog.ids[0]}`,
        coordinator.headers,
      );
      try {
        for (let i = 0; i < 200 && resumed.ids.length < backlog.ids.length - 1; i++)
          await new Promise((r) => setTimeout(r, 25));
        assert.deepEqual(resumed.ids, backlog.ids.slice(1));
        assert.equal(resumed.source.readyState, EventSource.OPEN, 'a following stream stays open');
      } finally {
        resumed.source.close();
      }
    });

    it('answers 204 to follow=false when there is nothing after the position', async () => {
      const { app, coordinator } = t;
      const res = await app.inject({
        method: 'GET',
        url: `/api/ops/operations/${SMALL_OP}/events?follow=false&lastEventId=999999999`,
        headers: coordinator.headers,
      });
      assert.equal(res.statusCode, 204);
      assert.equal(res.body, '');
    });
  });
}
