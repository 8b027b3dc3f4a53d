// The per-query plan choice on PostgreSQL (pg-plan.ts): rare matches are read from GIN and
// sorted, common ones walk doc_id; the estimate comes from ANALYZE's most common lexemes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Match } from '../query/compile.js';
import {
  chooseGin,
  matchShare,
  recentSpan,
  selectiveFilters,
  share,
  type TermStats,
  WALK_SHARE,
} from './pg-plan.js';

const stats: TermStats = {
  rows: 1_000_000,
  freq: new Map([
    ['_doc', 1],
    ['_cgeneral', 0.9],
    ['_cm1', 0.9],
    ['_cm2', 0.3],
    ['_cm3', 0.3],
    ['_dy2016', 0.6],
    ['_arsy07', 0.9],
    ['convoy', 0.2],
    ['hospit', 0.05],
    ['bakeri', 0.01],
  ]),
  floor: 0.0005,
};
const term = (v: string, prefix = false): Match => ({ t: 'term', v, prefix });

describe('PostgreSQL plan by term rarity', () => {
  it('estimates shares: AND and a phrase multiply (independent parts), OR the commonest, unlisted below the floor', () => {
    assert.equal(share(term('convoy'), stats), 0.2);
    // Unlisted: half the least listed share, as PostgreSQL's tsmatchsel assumes.
    assert.equal(share(term('qaterji'), stats), 0.00025);
    // As PostgreSQL's own tsquery estimate: the parts of an AND as independent.
    assert.ok(Math.abs(share({ t: 'and', items: [term('convoy'), term('bakeri')] }, stats) - 0.002) < 1e-12);
    // Alternatives mostly mark the same documents (a place name and its places' tags).
    assert.equal(share({ t: 'or', items: [term('convoy'), term('hospit')] }, stats), 0.2);
    assert.equal(share({ t: 'or', items: [term('qaterji'), term('bakeri')] }, stats), 0.01);
    assert.ok(Math.abs(share({ t: 'phrase', vs: ['convoy', 'qaterji'] }, stats) - 0.00005) < 1e-12);
    assert.equal(share(term('evac', true), stats), 1, 'a prefix is taken as common');
    assert.equal(
      share({ t: 'and', items: [term('convoy'), { t: 'not', item: term('bakeri') }] }, stats),
      0.2,
    );
  });

  it('reads rare matches from GIN (fewer than √(window · rows)) and walks doc_id for common ones', () => {
    // √(1000 · 1e6) = 31,623 rows: 3.16% of the table.
    assert.equal(chooseGin(stats, term('convoy'), null, null), false);
    assert.equal(chooseGin(stats, term('hospit'), null, null), false);
    assert.equal(chooseGin(stats, term('bakeri'), null, null), true);
    assert.equal(chooseGin(stats, { t: 'phrase', vs: ['convoy', 'qaterji'] }, null, null), true);
    // A rare filter makes a common word rare; a common filter leaves it common.
    assert.equal(chooseGin(stats, term('convoy'), null, { all: [['_arSY0703']], none: [] }), true);
    assert.equal(chooseGin(stats, term('convoy'), null, { all: [['_cgeneral']], none: [] }), false);
    // Exclusions alone are everything but a few: walk.
    assert.equal(chooseGin(stats, null, term('convoy'), { all: [['_doc']], none: [] }), false);
    assert.equal(chooseGin(stats, term('evac', true), null, null), false);
  });

  it('with no statistics (a table never analysed) reads from GIN', () => {
    const none: TermStats = { rows: 0, freq: new Map(), floor: 0 };
    assert.equal(chooseGin(none, term('convoy'), null, null), true);
  });

  it('walks only a common match; a rarer one reads the newest doc_ids, twice what the estimate needs', () => {
    assert.ok(matchShare(stats, term('convoy'), null)! >= WALK_SHARE, 'convoy (20%) walks');
    assert.ok(matchShare(stats, term('hospit'), null)! < WALK_SHARE, 'hospit (5%) reads a span');
    assert.equal(matchShare(stats, null, null), null, 'nothing positive: walk');
    assert.equal(matchShare(stats, term('convoy'), { all: [['_arSY0703', '_doc']], none: [] }), 0.2);
    // 2 × 1,001 matches at 5% of the documents: the newest 40,040 doc_ids.
    assert.equal(recentSpan(0.05, 1_000_000, 1000), 40_040);
    // A span past the oldest document, or an unknown share: every document.
    assert.equal(recentSpan(0.001, 1_000_000, 1000), null);
    assert.equal(recentSpan(0, 1_000_000, 1000), null);
  });

  it('leaves out of the GIN read a filter group that SQL decides and most documents carry', () => {
    const f = {
      all: [['_cm1'], ['_cm2', '_cm3'], ['_cm2'], ['_dy2016'], ['_arsy07'], ['_kdrare']],
      none: ['_srx'],
    };
    // _cm1 (90%) and _cm2|_cm3 (60% together) and _dy2016 (60%) go; _cm2 alone (30%) stays;
    // a place term stays however common (the index alone decides it); NOT terms stay.
    assert.deepEqual(selectiveFilters(stats, f), {
      all: [['_cm2'], ['_arsy07'], ['_kdrare']],
      none: ['_srx'],
    });
    assert.equal(selectiveFilters(stats, null), null);
  });
});
