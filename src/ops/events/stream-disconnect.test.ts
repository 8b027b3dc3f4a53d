// A client that disconnects while its stream is being set up (before the close listeners exist)
// must not keep its slot: the attack review found it renewed until the stream's lifetime ended.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, before, describe, it } from 'node:test';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DIALECTS, openTestStore, type TestStore } from '../../../test/support/stores.js';
import type { Access } from '../../access/index.js';
import { streamOperationEvents } from './sse.js';

/** A response whose socket is already gone: writes vanish and no event will ever fire again. */
function goneResponse() {
  const res = Object.assign(new EventEmitter(), {
    destroyed: true,
    socket: null,
    writeHead: () => res,
    write: () => false,
    end: () => res,
  });
  return res;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: an event stream whose client left during set-up`, () => {
    let s: TestStore;
    before(async () => {
      s = await openTestStore(dialect);
    });
    after(async () => s.close());

    it('gives its slot back at once', async () => {
      const access = { userId: 'user-gone', can: () => true } as unknown as Access;
      const req = {
        query: {},
        headers: {},
        raw: Object.assign(new EventEmitter(), { destroyed: true }),
        log: { warn: () => {} },
      } as unknown as FastifyRequest;
      const reply = { hijack: () => {}, raw: goneResponse() } as unknown as FastifyReply;
      await streamOperationEvents(s.ctx, { id: 'op-none', compartment: 'general' }, access, req, reply);
      const slots = () =>
        s.ctx.db
          .selectFrom('event_stream')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('user_id', '=', 'user-gone')
          .executeTakeFirstOrThrow()
          .then((r) => Number(r.n));
      // The release is asynchronous; wait for the condition (generously), never for a time.
      for (let i = 0; i < 1000 && (await slots()) > 0; i++) await new Promise((r) => setImmediate(r));
      assert.equal(await slots(), 0);
    });
  });
}
