import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attachment, safeFileName } from './content-disposition.js';

describe('attachment (RFC 6266, RFC 8187)', () => {
  it('sends a plain ASCII name as filename only', () => {
    assert.equal(attachment('ATT-000001-photo.jpg'), 'attachment; filename="ATT-000001-photo.jpg"');
  });

  it('sends an Arabic name as filename* in UTF-8, with an ASCII fallback', () => {
    const header = attachment('ATT-000002-صورة الحاجز.jpg');
    assert.match(header, /^attachment; filename="ATT-000002-[_ ]+\.jpg"; filename\*=UTF-8''ATT-000002-/);
    const encoded = header.slice(header.indexOf("UTF-8''") + 7);
    assert.equal(decodeURIComponent(encoded), 'ATT-000002-صورة الحاجز.jpg');
  });

  it('neutralises hostile names: paths, quotes, control and bidi characters', () => {
    assert.equal(safeFileName('../../etc/passwd'), '_.._etc_passwd');
    assert.equal(safeFileName('a"b\r\nc.txt'), 'a_bc.txt');
    assert.equal(safeFileName('\u202egpj.exe'), 'gpj.exe');
    assert.equal(safeFileName('...'), 'download');
    assert.ok([...safeFileName('x'.repeat(1000))].length <= 200);
    assert.doesNotMatch(attachment('a"b;c=d\\.txt'), /"[^"]*"[^;]*"/);
  });
});
