/**
 * The web app fit for the field (issue 16), in Debian's Chromium against a real server
 * (test/web/support/field.ts: 420 vehicles in seven convoys plus five, two critical alerts). A
 * coordinator sees what needs attention first (grouped, critical first, each point's silence,
 * people in transit and at each point) and an unmistakable stale state when the stream drops; the
 * operations list counts open alerts by severity. A monitor finds a vehicle by "0412" (or
 * "٠٤١٢"), records a whole convoy with one exception and a count typed in Arabic digits, sees the
 * queue name vehicles and point, discards a mistaken observation before it is sent, and names the
 * device. An administrator creates a user whose one-time link opens the set-password screen,
 * manages grants, tokens and device keys, and filters and exports the access audit. Screenshots go
 * to test-results/web/; test/web/field-layout.test.ts checks every screen at 360 and 1280 px.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { SMALL_OP } from '../support/ops.js';
import type { TestStore } from '../support/stores.js';
import {
  assertAccessible,
  assertNoHorizontalOverflow,
  browserSuite,
  checkScreen,
  screenshot,
  untranslatedText,
} from './support/browser.js';
import { type Field, type Lang, PASSWORD, startField } from './support/field.js';

describe('web app in the field (issue 16)', browserSuite(), () => {
  let field: Field;
  let s: TestStore;
  let base: string;
  let browser: Browser;
  let app: Field['app'];
  const open = (username: string, lang: Lang, width: 360 | 1280): Promise<Page> =>
    field.open(username, lang, width);

  before(async () => {
    field = await startField();
    ({ s, base, browser, app } = field);
  });
  after(async () => {
    await field?.close();
  });

  describe('attention first (16.1)', () => {
    it('puts open alerts at the top, critical first and grouped by subject, with people and silence', async () => {
      const page = await open('coord-amal', 'en', 1280);
      await page.goto(`${base}/operations/${SMALL_OP}`);
      const strip = page.getByTestId('attention');
      await strip.waitFor();
      // The strip comes before the totals: nothing critical is 2,800 px down.
      const order = await page.evaluate(
        `[document.querySelector('[data-testid="attention"]').getBoundingClientRect().top,
          document.querySelector('[data-testid="totals"]').getBoundingClientRect().top]`,
      );
      assert.ok((order as number[])[0]! < (order as number[])[1]!, `strip above totals: ${order}`);
      const groups = strip.locator('.attention-group');
      const subjects = await Promise.all((await groups.all()).map((g) => g.getAttribute('data-subject')));
      assert.equal(new Set(subjects).size, subjects.length, `one group per subject: ${subjects}`);
      assert.ok(subjects.includes('vehicle:veh-bus-017'), `BUS-017 has a group: ${subjects}`);
      assert.ok(subjects.includes('convoy:convoy-1'), `Convoy 1 has a group: ${subjects}`);
      const severities = await Promise.all(
        (await groups.all()).map(
          async (g) => /severity-(\w+)/.exec((await g.getAttribute('class')) ?? '')?.[1],
        ),
      );
      const rank = { critical: 0, warning: 1, info: 2 } as Record<string, number>;
      assert.deepEqual(
        severities,
        [...severities].sort((a, b) => rank[a!]! - rank[b!]!),
        'groups critical first',
      );
      const bus = strip.locator('[data-subject="vehicle:veh-bus-017"]');
      assert.match((await bus.textContent()) ?? '', /Critical.*BUS-017.*People unaccounted for/s);
      // Each kind links to its full alert below.
      await bus.getByRole('link', { name: 'People unaccounted for' }).click();
      assert.match(page.url(), /#alert-alert-[0-9a-f]{20}$/);
      const target = page.locator(`[id="${new URL(page.url()).hash.slice(1)}"]`);
      assert.equal(await target.getAttribute('data-alert-kind'), 'people-unaccounted');
      assert.ok(await target.isVisible());

      // People: none arrived, 42 on BUS-017 in transit, last seen at al-Rashideen.
      assert.equal(await page.getByTestId('people-arrived').textContent(), 'Arrived: 0 people');
      assert.equal(await page.getByTestId('people-in-transit').textContent(), 'In transit: 42 people');
      const here = page.locator('[data-point-id="pt-rashideen"] [data-testid="point-here"]');
      assert.equal(await here.textContent(), '42');
      // Each point's silence; the origin has been silent for 40 minutes: marked quiet.
      const ages = page.getByTestId('point-ages');
      assert.match(
        (await ages.locator('[data-point-id="pt-rashideen"]').textContent()) ?? '',
        /5 minutes ago/,
      );
      assert.match((await ages.locator('[data-point-id="pt-origin"]').getAttribute('class')) ?? '', /quiet/);
      assert.match(
        (await ages.locator('[data-point-id="pt-destination"]').textContent()) ?? '',
        /nothing yet/,
      );
      // "Now" is "Arrived", and progress never claims 100 % before it is.
      assert.equal(await page.locator('[data-testid="totals"] thead th').nth(1).textContent(), 'Arrived');
      assert.equal(await page.getByTestId('progress-people').textContent(), '0%');
      await assertAccessible(page, 'dashboard attention (en)');
      await screenshot(page, 'field-dashboard-attention-en-1280');
      await page.getByRole('button', { name: 'العربية' }).click();
      await page
        .getByTestId('point-ages')
        .locator('[data-point-id="pt-destination"]', { hasText: 'لا شيء بعد' })
        .waitFor();
      await checkScreen(page, 'field-dashboard-attention-ar-1280');
      await page.context().close();
    });

    it('shows an unmistakable stale state when the live stream is down', async () => {
      const page = await open('coord-amal', 'en', 1280);
      await page.goto(`${base}/operations/${SMALL_OP}`);
      await page.getByTestId('live').filter({ hasText: 'Live' }).waitFor();
      assert.equal(await page.getByTestId('stale').count(), 0, 'no stale banner while live');
      await page.context().setOffline(true);
      app.server.closeAllConnections();
      const banner = page.getByTestId('stale');
      await banner.waitFor({ timeout: 15_000 });
      assert.match(
        (await banner.textContent()) ?? '',
        /Not live: the connection to the server is lost\. Figures as of/,
      );
      assert.equal(await page.locator('[data-stale="down"].figures.stale').count(), 1, 'figures greyed');
      await assertAccessible(page, 'dashboard stale (en)');
      await screenshot(page, 'field-dashboard-stale-en-1280');
      await page.getByRole('button', { name: 'العربية' }).click();
      await banner.filter({ hasText: 'البيانات غير مباشرة' }).waitFor();
      await checkScreen(page, 'field-dashboard-stale-ar-1280');
      await page.context().close();
    });

    it('counts open alerts by severity on the operations list, in both languages', async () => {
      for (const lang of ['en', 'ar'] as const) {
        const page = await open('coord-amal', lang, 360);
        await page.goto(`${base}/operations`);
        const counts = page.getByTestId(`open-alerts-${SMALL_OP}`);
        await counts.waitFor();
        const critical = counts.locator('[data-severity="critical"]');
        assert.match((await critical.textContent()) ?? '', lang === 'en' ? /^Critical: 2$/ : /^حرج: [2٢]$/);
        await assertNoHorizontalOverflow(page, `operations (${lang}, 360)`);
        await screenshot(page, `field-operations-${lang}-360`);
        await page.context().close();
      }
    });
  });

  describe('monitor app at real scale (16.3)', () => {
    it('finds 0412, records a whole convoy with an exception and ٤٦, names the queue, discards a mistake', async () => {
      const page = await open('monitor-omar', 'en', 360);
      await page.waitForURL(`${base}/monitor`);
      await page.getByLabel('Where you are').selectOption('pt-ramouseh');
      // Search by any part of the marking.
      const search = page.getByLabel('Find a vehicle by its marking');
      await search.fill('0412');
      const results = page.getByTestId('search-results');
      await results.getByRole('checkbox').first().waitFor();
      const found = await Promise.all(
        (await results.getByRole('checkbox').all()).map((c) => c.getAttribute('value')),
      );
      assert.deepEqual(found, ['veh-al-0412']);
      await search.fill('');
      // Name the device before its key is registered.
      await page.getByLabel('Name this device').fill('Omar, blue case');
      await page.getByRole('button', { name: 'Save the name' }).click();
      await page.getByText('Saved.').waitFor();

      // Offline: record a mistaken observation, see it named in the queue, and discard it.
      await page.context().setOffline(true);
      await page.getByTestId('network').filter({ hasText: 'Offline' }).waitFor();
      // Convoys start closed in an assignment this large: the search is how to reach one vehicle.
      assert.equal(await page.locator('input[name="vehicle"]').count(), 0, 'no vehicle list rendered');
      await search.fill('bus-017');
      await page.getByRole('checkbox', { name: 'BUS-017 Bus' }).check();
      await search.fill('');
      await page.getByLabel('People counted').fill('5');
      await page.getByRole('button', { name: 'Sign and queue' }).click();
      await page.getByText('Observation signed and queued.').waitFor();
      const queued = page.locator('[data-testid="queue"] li[data-state="queued"]');
      await queued.first().waitFor();
      assert.equal(await queued.first().getByTestId('queue-point').textContent(), 'Ramouseh');
      assert.equal(await queued.first().getByTestId('queue-vehicles').textContent(), 'BUS-017');
      await queued.first().getByRole('button', { name: 'Discard' }).click();
      await queued.first().getByRole('button', { name: 'Discard it (it was never sent)' }).click();
      await queued.first().waitFor({ state: 'detached' });
      assert.equal(await queued.count(), 0, 'the discarded observation is gone');

      // Convoy 3 passed, except AL-BUS-0120; 46 people typed in Arabic-Indic digits.
      const convoy = page.locator('details[data-convoy="convoy-3"]');
      await convoy.locator('summary').click();
      await convoy.getByRole('button', { name: 'Whole convoy passed' }).click();
      await page.getByTestId('selected-vehicles').filter({ hasText: 'Selected: 60 vehicles' }).waitFor();
      await convoy.getByRole('checkbox', { name: /AL-BUS-0120/ }).uncheck();
      await page.getByTestId('selected-vehicles').filter({ hasText: 'Selected: 59 vehicles' }).waitFor();
      await page.getByLabel('People counted').fill('٤٦');
      await page.getByRole('button', { name: 'Sign and queue' }).click();
      await page.getByText('Observation signed and queued.').waitFor();
      const item = queued.first();
      assert.match(
        (await item.getByTestId('queue-vehicles').textContent()) ?? '',
        /^AL-BUS-0061 · .* and 53 vehicles more$/,
      );
      await assertNoHorizontalOverflow(page, 'monitor queue (en, 360)');
      await assertAccessible(page, 'monitor queue (en, 360)');
      await screenshot(page, 'field-monitor-queue-en-360');

      await page.context().setOffline(false);
      await page
        .locator('[data-testid="queue"] li[data-state="accepted"]')
        .first()
        .waitFor({ timeout: 15_000 });
      const stored = await s.ctx.db
        .selectFrom('observation')
        .select(['signed_text'])
        .where('signed_text', 'like', '%veh-al-0061%')
        .executeTakeFirstOrThrow();
      const signed = JSON.parse(stored.signed_text) as { headcount: number; vehicleIds: string[] };
      assert.equal(signed.headcount, 46, 'the Arabic-Indic count arrived as 46');
      assert.equal(signed.vehicleIds.length, 59);
      assert.ok(!signed.vehicleIds.includes('veh-al-0120'), 'the exception stayed out');
      await page.getByTestId('devices').getByText('Omar, blue case').waitFor();
      await page.context().close();
    });

    it('works in Arabic at 360 px: Arabic digits in the search, nothing untranslated', async () => {
      const page = await open('monitor-omar', 'ar', 360);
      await page.getByLabel('ابحث عن مركبة برقمها').fill('٠٤١٢');
      const results = page.getByTestId('search-results');
      await results.getByRole('checkbox').first().waitFor();
      assert.equal(await results.getByRole('checkbox').count(), 1);
      assert.deepEqual(await untranslatedText(page), [], 'untranslated text on the Arabic monitor app');
      await assertNoHorizontalOverflow(page, 'monitor search (ar, 360)');
      await assertAccessible(page, 'monitor search (ar, 360)');
      await screenshot(page, 'field-monitor-search-ar-360');
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByLabel('Find a vehicle by its marking').waitFor();
      assert.equal(await results.getByRole('checkbox').count(), 1);
      await checkScreen(page, 'field-monitor-search-en-360');
      await page.context().close();
    });
  });

  describe('accounts and administration (16.5)', () => {
    let link = '';

    it('the admin lands on administration and creates a user, who gets a one-time link', async () => {
      const page = await open('admin-nour', 'en', 1280);
      await page.waitForURL(`${base}/admin`);
      await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
      await page.locator('input[name="new-username"]').fill('monitor-sami');
      await page.locator('select[name="new-role"]').selectOption('monitor');
      await page.locator('input[name="new-compartment"]').fill('aleppo');
      await page.getByRole('button', { name: 'Create the user' }).click();
      const secret = page.getByTestId('one-time-secret');
      await secret.waitFor();
      link = (await secret.locator('input').inputValue()) ?? '';
      assert.match(link, new RegExp(`^${base}/reset#token=`), link);
      const row = page.locator('tr[data-user="monitor-sami"]');
      assert.match((await row.textContent()) ?? '', /Monitor in aleppo.*No password yet/s);

      // Grants: add coordinator in aleppo, then remove it.
      await row.getByRole('button', { name: 'Add a role' }).click();
      await row.locator('select[name="grant-role"]').selectOption('coordinator');
      await row.locator('input[name="grant-compartment"]').fill('aleppo');
      await row.getByRole('button', { name: 'Grant' }).click();
      await row.getByText('Coordinator in aleppo').waitFor();
      await row
        .locator('li', { hasText: 'Coordinator in aleppo' })
        .getByRole('button', { name: 'Remove this role' })
        .click();
      await row.getByText('Coordinator in aleppo').waitFor({ state: 'detached' });
      await assertAccessible(page, 'admin users (en)');
      await screenshot(page, 'field-admin-users-en-1280');
      await page.context().close();
    });

    it('the link opens the set-password screen; a common password is refused, then the account works', async () => {
      const ctx = await browser.newContext({ viewport: { width: 360, height: 780 }, locale: 'ar-SY' });
      const page = await ctx.newPage();
      await page.goto(link);
      await page.getByRole('heading', { name: 'عيّن كلمة مرورك' }).waitFor();
      assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar');
      assert.deepEqual(
        await untranslatedText(page),
        [],
        'untranslated text on the Arabic set-password screen',
      );
      await assertNoHorizontalOverflow(page, 'reset (ar, 360)');
      await assertAccessible(page, 'reset (ar, 360)');
      await screenshot(page, 'field-reset-ar-360');
      await page.getByRole('button', { name: 'English' }).click();
      await page.locator('form button[type="submit"]').waitFor();
      await checkScreen(page, 'field-reset-en-360');
      await page.getByRole('button', { name: 'العربية' }).click();
      await page.getByRole('heading', { name: 'عيّن كلمة مرورك' }).waitFor();
      await page.locator('input[name="password"]').fill('monitor-sami-123');
      await page.locator('input[name="confirm"]').fill('monitor-sami-123');
      await page.locator('form button[type="submit"]').click();
      await page
        .getByTestId('reset-error')
        .filter({ hasText: 'كلمة المرور هذه لا تستوفي القواعد' })
        .waitFor();
      await page.locator('input[name="password"]').fill(PASSWORD);
      await page.locator('input[name="confirm"]').fill(PASSWORD);
      await page.locator('form button[type="submit"]').click();
      await page.getByText('عُيّنت كلمة مرورك. سجّل الدخول بها.').waitFor();
      await page.locator('input[name="username"]').fill('monitor-sami');
      await page.locator('input[name="password"]').fill(PASSWORD);
      await page.locator('form button[type="submit"]').click();
      await page.waitForURL(`${base}/monitor`);
      // The link worked once.
      await page.goto(link);
      await page.locator('input[name="password"]').fill(`${PASSWORD}-2`);
      await page.locator('input[name="confirm"]').fill(`${PASSWORD}-2`);
      await page.locator('form button[type="submit"]').click();
      await page.getByTestId('reset-error').filter({ hasText: 'لم يعد صالحًا' }).waitFor();
      await ctx.close();
    });

    it('tokens, device keys and the audit (filtered, exported as CSV)', async () => {
      const page = await open('admin-nour', 'en', 1280);
      await page.goto(`${base}/admin/tokens`);
      await page.locator('input[name="token-name"]').fill('nightly export');
      await page.getByRole('button', { name: 'Create the token' }).click();
      const token = await page.getByTestId('one-time-secret').locator('input').inputValue();
      assert.match(token, /^att_/);
      await page.locator('tr[data-token="nightly export"]').waitFor();
      await screenshot(page, 'field-admin-tokens-en-1280');

      await page.getByRole('link', { name: 'Device keys' }).click();
      const keys = page.getByTestId('device-keys');
      const phone = keys.locator('tr', { hasText: 'test phone' });
      await phone.getByRole('button', { name: 'Revoke (lost or seized)' }).click();
      await phone.getByRole('button', { name: "Revoke this device's key" }).click();
      await phone.getByText(/^Revoked /).waitFor();
      await screenshot(page, 'field-admin-devices-en-1280');

      await page.getByRole('link', { name: 'Access audit' }).click();
      await page.getByTestId('audit').waitFor();
      await page.locator('select[name="kind"]').selectOption('user-create');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForFunction(
        `[...document.querySelectorAll('[data-testid="audit"] tbody tr')].every((r) => r.dataset.kind === 'user-create')`,
      );
      const rows = page.locator('[data-testid="audit"] tbody tr');
      // Oldest first (the audit's order): the row of the user the admin created in this journey.
      const created = rows.filter({ hasText: 'monitor-sami' });
      assert.equal(await created.count(), 1);
      assert.match((await created.textContent()) ?? '', /User created.*admin-nour.*monitor-sami/s);
      const href = (await page.getByTestId('audit-csv').getAttribute('href')) ?? '';
      assert.match(href, /^\/api\/audit\.csv\?kind=user-create$/);
      const csv = await page.request.get(`${base}${href}`);
      assert.equal(csv.status(), 200);
      const lines = (await csv.text()).trim().split('\r\n');
      assert.ok(
        lines.length >= 2 && lines.slice(1).every((l) => l.includes(',user-create,')),
        lines.join('\n'),
      );
      await assertAccessible(page, 'admin audit (en)');
      await screenshot(page, 'field-admin-audit-en-1280');
      await page.context().close();
    });
  });
});
