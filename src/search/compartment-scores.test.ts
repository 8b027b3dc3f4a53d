// A caller's scores and order come from documents they may read alone (security finding #3):
// with one full-text table for every compartment, SQLite's bm25 weighed a word by how many
// documents of every compartment hold it, so what was added where the caller cannot read moved
// their scores and could flip their order.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { addContent, amendItem } from '../vault/index.js';
import { indexItem } from './indexer.js';
import { search } from './service.js';

const add = (s: TestStore, text: string, compartment: string) =>
  addContent(s.ctx, Readable.from([Buffer.from(text)]), {
    originalName: 'note.txt',
    title: 'statement',
    provenance: { source: 'field team 3', collectedAt: '2016-12-18', collectedBy: 'monitor-07' },
    compartment,
    actor: 'user-test',
  }).then((o) => o.item);

const seen = async (s: TestStore, q: string, compartments: string[] = ['general']) =>
  (await search(s.ctx, { q, compartments, limit: 20 })).results.map((r) => [r.ern, r.score]);

for (const dialect of DIALECTS) {
  describe(`${dialect}: search scores stay within the caller's compartments`, () => {
    let s: TestStore;
    before(async () => {
      s = await openTestStore(dialect);
      // Two readable documents, one word each; which ranks first depends on the words' weights.
      await add(s, 'the convoy waited at the orchard checkpoint', 'general');
      await add(s, 'the convoy waited at the bakery checkpoint', 'general');
      await add(s, 'a long note about buses and the convoy route', 'general');
      await search(s.ctx, { q: 'convoy', compartments: 'all' }); // indexes them
    });
    after(async () => s.close());

    it('neither the scores nor the order move when a hidden compartment gains matching documents', async () => {
      const probes = ['orchard', 'orchard OR bakery', 'convoy', 'convoy orchard'];
      const all = async () => {
        const out = [];
        for (const q of probes) out.push(await seen(s, q));
        return out;
      };
      const before = await all();
      // Many documents the caller cannot read, all with one of the words, some long.
      for (let i = 0; i < 30; i++)
        await add(s, `orchard ${'filler words of a long hidden statement '.repeat(i % 7)} ${i}`, 'witness');
      await search(s.ctx, { q: 'orchard', compartments: 'all' }); // every new document indexed
      const afterHidden = await all();
      assert.deepEqual(afterHidden, before);
      // Whoever reads both compartments sees the new documents ranked with the rest.
      const both = await seen(s, 'orchard', ['general', 'witness']);
      assert.equal(both.length, 20);
    });

    it('a document moved to another compartment is found there once, and its old table forgets it', async () => {
      const moved = await add(s, 'a statement naming the quarry crossing', 'general');
      assert.equal((await seen(s, 'quarry')).length, 1);
      await amendItem(s.ctx, moved.ern, { compartment: 'witness' }, { actor: 'user-3', reason: 'protect' });
      assert.equal(await indexItem(s.ctx, moved.id), 'indexed');
      assert.deepEqual(await seen(s, 'quarry'), []);
      // Read from both compartments' tables: one result (the old table's copy would be a second).
      const both = await seen(s, 'quarry', ['general', 'witness']);
      assert.deepEqual(
        both.map(([ern]) => ern),
        [moved.ern],
      );
    });
  });
}
