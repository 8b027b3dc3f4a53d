/**
 * The item page's derived-items table names each derivative in words in both languages (issue 17,
 * audit: it showed intake's internal keys such as `page:1`, `all` or `pdf`): every kind intake
 * makes has a name in English and Arabic, and each key shape the extractors write reads as words.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DERIVATION_KINDS } from '../../src/intake/derive.js';
import { DERIVED_KINDS, derivedKeyText } from '../../web/src/evidence/derived-key.js';
import { arVault } from '../../web/src/i18n/ar-vault.js';
import { enVault } from '../../web/src/i18n/en-vault.js';

describe('derived items in words (issue 17)', () => {
  it('the app names exactly the kinds intake makes, in both languages', () => {
    assert.deepEqual([...DERIVED_KINDS].sort(), [...DERIVATION_KINDS].sort());
    for (const kind of DERIVATION_KINDS) {
      assert.ok(enVault.item.derivedKind[kind], `English name of ${kind}`);
      assert.ok(arVault.item.derivedKind[kind], `Arabic name of ${kind}`);
    }
  });

  it('reads the extractors’ keys: page, second, record, member and attachment (from 1), pixels', () => {
    assert.deepEqual(derivedKeyText('page-text', 'page:3'), { key: 'page', n: 3 });
    assert.deepEqual(derivedKeyText('ocr-text', 'page:1'), { key: 'page', n: 1 });
    assert.deepEqual(derivedKeyText('keyframe', 't:20'), { key: 'second', n: 20 });
    assert.deepEqual(derivedKeyText('body', 'record:2'), { key: 'record', n: 2 });
    assert.deepEqual(derivedKeyText('member', 'member:0'), { key: 'member', n: 1 });
    assert.deepEqual(derivedKeyText('attachment', 'attachment:4'), { key: 'attachment', n: 5 });
    assert.deepEqual(derivedKeyText('thumbnail', '256'), { key: 'pixels', n: 256 });
    for (const [kind, key] of [
      ['text', 'all'],
      ['text', 'text'],
      ['ocr-text', 'image'],
      ['metadata', 'pdf'],
    ] as const) {
      assert.equal(derivedKeyText(kind, key), null, `${kind} ${key}: the kind says it all`);
    }
    for (const key of Object.keys(enVault.item.derivedKey))
      assert.ok((arVault.item.derivedKey as Record<string, string>)[key], `Arabic derivedKey.${key}`);
  });

  it('leaves a key it does not know as data (undefined), never guessing', () => {
    assert.equal(derivedKeyText('member', 'member:x'), undefined);
    assert.equal(derivedKeyText('page-text', 'sheet:2'), undefined);
    assert.equal(derivedKeyText('thumbnail', '9999999'), undefined);
  });
});
