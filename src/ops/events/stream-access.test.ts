/**
 * stream-access.test.ts — issue 12.3 over HTTP: an open event stream ends when the session or
 * token that opened it ends (logout, token revoked), when its user is disabled or loses the grant
 * (through this server, or behind its back in the database, as another process would), and
 * after its maximum lifetime, after which a reconnect with Last-Event-ID misses nothing.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { before, describe, it } from 'node:test';
import { loginAs, type TestCaller, tokenAs } from '../../../test/support/access.js';
import { SMALL_OP, sighting } from '../../../test/support/ops.js';
import { OPS_COMPARTMENT, opsApp } from '../../../test/support/ops-http.js';
import { DIALECTS } from '../../../test/support/stores.js';
import { STREAM_LIMITS } from './sse.js';

interface Stream {
  readonly text: () => string;
  /** Tells whether the server has ended the response. */
  readonly ended: () => boolean;
  readonly close: () => void;
}

const until = async (what: string, test: () => boolean) => {
  for (let i = 0; i < 400 && !test(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(test(), `waited for ${what}`);
};

for (const dialect of DIALECTS) {
  describe(`${dialect}: event streams follow the access that opened them (issue 12.3)`, () => {
    const t = opsApp(dialect);
    let port = 0;
    before(async () => {
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      port = (t.app.server.address() as AddressInfo).port;
    });

    const open = (caller: TestCaller, lastEventId?: string) =>
      new Promise<Stream>((resolve, reject) => {
        const chunks: string[] = [];
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: `/api/ops/operations/${SMALL_OP}/events`,
            headers: { ...caller.headers, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
          },
          (res) => {
            assert.equal(res.statusCode, 200);
            res.setEncoding('utf8');
            res.on('data', (c: string) => chunks.push(c));
            let ended = false;
            res.on('end', () => {
              ended = true;
            });
            const stream = { text: () => chunks.join(''), ended: () => ended, close: () => req.destroy() };
            void until('the stream to start', () => /retry: 3000/.test(stream.text())).then(
              () => resolve(stream),
              reject,
            );
          },
        );
        req.on('error', (e) => (chunks.length ? undefined : reject(e)));
        req.end();
      });

    /** observe submits one observation of the witness operation (an event on every stream). */
    const observe = async (minutes: number) => {
      const wire = sighting('veh-car-102', 'pt-origin', 'departure', 4, minutes);
      const res = await t.post('/api/ops/observations', t.monitor, t.device.submission(wire));
      assert.equal(res.statusCode, 201, res.body);
      return wire.clientId;
    };

    const endsFor = async (stream: Stream, reason: string) => {
      try {
        await until('the server to end the stream', stream.ended);
      } finally {
        stream.close();
      }
      assert.match(stream.text(), new RegExp(`event: end\\ndata: \\{"reason":"${reason}"\\}\\n\\n$`));
    };

    it('ends at logout', async () => {
      const reader = await loginAs(t.app, t.s.ctx, 'coordinator', [OPS_COMPARTMENT]);
      const stream = await open(reader);
      assert.equal((await t.post('/api/logout', reader, {})).statusCode, 204);
      await endsFor(stream, 'access');
    });

    it('ends when an admin disables the user', async () => {
      const reader = await loginAs(t.app, t.s.ctx, 'coordinator', [OPS_COMPARTMENT]);
      const admin = await loginAs(t.app, t.s.ctx, 'admin', ['*']);
      const stream = await open(reader);
      const res = await t.post(`/api/admin/users/${reader.userId}/disable`, admin, {});
      assert.equal(res.statusCode, 204, res.body);
      await endsFor(stream, 'access');
    });

    it('ends when the grant is revoked, and a token stream when the token is revoked', async () => {
      const reader = await loginAs(t.app, t.s.ctx, 'coordinator', [OPS_COMPARTMENT]);
      const admin = await loginAs(t.app, t.s.ctx, 'admin', ['*']);
      const stream = await open(reader);
      const revoke = await t.app.inject({
        method: 'DELETE',
        url: `/api/admin/users/${reader.userId}/grants/coordinator/${OPS_COMPARTMENT}`,
        headers: admin.headers,
      });
      assert.equal(revoke.statusCode, 204, revoke.body);
      await endsFor(stream, 'access');

      const script = await tokenAs(t.s.ctx, 'coordinator', [OPS_COMPARTMENT]);
      const tokenStream = await open(script);
      const [token] = (await t.get('/api/tokens', script)).json().tokens;
      const gone = await t.app.inject({
        method: 'DELETE',
        url: `/api/tokens/${token.id}`,
        headers: script.headers,
      });
      assert.equal(gone.statusCode, 204, gone.body);
      await endsFor(tokenStream, 'access');
    });

    it('sends no event once the grant is gone behind its back (another process), and ends', async () => {
      const reader = await loginAs(t.app, t.s.ctx, 'coordinator', [OPS_COMPARTMENT]);
      const stream = await open(reader);
      // As the CLI or another server would: no notice reaches this process.
      await t.s.ctx.db.deleteFrom('access_grant').where('user_id', '=', reader.userId).execute();
      const clientId = await observe(70);
      await endsFor(stream, 'access');
      assert.ok(!stream.text().includes(clientId), 'the observation was not sent');
    });

    it('ends after its maximum lifetime; a reconnect with Last-Event-ID misses nothing', async () => {
      const reader = await loginAs(t.app, t.s.ctx, 'coordinator', [OPS_COMPARTMENT]);
      const stream = await open(reader);
      await observe(80);
      await until('the first event', () => /^id: \d+$/m.test(stream.text()));
      const last = [...stream.text().matchAll(/^id: (\d+)$/gm)].at(-1)![1]!;
      t.s.setTime(new Date(Date.parse('2016-12-15T10:00:00Z') + STREAM_LIMITS.maxLifetimeMs).toISOString());
      try {
        const missed = await observe(90);
        await endsFor(stream, 'lifetime');
        assert.ok(!stream.text().includes(missed));
        // The session is still good: EventSource reconnects with the last id it saw.
        const again = await open(reader, last);
        try {
          await until('the missed event', () => again.text().includes(missed));
        } finally {
          again.close();
        }
      } finally {
        t.s.setTime('2016-12-15T10:00:00.000Z');
      }
    });
  });
}
