import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALERT_KINDS } from '../model.js';
import { alertSummary } from './views.js';

describe('alertSummary', () => {
  const names = { point: (id: string) => `Point ${id}`, vehicle: (id: string) => `Marking ${id}` };
  it('says something readable for every kind, naming the vehicle by its marking', () => {
    for (const kind of ALERT_KINDS) {
      const text = alertSummary(
        { kind, subject: { type: 'vehicle', id: 'v1' }, evidence: { observationIds: [], figures: {} } },
        names,
      );
      assert.ok(text.length > 20 && !text.includes('undefined'), `${kind}: ${text}`);
    }
  });
  it('writes the figures of a headcount drop and of an overdue vehicle', () => {
    assert.equal(
      alertSummary(
        {
          kind: 'people-unaccounted',
          subject: { type: 'vehicle', id: 'v1' },
          evidence: {
            observationIds: [],
            figures: {
              fromPointId: 'a',
              toPointId: 'b',
              before: 50,
              after: 42,
              missing: 8,
              recoveredAtArrival: true,
            },
          },
        },
        names,
      ),
      'Marking v1: 8 fewer people at Point b than at Point a (50 → 42); the arrival count makes up the difference.',
    );
    assert.equal(
      alertSummary(
        {
          kind: 'vehicle-overdue',
          subject: { type: 'vehicle', id: 'v1' },
          evidence: {
            observationIds: [],
            figures: {
              fromPointId: 'a',
              toPointId: 'b',
              lastSeenAt: '2016-12-15T06:00:00.000Z',
              expectedBy: '2016-12-15T07:00:00.000Z',
              seenAt: null,
            },
          },
        },
        names,
      ),
      'Marking v1 left Point a at 2016-12-15 06:00 UTC, due at Point b by 2016-12-15 07:00 UTC; not seen there yet.',
    );
  });
  it('says which route point stopped reporting and what a conflict of reports holds back (no generic line)', () => {
    assert.equal(
      alertSummary(
        {
          kind: 'point-not-reporting',
          subject: { type: 'route-point', id: 'p2' },
          evidence: {
            observationIds: [],
            figures: {
              pointId: 'p2',
              vehiclesAwaited: 3,
              vehicles: 'BUS-01, BUS-02, BUS-03',
              monitors: 'mon-a,mon-b',
              monitorsBehind: 'mon-a,mon-b',
              lastReportAt: '2016-12-15T06:00:00.000Z',
            },
          },
        },
        names,
      ),
      'Point p2 has stopped reporting: 3 vehicles are due there (BUS-01, BUS-02, BUS-03) and nothing was reported after 2016-12-15 06:00 UTC; waiting for monitor mon-a, mon-b.',
    );
    assert.match(
      alertSummary(
        {
          kind: 'point-not-reporting',
          subject: { type: 'route-point', id: 'p2' },
          evidence: {
            observationIds: [],
            figures: { pointId: 'p2', vehiclesAwaited: 1, vehicles: 'BUS-09', lastReportAt: null },
          },
        },
        names,
      ),
      /nothing was ever reported from it\.$/,
    );
    assert.equal(
      alertSummary(
        {
          kind: 'conflicting-reports',
          subject: { type: 'operation', id: 'op-1' },
          evidence: {
            observationIds: ['c-17'],
            figures: {
              deviceKeyId: 'k1',
              clientId: 'c-17',
              monitorId: 'mon-a',
              bodies: 2,
              bodySha256: 'aa,bb',
            },
          },
        },
        names,
      ),
      "Monitor mon-a's device sent 2 different reports under one id (c-17); none counts until a coordinator chooses one.",
    );
  });
});
