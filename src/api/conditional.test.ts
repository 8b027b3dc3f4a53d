import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluatePreconditions,
  parseHttpDate,
  parseTags,
  rangeApplies,
  type Validators,
} from './conditional.js';

const V: Validators = { etag: '"sha256:abc"', lastModified: new Date('2016-12-15T06:00:00Z') };
const BEFORE = 'Wed, 14 Dec 2016 06:00:00 GMT';
const SAME = 'Thu, 15 Dec 2016 06:00:00 GMT';
const AFTER = 'Fri, 16 Dec 2016 06:00:00 GMT';

describe('evaluatePreconditions (RFC 9110 §13.2.2)', () => {
  const cases: [string, string, Record<string, string>, string][] = [
    ['no conditions', 'GET', {}, 'proceed'],
    ['If-None-Match exact', 'GET', { 'if-none-match': '"sha256:abc"' }, 'not-modified'],
    ['If-None-Match weak form of the tag', 'GET', { 'if-none-match': 'W/"sha256:abc"' }, 'not-modified'],
    ['If-None-Match in a list', 'HEAD', { 'if-none-match': '"x", "sha256:abc"' }, 'not-modified'],
    ['If-None-Match *', 'GET', { 'if-none-match': '*' }, 'not-modified'],
    ['If-None-Match other tag', 'GET', { 'if-none-match': '"other"' }, 'proceed'],
    ['If-None-Match malformed', 'GET', { 'if-none-match': 'sha256:abc' }, 'proceed'],
    ['If-None-Match on an unsafe method', 'POST', { 'if-none-match': '*' }, 'precondition-failed'],
    ['If-Match exact', 'GET', { 'if-match': '"sha256:abc"' }, 'proceed'],
    ['If-Match *', 'GET', { 'if-match': '*' }, 'proceed'],
    ['If-Match other', 'GET', { 'if-match': '"other"' }, 'precondition-failed'],
    [
      'If-Match weak never matches (strong comparison)',
      'GET',
      { 'if-match': 'W/"sha256:abc"' },
      'precondition-failed',
    ],
    ['If-Match malformed', 'GET', { 'if-match': 'garbage' }, 'precondition-failed'],
    ['If-Unmodified-Since before', 'GET', { 'if-unmodified-since': BEFORE }, 'precondition-failed'],
    ['If-Unmodified-Since same', 'GET', { 'if-unmodified-since': SAME }, 'proceed'],
    ['If-Unmodified-Since invalid is ignored', 'GET', { 'if-unmodified-since': 'yesterday' }, 'proceed'],
    [
      'If-Match wins over If-Unmodified-Since',
      'GET',
      { 'if-match': '*', 'if-unmodified-since': BEFORE },
      'proceed',
    ],
    ['If-Modified-Since after', 'GET', { 'if-modified-since': AFTER }, 'not-modified'],
    ['If-Modified-Since same second', 'GET', { 'if-modified-since': SAME }, 'not-modified'],
    ['If-Modified-Since before', 'GET', { 'if-modified-since': BEFORE }, 'proceed'],
    [
      'If-Modified-Since ignored with If-None-Match',
      'GET',
      { 'if-none-match': '"x"', 'if-modified-since': AFTER },
      'proceed',
    ],
    ['If-Modified-Since invalid', 'GET', { 'if-modified-since': '2016-12-16' }, 'proceed'],
    [
      'If-Match fails before If-None-Match is read',
      'GET',
      { 'if-match': '"x"', 'if-none-match': '*' },
      'precondition-failed',
    ],
  ];
  for (const [name, method, headers, want] of cases) {
    it(`${name} → ${want}`, () => assert.equal(evaluatePreconditions(method, headers, V), want));
  }

  it('reads a hostile, huge or overlong list as matching nothing', () => {
    const many = Array.from({ length: 100 }, (_, i) => `"t${i}"`).join(', ');
    assert.deepEqual(parseTags(many), []);
    assert.deepEqual(parseTags(`"${'a'.repeat(10_000)}"`), []);
    assert.deepEqual(parseTags('"a", b'), []);
    assert.equal(evaluatePreconditions('GET', { 'if-none-match': `${many}, "sha256:abc"` }, V), 'proceed');
  });
});

describe('rangeApplies (If-Range, §13.1.5)', () => {
  it('honours a Range with no If-Range, the current strong tag, or the exact date', () => {
    assert.equal(rangeApplies({}, V), true);
    assert.equal(rangeApplies({ 'if-range': '"sha256:abc"' }, V), true);
    assert.equal(rangeApplies({ 'if-range': SAME }, V), true);
  });
  it('ignores the Range for a stale or weak tag, another date, or garbage', () => {
    for (const v of ['"old"', 'W/"sha256:abc"', AFTER, BEFORE, 'nonsense', '*']) {
      assert.equal(rangeApplies({ 'if-range': v }, V), false, v);
    }
  });
});

describe('parseHttpDate', () => {
  it('reads IMF-fixdate and refuses ISO strings and numbers', () => {
    assert.equal(parseHttpDate(SAME)?.toISOString(), '2016-12-15T06:00:00.000Z');
    assert.equal(parseHttpDate('2016-12-15T06:00:00Z'), undefined);
    assert.equal(parseHttpDate('1481781600'), undefined);
  });
});
