/**
 * Arabic counted nouns take the six CLDR plural forms (issue 16.4: "5 شخصًا" must read
 * "5 أشخاص"): zero 0, one 1, two 2, few 3–10, many 11–99, other 100–102. The strings are the
 * app's own (web/src/i18n), read through i18next as the app reads them.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import i18next, { type i18n } from 'i18next';
import { ar } from '../../web/src/i18n/ar.js';
import { en } from '../../web/src/i18n/en.js';
import { progressFraction } from '../../web/src/i18n/format.js';

describe('counted nouns', () => {
  let t: i18n['t'];
  before(async () => {
    const instance = i18next.createInstance();
    await instance.init({
      lng: 'ar',
      fallbackLng: false,
      resources: { en: { translation: en }, ar: { translation: ar } },
      interpolation: { escapeValue: false },
    });
    t = instance.t.bind(instance);
  });
  const say = (lng: string, unit: string, count: number) =>
    t(`counted.${unit}`, { lng, count, n: String(count) });

  describe('in Arabic', () => {
    it('people: 0, 1, 2, 3, 11, 100 take zero, one, two, few, many, other', () => {
      assert.deepEqual(
        [0, 1, 2, 3, 11, 100].map((n) => say('ar', 'people', n)),
        ['0 شخص', 'شخص واحد', 'شخصان', '3 أشخاص', '11 شخصًا', '100 شخص'],
      );
    });

    it('5 people is "5 أشخاص", not "شخصًا" (the bug in the issue)', () => {
      assert.equal(say('ar', 'people', 5), '5 أشخاص');
    });

    it('vehicles and minutes follow the same rules, with 10/99/101/111 at the edges', () => {
      assert.deepEqual(
        [0, 1, 2, 3, 11, 100].map((n) => say('ar', 'vehicles', n)),
        ['0 مركبة', 'مركبة واحدة', 'مركبتان', '3 مركبات', '11 مركبةً', '100 مركبة'],
      );
      assert.deepEqual(
        [10, 99, 101, 103, 111].map((n) => say('ar', 'minutes', n)),
        ['10 دقائق', '99 دقيقةً', '101 دقيقة', '103 دقائق', '111 دقيقةً'],
      );
    });
  });

  describe('in English', () => {
    it('uses one and other', () => {
      assert.deepEqual(
        [0, 1, 2, 3, 11, 100].map((n) => say('en', 'people', n)),
        ['0 people', '1 person', '2 people', '3 people', '11 people', '100 people'],
      );
    });
  });
});

describe('progressFraction', () => {
  it('never reads 100 % unless done equals expected (issue 16.1: 1,231 of 1,232)', () => {
    assert.equal(progressFraction(1231, 1232), 0.99);
    assert.equal(progressFraction(1232, 1232), 1);
    assert.equal(progressFraction(1233, 1232), 1.01);
    assert.equal(progressFraction(34_999, 35_000), 0.99);
  });

  it('never reads 0 % once something has moved, and reads 0 % for nothing', () => {
    assert.equal(progressFraction(1, 35_000), 0.01);
    assert.equal(progressFraction(0, 35_000), 0);
  });

  it('handles a missing or zero expectation', () => {
    assert.equal(progressFraction(0, 0), 0);
    assert.equal(progressFraction(5, 0), 1);
  });
});
