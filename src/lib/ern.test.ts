import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatErn, parseErn } from './ern.js';

describe('formatErn', () => {
  it('pads to six digits and grows beyond', () => {
    assert.equal(formatErn(1), 'ATT-000001');
    assert.equal(formatErn(123), 'ATT-000123');
    assert.equal(formatErn(1234567), 'ATT-1234567');
  });
  it('rejects zero, negatives and fractions', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => formatErn(bad), RangeError);
  });
});

describe('parseErn', () => {
  it('round-trips canonical ERNs', () => {
    for (const seq of [1, 42, 999999, 1000000]) assert.equal(parseErn(formatErn(seq)), seq);
  });
  it('rejects non-canonical and hostile forms', () => {
    for (const bad of [
      'ATT-0000123',
      'att-000123',
      'ATT-000000',
      'ATT-12345',
      'ATT-000123 ',
      'ATT-000123\n',
      '../ATT-000123',
      'ATT-٠٠٠١٢٣',
      'ATT-9999999999999999',
      '',
    ]) {
      assert.equal(parseErn(bad), undefined, `parseErn(${JSON.stringify(bad)})`);
    }
  });
});
