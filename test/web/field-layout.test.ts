/**
 * Every screen of the web app at 360 px and 1280 px in both directions (issue 16.2): the page
 * never scrolls sideways (wide tables scroll inside their card), Arabic shows nothing
 * untranslated, and axe-core finds nothing serious or critical. Screenshots under test-results/web/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SMALL_OP } from '../support/ops.js';
import {
  assertAccessible,
  assertNoHorizontalOverflow,
  browserSuite,
  screenshot,
  untranslatedText,
} from './support/browser.js';
import { type Field, startField } from './support/field.js';

describe('web app at 360 px and 1280 px (issue 16.2)', browserSuite(), () => {
  let field: Field;
  before(async () => {
    field = await startField();
  });
  after(async () => {
    await field?.close();
  });

  describe('every screen, both directions', () => {
    const SCREENS: ReadonlyArray<{ name: string; who: string; path: string; ready: string }> = [
      { name: 'operations', who: 'coord-amal', path: '/operations', ready: '.cards' },
      {
        name: 'dashboard',
        who: 'coord-amal',
        path: `/operations/${SMALL_OP}`,
        ready: '[data-testid="route-map"]',
      },
      { name: 'monitor', who: 'monitor-omar', path: '/monitor', ready: '[data-testid="convoys"]' },
      { name: 'evidence', who: 'inv-layla', path: '/evidence', ready: 'main h1' },
      { name: 'admin-users', who: 'admin-nour', path: '/admin/users', ready: '[data-testid="users"]' },
      {
        name: 'admin-devices',
        who: 'admin-nour',
        path: '/admin/devices',
        ready: '[data-testid="device-keys"]',
      },
      { name: 'admin-audit', who: 'admin-nour', path: '/admin/audit', ready: '[data-testid="audit"]' },
      { name: 'admin-tokens', who: 'admin-nour', path: '/admin/tokens', ready: 'input[name="token-name"]' },
    ];
    for (const lang of ['en', 'ar'] as const) {
      it(`${lang}: no page overflows sideways at 360 px or 1280 px; axe finds nothing serious`, async () => {
        // One signed-in page per user, resized in place: a phone, then a desktop window.
        const byUser = new Map<string, typeof SCREENS>();
        for (const sc of SCREENS) byUser.set(sc.who, [...(byUser.get(sc.who) ?? []), sc]);
        for (const [who, screens] of byUser) {
          const page = await field.open(who, lang, 360);
          for (const screen of screens) {
            await page.setViewportSize({ width: 360, height: 780 });
            await page.goto(`${field.base}${screen.path}`);
            await page.locator(screen.ready).first().waitFor();
            await assertNoHorizontalOverflow(page, `${screen.name} (${lang}, 360)`);
            if (lang === 'ar')
              assert.deepEqual(await untranslatedText(page), [], `${screen.name}: untranslated`);
            await assertAccessible(page, `${screen.name} (${lang}, 360)`);
            await screenshot(page, `field-${screen.name}-${lang}-360`);
            await page.setViewportSize({ width: 1280, height: 900 });
            await assertNoHorizontalOverflow(page, `${screen.name} (${lang}, 1280)`);
            await screenshot(page, `field-${screen.name}-${lang}-1280`);
          }
          await page.context().close();
        }
        // The sign-in page, signed out.
        const ctx = await field.browser.newContext({
          viewport: { width: 360, height: 780 },
          locale: lang === 'ar' ? 'ar-SY' : 'en-GB',
        });
        const page = await ctx.newPage();
        await page.goto(`${field.base}/`);
        await page.locator('input[name="username"]').waitFor();
        await assertNoHorizontalOverflow(page, `sign-in (${lang}, 360)`);
        await screenshot(page, `field-sign-in-${lang}-360`);
        await page.setViewportSize({ width: 1280, height: 900 });
        await assertNoHorizontalOverflow(page, `sign-in (${lang}, 1280)`);
        await ctx.close();
      });
    }
  });
});
