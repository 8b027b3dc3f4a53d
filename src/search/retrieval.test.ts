/**
 * retrieval.test.ts — recall@10 and mean reciprocal rank of the retrieval set
 * (test/search/retrieval-set.ts) on each backend, printed in the test output; the suite fails
 * below recall@10 = 0.9. Items go in through the vault, as a user would add them.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { DOCS, QUERIES } from '../../test/search/retrieval-set.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { addContent } from '../vault/index.js';
import { search } from './service.js';

const MIN_RECALL_AT_10 = 0.9;

for (const dialect of DIALECTS) {
  describe(`${dialect}: retrieval set`, () => {
    let s: TestStore;
    const ernOf = new Map<string, string>();
    before(async () => {
      s = await openTestStore(dialect);
      for (const d of DOCS) {
        const out = await addContent(s.ctx, Readable.from([Buffer.from(d.text)]), {
          originalName: `${d.id}.txt`,
          title: d.title,
          provenance: { source: d.source, collectedAt: d.collectedAt, collectedBy: 'monitor-01' },
          compartment: d.compartment ?? 'general',
          actor: 'user-test',
        });
        ernOf.set(out.item.ern, d.id);
      }
    });
    after(async () => s.close());

    it(`reaches recall@10 ≥ ${MIN_RECALL_AT_10} over ${QUERIES.length} queries and ${DOCS.length} documents`, async () => {
      let recallSum = 0;
      let rrSum = 0;
      const misses: string[] = [];
      for (const { q, relevant } of QUERIES) {
        const res = await search(s.ctx, { q, limit: 10, compartments: ['general'], facets: false });
        const ids = res.results.map((r) => ernOf.get(r.ern)!);
        const found = relevant.filter((id) => ids.includes(id));
        recallSum += found.length / relevant.length;
        const first = ids.findIndex((id) => relevant.includes(id));
        rrSum += first >= 0 ? 1 / (first + 1) : 0;
        if (found.length < relevant.length)
          misses.push(
            `${q}: missed ${relevant.filter((id) => !found.includes(id)).join(',')} (got ${ids.join(',')})`,
          );
      }
      const recall = recallSum / QUERIES.length;
      const mrr = rrSum / QUERIES.length;
      console.log(
        `# ${dialect}: recall@10 = ${recall.toFixed(3)}, MRR = ${mrr.toFixed(3)} (${QUERIES.length} queries, ${DOCS.length} documents)`,
      );
      for (const m of misses) console.log(`#   ${m}`);
      assert.ok(recall >= MIN_RECALL_AT_10, `recall@10 = ${recall.toFixed(3)}, want ≥ ${MIN_RECALL_AT_10}`);
    });
  });
}
