import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  areaTerm,
  compartmentTerm,
  dateRangeTerms,
  dateTerms,
  docFilterTerms,
  filterMatchOf,
  isColumnGroup,
  kindTerm,
  MAX_DATE_TERMS,
  probeFilters,
  sourceTerm,
} from './filter-terms.js';

// A deterministic generator, so a failure names a range that can be replayed.
let seed = 7;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const iso = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T00:00:00.000Z`;

describe('filter terms', () => {
  it('cover a date range exactly to the month: a date inside has a term of the cover, a month outside none', () => {
    for (let n = 0; n < 400; n++) {
      const a =
        rand() < 0.15
          ? undefined
          : iso(1990 + Math.floor(rand() * 40), 1 + Math.floor(rand() * 12), 1 + Math.floor(rand() * 28));
      const b =
        rand() < 0.15
          ? undefined
          : iso(1990 + Math.floor(rand() * 40), 1 + Math.floor(rand() * 12), 1 + Math.floor(rand() * 28));
      if (a && b && a >= b) continue;
      const cover = dateRangeTerms(a, b);
      if (cover === undefined) continue;
      assert.ok(cover.length <= MAX_DATE_TERMS);
      const set = new Set(cover);
      for (let y = 1985; y < 2036; y++)
        for (let m = 1; m <= 12; m++) {
          const first = iso(y, m, 1);
          const last = iso(y, m, 28);
          const inMonth = (!a || last >= a.slice(0, 7)) && (!b || first < b);
          const monthOverlaps = (!a || `${first.slice(0, 7)}-31` >= a.slice(0, 10)) && (!b || first < b);
          const hit = dateTerms(first).some((t) => set.has(t));
          assert.equal(hit, monthOverlaps && inMonth, `${a} … ${b}: ${first.slice(0, 7)}`);
        }
    }
  });

  it('cover an open range with a few large blocks and refuse nothing a date can hold', () => {
    const from2020 = dateRangeTerms('2020-01-01T00:00:00.000Z', undefined)!;
    assert.ok(from2020.includes('_dd202') && from2020.includes('_dk3') && !from2020.includes('_dy2019'));
    assert.ok(dateTerms('9999-12-31').some((t) => from2020.includes(t)));
    assert.deepEqual(dateRangeTerms('2016-01-01T00:00:00.000Z', '2017-01-01T00:00:00.000Z'), ['_dy2016']);
    assert.deepEqual(dateRangeTerms('2016-12-15T00:00:00.000Z', '2017-01-01T00:00:00.000Z'), ['_dm201612']);
    assert.deepEqual(dateRangeTerms(undefined, '1000-01-01T00:00:00.000Z'), ['_dk0']);
    assert.equal(dateTerms('not a date').length, 0);
  });

  it('are one namespace the analyser never writes into, stable and case-folded where the filters fold', () => {
    const terms = docFilterTerms({
      compartment: 'witness',
      kind: 'text',
      source: ' Field Team 3 ',
      date: '2016-12-18T00:00:00.000Z',
      areas: ['SY07', 'SY0703', 'C3905'],
    });
    assert.ok(
      terms.every((t) => /^_[a-z0-9]+$/.test(t)),
      terms.join(' '),
    );
    assert.ok(terms.includes(sourceTerm('field team 3')));
    assert.ok(terms.includes(kindTerm('TEXT')));
    assert.ok(terms.includes(areaTerm('c3905')));
    assert.notEqual(compartmentTerm('witness'), compartmentTerm('Witness'), 'compartment ids are exact');
    assert.ok(sourceTerm('فريق الرصد 1').startsWith('_sr'));
  });

  it('make one group per positive filter and leave many compartments to SQL', () => {
    const base = { kinds: [], notKinds: [], sources: [], notSources: [], places: [], notPlaces: [] };
    assert.equal(filterMatchOf(base), null);
    const m = filterMatchOf({
      ...base,
      compartments: ['a', 'b'],
      kinds: ['text'],
      places: [['SY07', 'SY02']],
      notSources: ['news wire'],
    })!;
    assert.equal(m.all.length, 3);
    assert.deepEqual(m.all[2], [areaTerm('SY07'), areaTerm('SY02')]);
    assert.deepEqual(m.none, [sourceTerm('news wire')]);
    const many = filterMatchOf({ ...base, compartments: Array.from({ length: 100 }, (_, i) => `c${i}`) });
    assert.equal(many, null);
  });

  it('leave to the row columns what SQL decides, and keep places and exclusions in a probe', () => {
    const base = { kinds: [], notKinds: [], sources: [], notSources: [], places: [], notPlaces: [] };
    const m = filterMatchOf({
      ...base,
      compartments: ['a'],
      kinds: ['text'],
      sources: ['news wire'],
      places: [['SY07']],
      after: '2016-01-01T00:00:00.000Z',
      before: '2017-03-01T00:00:00.000Z',
      notKinds: ['image'],
    })!;
    // Every term a document can carry is either decided by a column or by the index alone.
    for (const t of docFilterTerms({
      compartment: 'a',
      kind: 'text',
      source: 'x',
      date: '2016-05-02T00:00:00.000Z',
      areas: ['SY07', 'SY0700'],
    }))
      assert.equal(isColumnGroup([t]), !t.startsWith('_ar') && t !== '_doc', t);
    assert.deepEqual(probeFilters(m), { all: [[areaTerm('SY07')]], none: [kindTerm('image')] });
    assert.equal(probeFilters(null), null);
  });
});
