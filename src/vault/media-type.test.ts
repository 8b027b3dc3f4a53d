import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kindOf, sniffMediaType } from './media-type.js';

describe('sniffMediaType', () => {
  it('recognises content by magic bytes, whatever the name', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    assert.equal(await sniffMediaType(png), 'image/png');
    assert.equal(await sniffMediaType(Buffer.from('%PDF-1.7\n%\xe2\xe3\n', 'latin1')), 'application/pdf');
  });
  it('classes clean UTF-8 (Arabic included) as text and binary noise as octet-stream', async () => {
    assert.equal(await sniffMediaType(Buffer.from('تقرير الحاجز\nreport')), 'text/plain; charset=utf-8');
    assert.equal(
      await sniffMediaType(Buffer.from([0x13, 0x00, 0x01, 0x80, 0x81, 0x00])),
      'application/octet-stream',
    );
    assert.equal(await sniffMediaType(Buffer.alloc(0)), 'application/x-empty');
  });
  it('recognises a WARC capture by its version line, and only by a whole one', async () => {
    for (const v of ['1.0', '1.1'])
      assert.equal(
        await sniffMediaType(Buffer.from(`WARC/${v}\r\nWARC-Type: warcinfo\r\n`, 'latin1')),
        'application/warc',
      );
    assert.equal(kindOf('application/warc'), 'web-capture');
    for (const text of ['WARC/2.0\r\nx', 'WARC/1.1 x', 'a WARC/1.1\r\n', 'warc/1.1\r\n', 'WARC/1.'])
      assert.equal(await sniffMediaType(Buffer.from(text)), 'text/plain; charset=utf-8', text);
  });
  it('accepts a head cut inside a multi-byte character', async () => {
    const text = Buffer.from('حلب');
    assert.equal(await sniffMediaType(text.subarray(0, text.length - 1)), 'text/plain; charset=utf-8');
  });
});

describe('kindOf', () => {
  it('maps media types to kinds', () => {
    assert.equal(kindOf('image/jpeg'), 'image');
    assert.equal(kindOf('application/zip'), 'archive');
    assert.equal(kindOf('application/pdf'), 'document');
    assert.equal(kindOf('text/plain; charset=utf-8'), 'text');
    assert.equal(kindOf('application/octet-stream'), 'other');
  });
});
