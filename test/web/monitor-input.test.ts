/**
 * The monitor app reads counts typed on Arabic keyboards (issue 16.3: "٤٦ is refused today") and
 * finds vehicles by any part of their marking ("0412").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markingKey, parseCount, toAsciiDigits } from '../../web/src/monitor/digits.js';

describe('parseCount', () => {
  it('reads ASCII, Arabic-Indic and Extended Arabic-Indic digits', () => {
    assert.equal(parseCount('46'), 46);
    assert.equal(parseCount('٤٦'), 46);
    assert.equal(parseCount('۴۶'), 46);
    assert.equal(parseCount(' ٤٦ '), 46);
    assert.equal(parseCount('٠'), 0);
    assert.equal(parseCount('4٦'), 46);
  });

  describe('with hostile or mistyped input', () => {
    it('refuses anything that is not a whole number of at most seven digits', () => {
      for (const text of [
        '',
        ' ',
        '-5',
        '−5',
        '+5',
        '4.5',
        '٤٫٥',
        '1e3',
        '0x10',
        '1,234',
        '١٢abc',
        '12345678',
        'NaN',
        'Infinity',
        '٤٦\u200f',
        '\u0000',
        '9'.repeat(10_000),
      ]) {
        assert.equal(parseCount(text), null, `parseCount(${JSON.stringify(text.slice(0, 20))})`);
      }
    });
  });
});

describe('markingKey', () => {
  it('ignores case, dashes and spaces, and reads Arabic digits', () => {
    assert.equal(markingKey('al-bus 0412'), 'ALBUS0412');
    assert.equal(markingKey('٠٤١٢'), '0412');
    assert.ok(markingKey('AL-BUS-0412').includes(markingKey('0412')));
  });

  it('keeps Arabic letters (markings painted in Arabic)', () => {
    assert.equal(markingKey('حلب - ١٢'), 'حلب12');
  });

  it('bounds its work on a long input', () => {
    assert.equal(markingKey('x'.repeat(100_000)).length, 200);
  });
});

describe('toAsciiDigits', () => {
  it('maps every Arabic-Indic digit to its ASCII digit', () => {
    assert.equal(toAsciiDigits('٠١٢٣٤٥٦٧٨٩'), '0123456789');
    assert.equal(toAsciiDigits('۰۱۲۳۴۵۶۷۸۹'), '0123456789');
  });
});
