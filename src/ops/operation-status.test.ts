import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OpsError } from './errors.js';
import { at, iso } from './fixtures.js';
import type { StatusChange } from './model.js';
import {
  appendStatusChange,
  instantAfterMoving,
  movingMs,
  movingTimeline,
  statusAt,
} from './operation-status.js';

const history: StatusChange[] = [
  { status: 'planned', at: iso(-60), reason: 'agreed' },
  { status: 'active', at: iso(0), reason: 'first convoy' },
  { status: 'suspended', at: iso(100), reason: 'convoys turned back' },
  { status: 'resumed', at: iso(200), reason: 'agreement renewed' },
  { status: 'completed', at: iso(300), reason: 'done' },
];

describe('operation status', () => {
  it('gives the status at an instant', () => {
    assert.equal(statusAt(history, at(-120)), 'planned');
    assert.equal(statusAt(history, at(150)), 'suspended');
    assert.equal(statusAt(history, at(250)), 'resumed');
    assert.equal(statusAt(history, at(400)), 'completed');
  });
  it('counts only moving time (active or resumed)', () => {
    const timeline = movingTimeline(history);
    assert.equal(movingMs(timeline, at(50), at(250)), 100 * 60_000);
    assert.equal(instantAfterMoving(timeline, at(50), 100 * 60_000), at(250));
    assert.equal(instantAfterMoving(timeline, at(50), 300 * 60_000), null);
  });
  it('refuses a transition that is not allowed', () => {
    assert.throws(
      () => appendStatusChange(history.slice(0, 2), { status: 'resumed', at: iso(5), reason: 'x' }),
      (e) => e instanceof OpsError && e.code === 'INVALID_STATUS_CHANGE',
    );
  });
  it('refuses a suspension without a reason and a change back in time', () => {
    assert.throws(
      () => appendStatusChange(history.slice(0, 2), { status: 'suspended', at: iso(5), reason: '' }),
      OpsError,
    );
    assert.throws(
      () => appendStatusChange(history.slice(0, 2), { status: 'suspended', at: iso(-5), reason: 'x' }),
      OpsError,
    );
  });
});
