// The per-query plan choice on PostgreSQL (pg-plan.ts): rare matches are read from GIN and
// sorted, common ones walk doc_id; the estimate comes from ANALYZE's most common lexemes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Match } from '../query/compile.js';
import { chooseGin, share, type TermStats } from './pg-plan.js';

const stats: TermStats = {
  rows: 1_000_000,
  freq: new Map([
    ['_doc', 1],
    ['_cgeneral', 0.9],
    ['convoy', 0.2],
    ['hospit', 0.05],
    ['bakeri', 0.01],
  ]),
  floor: 0.0005,
};
const term = (v: string, prefix = false): Match => ({ t: 'term', v, prefix });

describe('PostgreSQL plan by term rarity', () => {
  it('estimates shares: AND the rarest, OR the sum, a phrase its rarest word, unlisted below the floor', () => {
    assert.equal(share(term('convoy'), stats), 0.2);
    assert.equal(share(term('qaterji'), stats), 0.0005);
    assert.equal(share({ t: 'and', items: [term('convoy'), term('bakeri')] }, stats), 0.01);
    assert.ok(Math.abs(share({ t: 'or', items: [term('convoy'), term('hospit')] }, stats) - 0.25) < 1e-9);
    assert.equal(share({ t: 'phrase', vs: ['convoy', 'qaterji'] }, stats), 0.0005);
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
});
