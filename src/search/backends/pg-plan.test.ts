// The per-query plan choice on PostgreSQL (pg-plan.ts): rare matches are read from GIN and
// sorted, common ones walk doc_id; the estimate comes from ANALYZE's most common lexemes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Match } from '../query/compile.js';
import {
  exactAndPhrases,
  matchShare,
  recentSpan,
  SEQUENCE_LEVELS,
  selectiveFilters,
  sequenceCover,
  sequenceKey,
  sequenceKeys,
  share,
  spanStart,
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
    ['convers', 0.01],
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
    // A prefix: the listed lexemes it covers; none listed, an unlisted lexeme; too short, common.
    assert.equal(share(term('hosp', true), stats), 0.05, 'hosp* covers hospit');
    assert.ok(Math.abs(share(term('conv', true), stats) - 0.21) < 1e-12, 'conv* covers convoy and convers');
    assert.equal(share(term('evac', true), stats), stats.floor / 2, 'evac* covers nothing listed');
    assert.equal(share(term('co', true), stats), 1, 'a two-letter prefix is taken as common');
    assert.equal(
      share({ t: 'and', items: [term('convoy'), { t: 'not', item: term('bakeri') }] }, stats),
      0.2,
    );
  });

  it('walks only a common match; a rarer one reads the newest doc_ids, twice what the estimate needs', () => {
    assert.ok(matchShare(stats, term('convoy'), null)! >= WALK_SHARE, 'convoy (20%) walks');
    assert.ok(matchShare(stats, term('hospit'), null)! < WALK_SHARE, 'hospit (5%) reads a span');
    assert.equal(matchShare(stats, null, null), null, 'nothing positive: walk');
    assert.equal(matchShare(stats, term('convoy'), { all: [['_arSY0703', '_doc']], none: [] }), 0.2);
    // 2 × 1,001 matches at 5% of the documents: the newest 40,040 doc_ids, from the block of
    // 4,096 (at most an eighth of the span) they start in: doc_ids 958,464 to 1,000,000.
    assert.equal(recentSpan(0.05, 1_000_000, 1000), 41_537);
    // A span past the oldest document, or an unknown share: every document.
    assert.equal(recentSpan(0.001, 1_000_000, 1000), null);
    assert.equal(recentSpan(0, 1_000_000, 1000), null);
    // A span that would start at the first block is every document.
    assert.equal(recentSpan(0.5, 50, 10), null);
    // 44 doc_ids (2 × 11 at 50%) from the block of 16 they start in: 48 to 100.
    assert.equal(recentSpan(0.5, 100, 10), 53);
  });

  it('covers a range of doc_ids exactly with the fewest aligned blocks', () => {
    const key = (level: number, block: number) => sequenceKey(level, block);
    // The blocks of one document, one per level.
    assert.deepEqual(
      sequenceKeys(1_000_000),
      SEQUENCE_LEVELS.map((l) => l * 2 ** 32 + Math.floor(1_000_000 / 2 ** l)),
    );
    // [958,464, 1,000,000], open above: two blocks of 4,096 up to 966,656 (a multiple of 16,384),
    // one of 16,384 up to 983,040 (a multiple of 65,536), then one of 65,536 past the newest.
    const lo = spanStart(1_000_000, 40_040);
    assert.equal(lo, 958_464);
    const open = sequenceCover(lo, 1_000_000, true)!;
    assert.deepEqual(open, [key(12, 234), key(12, 235), key(14, 59), key(16, 15)]);
    // Every doc_id of the range is in exactly one block, none below it.
    const inCover = (cover: number[], id: number) => sequenceKeys(id).filter((k) => cover.includes(k)).length;
    for (const id of [958_463, 958_464, 962_559, 962_560, 983_039, 983_040, 999_999, 1_000_000])
      assert.equal(inCover(open, id), id >= lo ? 1 : 0, `doc ${id}`);
    // Closed: (atMost + 1) on a boundary; exact at both ends.
    const closed = sequenceCover(16, 958_463, false)!;
    for (const id of [15, 16, 17, 1_023, 1_024, 65_535, 65_536, 262_144, 958_463, 958_464])
      assert.equal(inCover(closed, id), id >= 16 && id <= 958_463 ? 1 : 0, `doc ${id}`);
    assert.ok(closed.length <= 30, `${closed.length} blocks`);
    // Bounds off the smallest block, or an empty range: no cover (the doc_id test alone).
    assert.equal(sequenceCover(17, 100, true), undefined);
    assert.equal(sequenceCover(16, 100, false), undefined);
    assert.equal(sequenceCover(32, 15, false), undefined);
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

  it('splits a place name into its tags and its phrase without them; leaves other shapes whole', () => {
    const phrase: Match = { t: 'phrase', vs: ['khan', 'sheikhoun'] };
    const tags: Match = { t: 'or', items: [term('xplc3987'), term('xplsy070201')] };
    const place: Match = { t: 'or', items: [phrase, term('xplc3987'), term('xplsy070201')] };
    assert.deepEqual(exactAndPhrases(place), [tags, { t: 'and', items: [phrase, { t: 'not', item: tags }] }]);
    // As one part of an AND, the other parts go to both sides.
    assert.deepEqual(exactAndPhrases({ t: 'and', items: [term('convoy'), place] }), [
      { t: 'and', items: [term('convoy'), tags] },
      { t: 'and', items: [term('convoy'), phrase, { t: 'not', item: tags }] },
    ]);
    assert.equal(exactAndPhrases(phrase), null, 'a phrase alone');
    assert.equal(exactAndPhrases({ t: 'or', items: [term('foua'), term('xplc1137')] }), null, 'no phrase');
    assert.equal(
      exactAndPhrases({ t: 'or', items: [{ t: 'phrase', vs: ['foua'] }, term('xplc1137')] }),
      null,
      'a one-word phrase needs no positions',
    );
  });
});
