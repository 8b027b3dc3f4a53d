import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OpsError } from '../errors.js';
import { at } from '../fixtures.js';
import {
  acknowledgeAlert,
  derivedAlert,
  mergeDerivedAlert,
  resolveAlert,
  withdrawnAlertResolution,
} from './lifecycle.js';

const alert = derivedAlert({
  key: 'people-unaccounted:v1:0:o',
  kind: 'people-unaccounted',
  severity: 'critical',
  operationId: 'op',
  subject: { type: 'vehicle', id: 'v1' },
  evidence: { observationIds: ['a', 'b'], figures: { before: 50, after: 47 } },
  raisedAtMs: at(30),
});

describe('alert lifecycle', () => {
  it('goes open → acknowledged → resolved with a note', () => {
    const ack = acknowledgeAlert(alert, 'calling the checkpoint', '2016-12-15T07:00:00.000Z');
    const done = resolveAlert(ack, 'recount at arrival: 50', '2016-12-15T08:00:00.000Z');
    assert.deepEqual(
      [ack.state, done.state, done.note],
      ['acknowledged', 'resolved', 'recount at arrival: 50'],
    );
  });
  it('refuses to resolve without a note or to acknowledge a resolved alert', () => {
    assert.throws(
      () => resolveAlert(alert, ' ', 'x'),
      (e) => e instanceof OpsError && e.code === 'INVALID_ALERT_TRANSITION',
    );
    const done = resolveAlert(alert, 'ok', 'x');
    assert.throws(() => acknowledgeAlert(done, null, 'y'), OpsError);
  });
  describe('when reconciliation re-raises the same key', () => {
    it('updates the evidence and keeps the acknowledgement, never duplicating', () => {
      const ack = acknowledgeAlert(alert, 'seen', 'x');
      const next = {
        ...alert,
        evidence: { observationIds: ['a', 'b', 'c'], figures: { before: 50, after: 46 } },
      };
      const merged = mergeDerivedAlert(ack, next);
      assert.deepEqual(
        [merged.key, merged.state, merged.note, merged.evidence.observationIds.length],
        [alert.key, 'acknowledged', 'seen', 3],
      );
    });
    it('reopens a resolved alert whose evidence changed, and leaves it resolved otherwise', () => {
      const done = resolveAlert(alert, 'ok', 'x');
      assert.equal(mergeDerivedAlert(done, alert).state, 'resolved');
      const changed = { ...alert, evidence: { observationIds: ['z'], figures: {} } };
      assert.equal(mergeDerivedAlert(done, changed).state, 'open');
    });
  });
  it('resolves a withdrawn alert with a note saying why', () => {
    const w = withdrawnAlertResolution(alert, 'x');
    assert.deepEqual([w.state, w.note], ['resolved', 'cleared by later observations']);
  });
});
