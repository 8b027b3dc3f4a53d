/**
 * concurrency.test.ts — duplicate detection holds under concurrent uploads on both dialects
 * (issue 21.2): on PostgreSQL, ten identical uploads at once used to become ten items where
 * SQLite, whose single writer serialises them, gave one item and nine duplicates. ERNs and
 * custody indices stay dense and unique, and the compartment wall still holds.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { addContent, duplicateScopeFor, type ItemInput } from './service.js';

const provenance = { source: 'synthetic test source', collectedAt: '2016-12-15', collectedBy: 'monitor-01' };
const bytes = (s: string) => Readable.from([Buffer.from(s)]);
const input = (actor: string, extra: Partial<ItemInput> = {}): ItemInput => ({
  originalName: 'photo.jpg',
  provenance,
  actor,
  ...extra,
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: concurrent uploads (issue 21.2)`, () => {
    let s: TestStore;
    before(async () => {
      s = await openTestStore(dialect);
    });
    after(async () => s.close());

    it('ten identical uploads at once are one item and nine duplicates (five rounds)', async () => {
      for (let round = 0; round < 5; round++) {
        const outcomes = await Promise.all(
          Array.from({ length: 10 }, () =>
            addContent(s.ctx, bytes(`the same photograph, round ${round}`), input('user-1')),
          ),
        );
        const added = outcomes.filter((o) => o.status === 'added');
        assert.equal(added.length, 1, `round ${round}: ${outcomes.map((o) => o.status).join(' ')}`);
        assert.ok(outcomes.every((o) => o.item.ern === added[0]?.item.ern));
      }
      const items = await s.ctx.db.selectFrom('item').select('ern').execute();
      assert.equal(items.length, 5);
    });

    it('within compartments: concurrent uploads of the same bytes by callers who cannot see each other become one item each', async () => {
      const a = duplicateScopeFor(['alpha'], 'user-a', 'alpha');
      const b = duplicateScopeFor(['beta'], 'user-b', 'beta');
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          addContent(
            s.ctx,
            bytes('a leaflet found at two checkpoints'),
            input(i % 2 ? 'user-a' : 'user-b', {
              compartment: i % 2 ? 'alpha' : 'beta',
              duplicatesAmong: i % 2 ? a : b,
            }),
          ),
        ),
      );
      const byCompartment = new Map<string, Set<string>>();
      for (const o of outcomes) {
        const set = byCompartment.get(o.item.compartment) ?? new Set();
        set.add(o.item.ern);
        byCompartment.set(o.item.compartment, set);
      }
      assert.equal(byCompartment.get('alpha')?.size, 1, 'alpha callers share one item');
      assert.equal(byCompartment.get('beta')?.size, 1, 'beta callers share one item');
      assert.equal(outcomes.filter((o) => o.status === 'added').length, 2);
    });

    it('many different uploads at once: ERNs and custody indices dense and unique', async () => {
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => addContent(s.ctx, bytes(`report ${i}`), input(`user-${i % 3}`))),
      );
      const items = await s.ctx.db.selectFrom('item').select(['ern', 'ern_seq']).orderBy('ern_seq').execute();
      assert.deepEqual(
        items.map((r) => Number(r.ern_seq)),
        items.map((_, i) => i + 1),
      );
      assert.equal(new Set(items.map((r) => r.ern)).size, items.length);
      const entries = await s.ctx.db.selectFrom('custody_entry').select('seq').orderBy('seq').execute();
      assert.deepEqual(
        entries.map((r) => Number(r.seq)),
        entries.map((_, i) => i),
      );
    });
  });
}
