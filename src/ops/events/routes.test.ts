/** routes.test.ts — an operation's live event stream: Last-Event-ID resumption, the per-user cap. */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { SMALL_OP, sighting } from '../../../test/support/ops.js';
import { opsApp } from '../../../test/support/ops-http.js';
import { DIALECTS } from '../../../test/support/stores.js';
import { MAX_STREAMS_PER_USER } from './sse.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: event stream over HTTP`, () => {
    const t = opsApp(dialect);

    it('streams live events and resumes from Last-Event-ID', async () => {
      const { app, monitor, coordinator, device, post, get } = t;
      await app.listen({ host: '127.0.0.1', port: 0 });
      const port = (app.server.address() as AddressInfo).port;
      const open = (lastEventId?: string) =>
        new Promise<{ chunks: string[]; close: () => void }>((resolve, reject) => {
          const chunks: string[] = [];
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port,
              path: `/api/ops/operations/${SMALL_OP}/events`,
              headers: { ...coordinator.headers, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
            },
            (res) => {
              assert.equal(res.statusCode, 200);
              assert.match(res.headers['content-type'] as string, /text\/event-stream/);
              res.setEncoding('utf8');
              res.on('data', (c: string) => chunks.push(c));
              resolve({ chunks, close: () => req.destroy() });
            },
          );
          req.on('error', (e) => (chunks.length ? undefined : reject(e)));
          req.end();
        });
      const waitFor = async (chunks: string[], re: RegExp) => {
        for (let i = 0; i < 100 && !re.test(chunks.join('')); i++)
          await new Promise((r) => setTimeout(r, 50));
        assert.match(chunks.join(''), re);
      };
      const live = await open();
      try {
        await waitFor(live.chunks, /retry: 3000/);
        const wire = sighting('veh-amb-03', 'pt-origin', 'departure', 3, 160, { categories: { medical: 2 } });
        assert.equal((await post('/api/ops/observations', monitor, device.submission(wire))).statusCode, 201);
        await waitFor(live.chunks, new RegExp(`event: observation\\ndata: [^\\n]*${wire.clientId}`));
        await waitFor(live.chunks, /event: totals/);
      } finally {
        live.close();
      }
      const sent = live.chunks.join('');
      const ids = [...sent.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      assert.ok(ids.length >= 2);
      // Resuming after the first event replays the rest, in order, whatever their types.
      const resumed = await open(String(ids[0]));
      try {
        await waitFor(resumed.chunks, new RegExp(`id: ${ids.at(-1)}\\n`));
        const replayed = [...resumed.chunks.join('').matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
        assert.deepEqual(replayed, ids.slice(1));
      } finally {
        resumed.close();
      }
      // A user may hold MAX_STREAMS_PER_USER streams; one more is refused until one closes.
      // The streams closed above give their slots back as their sockets close: wait for that.
      const slots = () =>
        t.s.ctx.db
          .selectFrom('event_stream')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('user_id', '=', coordinator.userId)
          .executeTakeFirstOrThrow()
          .then((r) => Number(r.n));
      for (let i = 0; i < 500 && (await slots()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await slots(), 0, 'closed streams hold no slot');
      const streams = [];
      try {
        for (let i = 0; i < MAX_STREAMS_PER_USER; i++) streams.push(await open());
        const backlog = `/api/ops/operations/${SMALL_OP}/events?follow=false&lastEventId=0`;
        const refused = await get(backlog, coordinator);
        assert.equal(refused.statusCode, 429);
        assert.equal(refused.json().type, 'https://attest.example/problems/too-many-streams');
        streams.pop()!.close();
        for (let i = 0; i < 500 && (await get(backlog, coordinator)).statusCode === 429; i++) {
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal((await get(backlog, coordinator)).statusCode, 200);
      } finally {
        for (const stream of streams) stream.close();
      }
    });
  });
}
