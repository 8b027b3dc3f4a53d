import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SearchError } from '../errors.js';
import { compileQuery, type Match } from './compile.js';
import { MAX_QUERY_CHARS, parseQuery } from './parse.js';

function fails(q: string, code: string, pattern?: RegExp) {
  assert.throws(
    () => parseQuery(q),
    (err: unknown) =>
      err instanceof SearchError && err.code === code && (!pattern || pattern.test(err.message)),
    `parseQuery(${JSON.stringify(q.slice(0, 60))}) should fail with ${code}`,
  );
}

describe('parseQuery', () => {
  it('reads words, phrases, OR, exclusions, prefixes and groups', () => {
    const { expr } = parseQuery('convoy "front line" bakery OR bread -aid evac* (a OR b)');
    assert.deepEqual(expr, {
      t: 'and',
      items: [
        { t: 'word', raw: 'convoy', prefix: false },
        { t: 'phrase', raw: 'front line' },
        {
          t: 'or',
          items: [
            { t: 'word', raw: 'bakery', prefix: false },
            { t: 'word', raw: 'bread', prefix: false },
          ],
        },
        { t: 'not', item: { t: 'word', raw: 'aid', prefix: false } },
        { t: 'word', raw: 'evac', prefix: true },
        {
          t: 'or',
          items: [
            { t: 'word', raw: 'a', prefix: false },
            { t: 'word', raw: 'b', prefix: false },
          ],
        },
      ],
    });
  });
  it('reads filters and their values', () => {
    const { expr, filters } = parseQuery(
      'kind:text -kind:image source:"field team 3" place:SY07 -place:C1007 after:2016-12 before:2017 ern:ATT-000012 sort:date',
    );
    assert.equal(expr, null);
    assert.deepEqual(filters.kinds, ['text']);
    assert.deepEqual(filters.notKinds, ['image']);
    assert.deepEqual(filters.sources, ['field team 3']);
    assert.deepEqual(filters.places, ['SY07']);
    assert.deepEqual(filters.notPlaces, ['C1007']);
    assert.equal(filters.after, '2016-12-01T00:00:00.000Z');
    assert.equal(filters.before, '2017-01-01T00:00:00.000Z');
    assert.deepEqual(filters.erns, [12]);
    assert.equal(filters.sort, 'date');
  });
  it('refuses malformed queries with a sentence saying where', () => {
    fails('"front line', 'INVALID_QUERY', /quote at character 1/);
    fails('(a OR b', 'INVALID_QUERY', /not closed/);
    fails('a OR b)', 'INVALID_QUERY', /has no "\("/);
    fails('OR a', 'INVALID_QUERY', /OR/);
    fails('a OR', 'INVALID_QUERY', /ends with OR/);
    fails('a OR OR b', 'INVALID_QUERY');
    fails('title:convoy', 'INVALID_QUERY', /unknown filter/);
    fails('after:2016-13-01', 'INVALID_QUERY', /date/);
    fails('after:2016-02-30', 'INVALID_QUERY', /calendar date/);
    fails('after:2017 before:2016', 'INVALID_QUERY', /earlier/);
    fails('ern:12', 'INVALID_QUERY', /evidence reference/);
    fails('sort:random', 'INVALID_QUERY');
    fails('kind:', 'INVALID_QUERY', /no value/);
    fails('a*', 'INVALID_QUERY', /two letters/);
    fails('(kind:text)', 'INVALID_QUERY', /outside parentheses/);
    fails('a OR -b', 'INVALID_QUERY', /negated/);
    fails('-(a b)', 'INVALID_QUERY');
    fails('-after:2016', 'INVALID_QUERY', /cannot be negated/);
  });
  it('bounds length, terms, depth and filter values', () => {
    fails('a'.repeat(MAX_QUERY_CHARS + 1), 'QUERY_TOO_COMPLEX');
    fails(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '), 'QUERY_TOO_COMPLEX');
    fails(`${'('.repeat(5)}a${')'.repeat(5)}`, 'QUERY_TOO_COMPLEX');
    fails(`${'('.repeat(200)}a${')'.repeat(200)}`, 'QUERY_TOO_COMPLEX');
    fails(Array.from({ length: 17 }, () => 'kind:text').join(' '), 'QUERY_TOO_COMPLEX');
  });
  it('reads FTS5 and tsquery syntax as plain words (nothing reaches the engine as syntax)', () => {
    const terms = (m: Match | null): string[] => {
      if (!m) return [];
      if (m.t === 'term') return [m.v];
      if (m.t === 'phrase') return [...m.vs];
      if (m.t === 'not') return terms(m.item);
      return m.items.flatMap(terms);
    };
    for (const q of [
      'NEAR(a b, 3)',
      'a AND b NOT c',
      '{title body} a',
      '^first',
      'a <-> b & !c | d',
      '"a" + "b"',
      "'; DROP TABLE item; --",
      'x\u0000y',
    ]) {
      for (const t of terms(compileQuery(parseQuery(q).expr).match))
        assert.match(t, /^[\p{L}\p{N}]+$/u, `${q} → ${t}`);
    }
    fails("x:* & !y | 'z'", 'INVALID_QUERY', /unknown filter/);
  });
});

describe('compileQuery', () => {
  it('widens a place name, in any spelling, to its place tokens', () => {
    for (const q of ['Foua', 'foua', "al-Fu'ah", 'الفوعة']) {
      const { match } = compileQuery(parseQuery(q).expr);
      assert.ok(JSON.stringify(match).includes('"xplc3905"'), `${q}: ${JSON.stringify(match)}`);
    }
  });
  it('does not read ordinary lower-case words as places', () => {
    for (const q of ['body', 'first', 'market']) {
      assert.ok(!JSON.stringify(compileQuery(parseQuery(q).expr).match).includes('xpl'), q);
    }
  });
  it('reads several plain words that name one place as that place', () => {
    const { match } = compileQuery(parseQuery('shelling Khan Sheikhoun').expr);
    assert.equal(match?.t, 'and');
    const json = JSON.stringify(match);
    assert.ok(json.includes('"vs":["khan","sheikhoun"]') && json.includes('xplc3987'), json);
  });
  it('does not widen excluded words and drops stop words', () => {
    assert.deepEqual(compileQuery(parseQuery('convoy -Foua').expr).match, {
      t: 'and',
      items: [
        { t: 'term', v: 'convoi', prefix: false },
        { t: 'not', item: { t: 'term', v: 'foua', prefix: false } },
      ],
    });
    assert.equal(compileQuery(parseQuery('the of').expr).match, null);
  });
});
