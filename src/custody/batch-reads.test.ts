import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { verifyInclusion } from '../lib/merkle.js';
import {
  appendEntries,
  itemEntries,
  itemsEntries,
  proveInclusion,
  proveInclusions,
  treeRoot,
} from './service.js';

// The batch reads an export uses (issue 20): many proofs and many items' entries at once must
// give exactly what the one-at-a-time reads give.
for (const dialect of DIALECTS) {
  describe(`${dialect}: custody batch reads`, () => {
    let s: TestStore;
    const SIZE = 77;
    before(async () => {
      s = await openTestStore(dialect);
      await s.ctx.db.transaction().execute((trx) =>
        appendEntries(
          trx,
          Array.from({ length: SIZE }, (_, i) => ({
            kind: 'annotate' as const,
            actor: 'user-1',
            itemId: `item-${i % 7}`,
            data: { n: i },
          })),
          '2016-12-15T06:00:00.000Z',
        ),
      );
    });
    after(async () => s.close());

    it('proveInclusions gives, for every entry and several tree sizes, the proof proveInclusion gives', async () => {
      for (const size of [1, 2, 3, 8, 33, 64, SIZE]) {
        const indexes = Array.from({ length: size }, (_, i) => i).reverse();
        const batch = await proveInclusions(s.ctx, indexes, size);
        const root = await treeRoot(s.ctx.db, size);
        for (const [k, index] of indexes.entries()) {
          const one = await proveInclusion(s.ctx, index, size);
          assert.deepEqual(batch[k], one, `proveInclusions(${index}, ${size})`);
          const path = one.proof.map((h) => Buffer.from(h, 'hex'));
          assert.ok(verifyInclusion(Buffer.from(one.leafHash, 'hex'), index, size, path, root));
        }
      }
    });

    it('proveInclusions refuses an index past the tree', async () => {
      await assert.rejects(proveInclusions(s.ctx, [SIZE], SIZE), { code: 'INVALID_RANGE' });
    });

    it('itemsEntries returns the entries of many items below a size, oldest first', async () => {
      const ids = ['item-2', 'item-5', 'no-such-item'];
      const got = await itemsEntries(s.ctx, ids, 50);
      const want = (await Promise.all(ids.map((id) => itemEntries(s.ctx, id))))
        .flat()
        .filter((e) => e.seq < 50)
        .sort((a, b) => a.seq - b.seq);
      assert.deepEqual(
        got.map((e) => [e.seq, e.itemId, e.leafHash]),
        want.map((e) => [e.seq, e.itemId, e.leafHash]),
      );
      assert.ok(got.every((e) => JSON.parse(e.payload).seq === e.seq));
    });
  });
}
