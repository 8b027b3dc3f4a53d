import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeName, visible } from './display.js';

describe('visible', () => {
  it('escapes bidi overrides, controls and zero-width characters', () => {
    assert.equal(visible('invoice\u202Efdp.exe'), 'invoice\\u{202E}fdp.exe');
    assert.equal(visible('a\nb\u0000c\u200Bd'), 'a\\u{000A}b\\u{0000}c\\u{200B}d');
  });
  it('leaves Arabic text alone', () => {
    assert.equal(visible('صورة الحاجز.jpg'), 'صورة الحاجز.jpg');
  });
});

describe('decodeName', () => {
  it('decodes valid UTF-8 without a hex copy', () => {
    assert.deepEqual(decodeName(Buffer.from('حلب.txt')), { name: 'حلب.txt', hex: null });
  });
  it('keeps the raw bytes of invalid UTF-8 as hex', () => {
    const raw = Buffer.from([0x61, 0xff, 0xfe, 0x62]);
    const { name, hex } = decodeName(raw);
    assert.equal(name, 'a\uFFFD\uFFFDb');
    assert.equal(hex, '61fffe62');
  });
});
