/**
 * Every alert kind the server can raise (src/ops/model.ts ALERT_KINDS) has a title and each of
 * its sentences (web/src/ops/alert-keys.ts) in English and Arabic, so none reaches the dashboard
 * as "Other alert" or as the server's English summary (issue 17: operation-no-news,
 * point-not-reporting and conflicting-reports did). The sentences' placeholders are checked
 * against each other by i18n-keys.test.ts; the browser test dashboard-alerts.test.ts shows them
 * filled from real alerts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALERT_KINDS } from '../../src/ops/model.js';
import { arAlerts } from '../../web/src/i18n/ar-alerts.js';
import { enAlerts } from '../../web/src/i18n/en-alerts.js';
import { ALERT_TEXT_KEYS, alertTextKey } from '../../web/src/ops/alert-keys.js';

describe('alert titles and sentences (issue 17)', () => {
  it('covers exactly the kinds the server raises', () => {
    assert.deepEqual(Object.keys(ALERT_TEXT_KEYS).sort(), [...ALERT_KINDS].sort());
  });

  for (const [lang, strings] of [
    ['en', enAlerts],
    ['ar', arAlerts],
  ] as const) {
    it(`${lang}: every kind has a title and every sentence it can be told in`, () => {
      const titles = strings.alertKind as Readonly<Record<string, string>>;
      const texts = strings.alertText as Readonly<Record<string, string>>;
      for (const kind of ALERT_KINDS) {
        assert.ok(titles[kind], `${lang} alertKind.${kind}: missing`);
        assert.notEqual(titles[kind], titles.unknown, `${lang} alertKind.${kind} reads as an unknown kind`);
        for (const key of ALERT_TEXT_KEYS[kind]) assert.ok(texts[key], `${lang} alertText.${key}: missing`);
      }
    });
  }

  it('picks the sentence from the figures: a point that never reported, news never received', () => {
    assert.equal(alertTextKey('point-not-reporting', { lastReportAt: null }), 'point-not-reporting-never');
    assert.equal(
      alertTextKey('point-not-reporting', { lastReportAt: '2016-12-15T06:00:00.000Z' }),
      'point-not-reporting',
    );
    assert.equal(alertTextKey('operation-no-news', { lastReceivedAt: null }), 'operation-no-news-none');
    assert.equal(
      alertTextKey('operation-no-news', { lastReceivedAt: '2016-12-15T06:00:00.000Z' }),
      'operation-no-news',
    );
    assert.equal(alertTextKey('conflicting-reports', { bodies: 2 }), 'conflicting-reports');
    assert.equal(alertTextKey('a-kind-from-a-newer-server', {}), null);
    assert.equal(alertTextKey('constructor', {}), null, 'a prototype name is no kind');
    for (const kind of ALERT_KINDS)
      assert.ok(
        (ALERT_TEXT_KEYS[kind] as readonly string[]).includes(alertTextKey(kind, {})!),
        `alertTextKey(${kind}, {}) = ${alertTextKey(kind, {})}, want one of ${ALERT_TEXT_KEYS[kind].join(', ')}`,
      );
  });
});
