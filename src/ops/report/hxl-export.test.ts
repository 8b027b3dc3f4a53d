import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EAST_ID, generateAleppo2016 } from '../../demo/index.js';
import { parseHxl } from '../../lib/hxl.js';
import { reconcileAll } from '../reconcile/reconcile.js';
import { operationMovementsHxl, operationTotalsHxl } from './hxl-export.js';

const scenario = generateAleppo2016({ sign: false });
const state = reconcileAll(scenario, scenario.observations, Date.parse(scenario.now));

describe('operationMovementsHxl', () => {
  const parsed = parseHxl(operationMovementsHxl(state, EAST_ID));
  const col = (tag: string) => parsed.tags.indexOf(tag);

  it('has the HXL hashtag row', () => {
    for (const tag of [
      '#date',
      '#adm1+code',
      '#loc+name',
      '#geo+lat',
      '#geo+lon',
      '#affected+departed+ind',
      '#affected+passing+ind',
      '#affected+arrived+ind',
      '#loc+origin+name',
      '#loc+dest+name',
    ]) {
      assert.ok(parsed.tags.includes(tag), `missing ${tag}`);
    }
  });

  it('parses back to the people counted at the destination, day by day', () => {
    const arrivals = parsed.rows.filter((r) => r[col('#loc+type')] === 'destination');
    const people = arrivals.reduce((sum, r) => sum + Number(r[col('#affected+arrived+ind')]), 0);
    assert.equal(people, 35_000);
    assert.ok(arrivals.every((r) => r[col('#loc+code')] === 'C3871' && r[col('#adm1+code')] === 'SY07'));
    assert.deepEqual(
      [...new Set(arrivals.map((r) => r[col('#date')]))],
      ['2016-12-15', '2016-12-16', '2016-12-18', '2016-12-19', '2016-12-20', '2016-12-21', '2016-12-22'],
    );
  });
});

describe('operationTotalsHxl', () => {
  it('parses back to the sitrep totals', () => {
    const parsed = parseHxl(operationTotalsHxl(state, EAST_ID));
    const row = parsed.rows[0]!;
    const get = (tag: string) => Number(row[parsed.tags.indexOf(tag)]);
    assert.deepEqual(
      [
        get('#affected+displaced+ind'),
        get('#indicator+buses+num'),
        get('#indicator+ambulances+num'),
        get('#indicator+private_vehicles+num'),
      ],
      [35_000, 308, 61, 1_231],
    );
  });
});
