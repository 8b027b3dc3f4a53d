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
});
