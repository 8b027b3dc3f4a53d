import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, iso, reportedTotal, sighting, testOperation, testVehicle } from '../fixtures.js';
import type { Observation } from '../model.js';
import { applyObservation, createReconcileState, reconcileAll, tick } from '../reconcile/reconcile.js';
import { buildSitrep } from './sitrep.js';
import { renderSitrepMarkdown } from './sitrep-markdown.js';
import { sitrepText } from './sitrep-text.js';

const trip = (v: string, start: number, count: number, extra: Partial<Observation> = {}) =>
  (['o', 'c1', 'c2', 'd'] as const).map((p, i) => sighting(`${v}-${p}`, v, p, start + 30 * i, count, extra));

const input = {
  operations: [{ ...testOperation('op', { plannedPeople: 80 }), name: 'Evacuation | of *here*' }],
  convoys: [],
  vehicles: [
    testVehicle('bus1'),
    testVehicle('amb1', 'op', 'ambulance'),
    testVehicle('car1', 'op', 'private'),
  ],
};
const observations = [
  ...trip('bus1', 0, 50, { categories: { adults: 30, children: 20, medical: 2 } }),
  ...trip('amb1', 60, 3),
  ...trip('car1', 24 * 60, 6),
  sighting('bus1-d-2', 'bus1', 'd', 91, 50, { monitorId: 'monitor-02' }),
  reportedTotal('r1', 'agency-a', 200, 60),
];
const state = reconcileAll(input, observations, Date.parse(iso(3 * 24 * 60)));

describe('buildSitrep', () => {
  it('totals arrivals by vehicle kind, with medical evacuations', () => {
    const s = buildSitrep(state, { operationId: 'op' });
    assert.deepEqual(s.totals, {
      people: 59,
      vehicles: 3,
      byKind: { bus: 1, ambulance: 1, private: 1, truck: 0 },
      buses: 1,
      ambulances: 1,
      privateVehicles: 1,
      trucks: 0,
      medicalEvacuations: 5,
    });
    assert.deepEqual(
      s.points.map((p) => [p.pointId, p.vehicles, p.people]),
      [
        ['op-o', 3, 59],
        ['op-c1', 3, 59],
        ['op-c2', 3, 59],
        ['op-d', 3, 59],
      ],
    );
  });

  it('counts only the period asked', () => {
    const s = buildSitrep(state, { operationId: 'op', from: iso(0), to: iso(24 * 60) });
    assert.equal(s.totals.people, 53);
    assert.equal(s.totals.privateVehicles, 0);
  });

  it('says which counts are not corroborated and shows the sources’ range', () => {
    const s = buildSitrep(state, { operationId: 'op' });
    assert.ok(
      s.caveats.some((c) => c.startsWith('2 of 3 arrival counts rest on a single monitor')),
      s.caveats.join('\n'),
    );
    assert.deepEqual([s.reportedTotals.min, s.reportedTotals.max], [60, 60]);
  });
});

describe('renderSitrepMarkdown', () => {
  it('renders the totals table and escapes names that would break it', () => {
    const md = renderSitrepMarkdown(buildSitrep(state, { operationId: 'op' }));
    assert.ok(
      md.includes(
        '| People | Vehicles | Buses | Ambulances | Private vehicles | Trucks | Medical evacuations |',
      ),
      md,
    );
    assert.ok(md.includes('| 59 | 3 | 1 | 1 | 1 | 0 | 5 |'), md);
    assert.ok(md.startsWith('# Situation report: Evacuation \\| of \\*here\\*'), md.split('\n')[0]);
  });
});

describe('a route point that stopped reporting', () => {
  it('is a caveat of the sitrep, in English and Arabic, and leaves with the alert', () => {
    const silentInput = { operations: [testOperation()], convoys: [], vehicles: [testVehicle('v1')] };
    const st = createReconcileState(silentInput, at(0));
    applyObservation(st, sighting('a', 'v1', 'o', 0, 50), at(0));
    tick(st, at(61));
    const s = buildSitrep(st, { operationId: 'op' });
    const facts = s.caveatFacts.filter((c) => c.code === 'not-reporting');
    assert.deepEqual(facts, [{ code: 'not-reporting', points: 1, vehicles: 1 }]);
    assert.equal(
      sitrepText('en').caveat(facts[0]!),
      'A route point has stopped reporting while 1 vehicle is due there: what happened there after their last report is not in this report.',
    );
    const ar = sitrepText('ar').caveat({ code: 'not-reporting', points: 2, vehicles: 5 });
    assert.match(ar, /توقّفت عن إرسال التقارير/);
    assert.ok(!/[A-Za-z]/.test(ar), `no untranslated words: ${ar}`);
    assert.match(
      sitrepText('en').caveat({ code: 'not-reporting', points: 2, vehicles: 5 }),
      /^2 route points have stopped reporting while 5 vehicles are due there/,
    );
    // The point reports again: no caveat.
    applyObservation(st, { ...sighting('b', 'v1', 'c1', 40, 50), receivedTime: iso(65) }, at(65));
    assert.deepEqual(
      buildSitrep(st, { operationId: 'op' }).caveatFacts.filter((c) => c.code === 'not-reporting'),
      [],
    );
  });
});
