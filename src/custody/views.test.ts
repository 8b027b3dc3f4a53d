import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import type { Ctx } from '../ctx.js';
import { addContent, checkItemsAgainstLog } from '../vault/index.js';
import { itemEntries } from './service.js';
import { type VerifyOptions, verifyCustody as verifyLog } from './verify.js';
import { recordView } from './views.js';

/** verifyCustody as `attest verify` runs it: the log, with the vault's items ↔ log check. */
const verifyCustody = (ctx: Ctx, published: readonly string[] = [], options: VerifyOptions = {}) =>
  verifyLog(ctx, published, { itemCheck: checkItemsAgainstLog, ...options });

for (const dialect of DIALECTS) {
  describe(`${dialect}: views are coalesced per actor, item, part and hour (issue 12.14)`, () => {
    let s: TestStore;
    afterEach(async () => s?.close());

    it('200 reads in an hour are one view entry and a count; a new hour, reader or part is a new entry', async () => {
      s = await openTestStore(dialect);
      const { item } = await addContent(s.ctx, Readable.from([Buffer.from('bytes')]), {
        originalName: 'a.txt',
        provenance: { source: 'synthetic', collectedAt: 'unknown', collectedBy: 'unknown' },
        actor: 'user-1',
      });
      const read = (actor: string, part: 'detail' | 'content') =>
        recordView(s.ctx, { actor, itemId: item.id, ern: item.ern, part });
      s.setTime('2016-12-16T09:05:00Z');
      const first = await read('user-a', 'content');
      assert.equal(first.appended, true);
      // Concurrent reads of one window still append one entry.
      const many = await Promise.all(Array.from({ length: 199 }, () => read('user-a', 'content')));
      assert.ok(many.every((r) => !r.appended && r.seq === first.seq));
      s.setTime('2016-12-16T09:59:59Z');
      assert.equal((await read('user-a', 'content')).appended, false);
      assert.equal((await read('user-a', 'detail')).appended, true, 'metadata is its own part');
      assert.equal((await read('user-b', 'content')).appended, true, 'another reader');
      s.setTime('2016-12-16T10:00:00Z');
      assert.equal((await read('user-a', 'content')).appended, true, 'the next hour');

      const views = (await itemEntries(s.ctx, item.id)).filter((e) => e.kind === 'view');
      assert.deepEqual(
        views.map((v) => [v.actor, v.data?.part, v.data?.window]),
        [
          ['user-a', 'content', '2016-12-16T09:00:00Z'],
          ['user-a', 'detail', '2016-12-16T09:00:00Z'],
          ['user-b', 'content', '2016-12-16T09:00:00Z'],
          ['user-a', 'content', '2016-12-16T10:00:00Z'],
        ],
      );
      const window = await s.ctx.db
        .selectFrom('custody_view_window')
        .selectAll()
        .where('actor_id', '=', 'user-a')
        .where('part', '=', 'content')
        .where('hour', '=', '2016-12-16T09:00:00Z')
        .executeTakeFirstOrThrow();
      assert.deepEqual([Number(window.reads), Number(window.seq)], [201, first.seq]);
      assert.deepEqual(await verifyCustody(s.ctx), []);
    });
  });
}
