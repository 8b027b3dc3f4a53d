import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEvent, parseLastEventId } from './sse.js';

describe('parseLastEventId', () => {
  it('reads a non-negative integer', () => {
    assert.equal(parseLastEventId('0'), 0);
    assert.equal(parseLastEventId('4711'), 4711);
  });
  it('treats anything else as no position (a new client), never as an error', () => {
    for (const hostile of [
      undefined,
      '',
      '-1',
      '1e3',
      '12 ',
      '0x10',
      '9'.repeat(16),
      '1\r\nevent: forged',
      ['1', '2'],
      '١٢',
    ]) {
      assert.equal(parseLastEventId(hostile), null, JSON.stringify(hostile));
    }
  });
});

describe('formatEvent', () => {
  it('writes one event whose data is a single line', () => {
    const data = JSON.stringify({ note: 'line one\nline two', ar: 'الراموسة' });
    const text = formatEvent(7, 'observation', data);
    assert.equal(text, `id: 7\nevent: observation\ndata: ${data}\n\n`);
    assert.equal(text.split('\n').length, 5, 'JSON escapes newlines, so data cannot end the event early');
  });
});
