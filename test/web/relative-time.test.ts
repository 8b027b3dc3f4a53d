/**
 * Relative times ("now", "2 minutes ago", "الآن", "قبل دقيقتين") come from Intl.RelativeTimeFormat
 * with numeric 'auto' in both languages (issue 17, audit: the Arabic UI said "منذ 0 دقيقة"): no
 * zero count, the language's own phrase for now and yesterday, and no string in the catalogues
 * that glues a duration to a hand-written "ago".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ar } from '../../web/src/i18n/ar.js';
import { arVault } from '../../web/src/i18n/ar-vault.js';
import { en } from '../../web/src/i18n/en.js';
import { enVault } from '../../web/src/i18n/en-vault.js';
import { agoParts, formattersFor } from '../../web/src/i18n/format.js';

const MIN = 60_000;

describe('relative times (issue 17)', () => {
  it('agoParts: seconds under a minute, minutes under two hours, hours under two days, then days', () => {
    assert.deepEqual(agoParts(0), [0, 'second']);
    assert.deepEqual(agoParts(59_999), [0, 'second']);
    assert.deepEqual(agoParts(-5 * MIN), [0, 'second'], 'a clock a little ahead is "now", not the future');
    assert.deepEqual(agoParts(MIN), [-1, 'minute']);
    assert.deepEqual(agoParts(119 * MIN), [-119, 'minute']);
    assert.deepEqual(agoParts(120 * MIN), [-2, 'hour']);
    assert.deepEqual(agoParts(47 * 60 * MIN), [-47, 'hour']);
    assert.deepEqual(agoParts(48 * 60 * MIN), [-2, 'day']);
  });

  it('English: "now", "1 minute ago", "yesterday"', () => {
    const f = formattersFor('en');
    assert.equal(f.ago(10_000), 'now');
    assert.equal(f.ago(MIN), '1 minute ago');
    assert.equal(f.ago(5 * MIN), '5 minutes ago');
    assert.equal(f.ago(3 * 60 * MIN), '3 hours ago');
    assert.equal(f.ago(50 * 60 * MIN), '2 days ago');
  });

  it('Arabic: "الآن", never "منذ 0 دقيقة"; one and two minutes in their own forms', () => {
    const f = formattersFor('ar');
    assert.equal(f.ago(0), 'الآن');
    assert.equal(f.ago(30_000), 'الآن');
    assert.equal(f.ago(MIN), 'قبل دقيقة واحدة');
    assert.equal(f.ago(2 * MIN), 'قبل دقيقتين');
    for (const ms of [0, 30_000, MIN, 2 * MIN, 90 * MIN, 5 * 60 * MIN, 72 * 60 * MIN]) {
      assert.doesNotMatch(f.ago(ms), /(^|\D)[0٠](\D|$)/, `ago(${ms}) = ${f.ago(ms)}: no zero count`);
    }
  });

  it('no catalogue string writes its own "ago" after a placeholder (both languages use ago())', () => {
    const strings = (o: unknown): string[] =>
      typeof o === 'string' ? [o] : o && typeof o === 'object' ? Object.values(o).flatMap(strings) : [];
    const all = [en, enVault, ar, arVault].flatMap(strings);
    assert.deepEqual(
      all.filter((s) => /\}\}\s*ago\b|\(منذ \{\{/.test(s)),
      [],
      'strings that say "{{x}} ago" by hand',
    );
  });
});
