import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldSource, LINE_UNSAFE, TEXT_UNSAFE } from './unsafe-text.js';

describe('unsafe-text', () => {
  it('refuses C0 and C1 controls and bidi overrides, keeps joiners and Arabic', () => {
    for (const c of [
      '\u0000',
      '\u001b',
      '\u007f',
      '\u0085',
      '\u009f',
      '\u202a',
      '\u202e',
      '\u2066',
      '\u2069',
    ])
      assert.ok(LINE_UNSAFE.test(`a${c}b`) && TEXT_UNSAFE.test(`a${c}b`), c.codePointAt(0)!.toString(16));
    assert.ok(LINE_UNSAFE.test('a\nb') && !TEXT_UNSAFE.test('a\nb\tc'));
    for (const ok of ['گزارش\u200Cها', 'سمير حداد', 'a\u200Db', 'field team 3'])
      assert.ok(!LINE_UNSAFE.test(ok), ok);
  });
  it('folds a source to its identity', () => {
    const one = foldSource('field team 3');
    for (const v of [
      'Field Team 3',
      'field team 3\u200B',
      'field\u00ADteam 3',
      'fieldteam3',
      '\uFEFF FIELD\u00A0team\u2003 3 ',
      'ｆｉｅｌｄ ｔｅａｍ ３',
      'field\u200C team\u200D 3\u2060',
      'field team 3\u202E',
      'field\nteam\t3',
    ])
      assert.equal(foldSource(v), one, JSON.stringify(v));
    assert.notEqual(foldSource('field team 8'), one);
    assert.equal(foldSource('straße'), foldSource('STRASSE'));
    assert.equal(foldSource('\u200B\u00AD'), '');
    assert.equal(foldSource('گزارش\u200Cها'), 'گزارشها');
  });
});
