/**
 * The web app in a real browser (Debian Chromium through playwright-core) against a real server
 * on loopback: a monitor records three observations offline, reloads, comes back online and the
 * queue syncs once; the coordinator's dashboard shows the new counts and the headcount-drop
 * alert live, without a reload. Then the Arabic UI (right-to-left, nothing untranslated), first-run
 * setup, the evidence list, axe-core on every page, and screenshots of every main screen in both
 * languages under test-results/web/.
 *
 * Set ATTEST_UPDATE_DOCS_SCREENSHOT=1 to refresh docs/screenshots/dashboard.png (the README's).
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { createUser, issueSetupLink, resetPassword } from '../../src/access/index.js';
import type { Role } from '../../src/access/permissions.js';
import { buildApp } from '../../src/api/server.js';
import { planOperations } from '../../src/ops/index.js';
import { PNG_1PX, smallPlan } from '../support/ops.js';
import { openTestStore, type TestStore } from '../support/stores.js';
import {
  assertAccessible,
  browserSuite,
  buildWebApp,
  checkScreen,
  screenshot,
  startBrowser,
  type TestBrowser,
  untranslatedText,
} from './support/browser.js';

const PASSWORD = 'Ramouseh-checkpoint-1216';

/** The data the monitor flow records against (operation, points, vehicle). */
const FLOW = {
  operationName: 'Eastern Aleppo evacuation',
  origin: 'pt-origin',
  ramouseh: 'pt-ramouseh',
  rashideen: 'pt-rashideen',
  vehicle: 'veh-bus-017',
};

describe('web app in Chromium', browserSuite(), () => {
  let s: TestStore;
  let app: FastifyInstance;
  let base: string;
  let browser: TestBrowser;
  let webDist: string | undefined;
  let coordinator: BrowserContext;
  let dashboard: Page;

  async function userWithPassword(role: Role, username: string): Promise<string> {
    const { passwordToken } = await createUser(
      s.ctx,
      { username, role, compartment: '*' },
      { actorId: 'test' },
    );
    await resetPassword(s.ctx, { token: passwordToken, password: PASSWORD }, { actorId: null });
    return username;
  }

  async function storedObservations(): Promise<number> {
    const row = await s.ctx.db
      .selectFrom('observation')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto(`${base}/`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  before(async () => {
    s = await openTestStore('sqlite');
    // Server time runs with the real clock here: the browser's session and SSE are real-time.
    s.setTime(new Date().toISOString());
    webDist = await buildWebApp();
    await planOperations(
      s.ctx,
      smallPlan('aleppo', { activeAt: new Date(Date.now() - 3_600_000).toISOString() }),
      'test',
    );
    app = await buildApp(s.ctx, { webDist });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await startBrowser();
    await userWithPassword('coordinator', 'coord-amal');
    await userWithPassword('monitor', 'monitor-omar');
    await userWithPassword('investigator', 'inv-layla');
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await s?.close();
    if (webDist) rmSync(webDist, { recursive: true, force: true });
  });

  it('serves the app shell with a CSP and the API beside it', async () => {
    const page = await (await browser.newContext()).newPage();
    const res = await page.goto(`${base}/operations/anything`);
    assert.equal(res?.status(), 200, 'GET /operations/anything: got status, want 200 (SPA fallback)');
    assert.match(res?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    const api = await page.request.get(`${base}/api/nope`);
    assert.equal(api.status(), 404, 'GET /api/nope: want a problem 404, not the app');
    assert.match(api.headers()['content-type'] ?? '', /problem\+json/);
    await page.context().close();
  });

  it('coordinator signs in and opens the operation dashboard (live)', async () => {
    coordinator = await browser.newContext();
    dashboard = await coordinator.newPage();
    await dashboard.goto(`${base}/`);
    await assertAccessible(dashboard, 'sign-in (en)');
    await screenshot(dashboard, 'sign-in-en');
    await signIn(dashboard, 'coord-amal');
    await dashboard.waitForURL(`${base}/operations`);
    await dashboard.getByRole('link', { name: FLOW.operationName }).waitFor();
    await assertAccessible(dashboard, 'operations (en)');
    await screenshot(dashboard, 'operations-en');
    await dashboard.getByRole('link', { name: FLOW.operationName }).click();
    await dashboard.getByTestId('live').filter({ hasText: 'Live' }).waitFor();
    await dashboard.getByTestId('route-map').waitFor();
    assert.equal(await dashboard.getByTestId('total-people').textContent(), '0');
    // Every vehicle kind has its row, trucks included (issue 13.6), and all vehicles together.
    for (const measure of ['vehicles', 'buses', 'ambulances', 'privateVehicles', 'trucks']) {
      assert.equal(await dashboard.getByTestId(`total-${measure}`).textContent(), '0', measure);
    }
  });

  it('monitor records three observations offline, reloads, and they sync once when online', async () => {
    const monitor = await browser.newContext({ phone: true });
    const page = await monitor.newPage();
    await signIn(page, 'monitor-omar');
    await page.waitForURL(`${base}/monitor`);
    await page.getByLabel('Where you are').waitFor();
    // The service worker must control the page before the network goes away.
    await page.waitForFunction(
      'navigator.serviceWorker && navigator.serviceWorker.controller !== null',
      null,
      {
        timeout: 15_000,
      },
    );
    await assertAccessible(page, 'monitor (en)');
    await screenshot(page, 'monitor-en');

    await monitor.setOffline(true);
    await page.getByTestId('network').filter({ hasText: 'Offline' }).waitFor();
    const record = async (point: string, kind: string, headcount: number, photo = false) => {
      await page.getByLabel('Where you are').selectOption(point);
      if (photo) {
        await page
          .getByLabel('Photo')
          .setInputFiles({ name: 'bus-017.png', mimeType: 'image/png', buffer: PNG_1PX });
      }
      await page.getByRole('radio', { name: kind }).check();
      await page.getByRole('checkbox', { name: /BUS-017/ }).check();
      await page.getByLabel('People counted').fill(String(headcount));
      await page.getByLabel('Adults').fill(String(headcount - 10));
      await page.getByLabel('Children').fill('10');
      await page.getByRole('button', { name: 'Sign and queue' }).click();
      await page.getByText('Observation signed and queued.').waitFor();
    };
    await record(FLOW.origin, 'Departure', 50, true);
    await record(FLOW.ramouseh, 'Passing checkpoint', 50);
    await record(FLOW.rashideen, 'Passing checkpoint', 42);
    const queued = page.locator('[data-testid="queue"] li[data-state="queued"]');
    assert.equal(await queued.count(), 3, 'queued before reload: got count, want 3');

    await page.reload();
    await page.getByTestId('network').filter({ hasText: 'Offline' }).waitFor();
    await queued.nth(2).waitFor();
    assert.equal(await queued.count(), 3, 'queued after an offline reload: got count, want 3');
    await screenshot(page, 'monitor-offline-queue-en');
    assert.equal(await storedObservations(), 0, 'nothing may reach the server while offline');

    await monitor.setOffline(false);
    const accepted = page.locator('[data-testid="queue"] li[data-state="accepted"]');
    await accepted.nth(2).waitFor({ timeout: 15_000 });
    assert.equal(await accepted.count(), 3);
    // The phone's key was registered by the first send; it is listed, and it cannot revoke itself.
    const thisDevice = page.getByTestId('devices').locator('li', { hasText: 'this device' });
    await thisDevice.waitFor();
    assert.equal(await thisDevice.getByRole('button').count(), 0);
    await assertAccessible(page, 'monitor synced (en)');
    await screenshot(page, 'monitor-synced-en');
    assert.equal(await storedObservations(), 3, 'each queued observation stored once');
    const photos = await s.ctx.db.selectFrom('item').select(['media_type', 'source']).execute();
    assert.equal(photos.length, 1, 'the photo taken offline reached the vault');
    assert.equal(photos[0]!.media_type, 'image/png');
    await monitor.close();
  });

  it('the dashboard shows the new counts and the headcount-drop alert without reload', async () => {
    const origin = dashboard.locator(`[data-point-id="${FLOW.origin}"] [data-testid="point-people"]`);
    await origin.filter({ hasText: '50' }).waitFor({ timeout: 10_000 });
    const rashideen = dashboard.locator(`[data-point-id="${FLOW.rashideen}"] [data-testid="point-people"]`);
    await rashideen.filter({ hasText: '42' }).waitFor();
    const alert = dashboard.locator('[data-alert-kind="people-unaccounted"]');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Critical/);
    assert.match(
      (await alert.getByTestId('alert-text').textContent()) ?? '',
      /BUS-017: 8 fewer people at al-Rashideen than at Ramouseh \(50 → 42\)/,
    );
    await assertAccessible(dashboard, 'dashboard (en)');
    await screenshot(dashboard, 'dashboard-en');
    if (process.env.ATTEST_UPDATE_DOCS_SCREENSHOT === '1') {
      mkdirSync('docs/screenshots', { recursive: true });
      await dashboard.screenshot({ path: 'docs/screenshots/dashboard.png', fullPage: true });
    }

    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await alert.getByText('Acknowledged').waitFor();
    await alert.getByRole('button', { name: 'Resolve' }).click();
    await alert
      .getByLabel('Resolution note')
      .fill('Eight people left the bus at Ramouseh with ICRC; confirmed.');
    await alert.getByRole('button', { name: 'Resolve alert' }).click();
    await alert.getByText('Resolved').waitFor();

    // The coordinator records the suspension, with its reason; the timeline shows it live.
    await dashboard.getByLabel('New status').selectOption('suspended');
    await dashboard
      .getByLabel('Reason (required for a suspension)')
      .fill('Shooting near the Ramouseh crossing');
    await dashboard.getByRole('button', { name: 'Record the change' }).click();
    await dashboard.locator('.timeline').getByText('Shooting near the Ramouseh crossing').waitFor();
    await dashboard.locator('.op-head').getByText('Suspended').waitFor();
    await dashboard.getByLabel('New status').selectOption('resumed');
    await dashboard.getByLabel('Reason (required for a suspension)').fill('Crossing reopened');
    await dashboard.getByRole('button', { name: 'Record the change' }).click();
    await dashboard.locator('.op-head').getByText('Resumed').waitFor();
  });

  it('renders the Arabic UI right-to-left with every string translated', async () => {
    await dashboard.getByRole('button', { name: 'العربية' }).click();
    await dashboard.getByRole('heading', { name: 'التنبيهات' }).waitFor();
    const dir = await dashboard.evaluate(
      '[document.documentElement.dir, getComputedStyle(document.body).direction]',
    );
    assert.deepEqual(dir, ['rtl', 'rtl'], 'html dir and computed direction in Arabic');
    assert.deepEqual(await untranslatedText(dashboard), [], 'untranslated text on the Arabic dashboard');
    const arabicAlert = dashboard.locator(
      '[data-alert-kind="people-unaccounted"] [data-testid="alert-text"]',
    );
    const text = (await arabicAlert.textContent()) ?? '';
    assert.match(text, /نقص [8٨] من الركاب في الراشدين عمّا كان في الراموسة/, text);
    await assertAccessible(dashboard, 'dashboard (ar)');
    await screenshot(dashboard, 'dashboard-ar');

    await dashboard.getByRole('link', { name: 'العمليات' }).first().click();
    await dashboard.waitForURL(`${base}/operations`);
    await dashboard.getByRole('heading', { name: 'العمليات', level: 1 }).waitFor();
    await dashboard.getByRole('link', { name: /إجلاء شرق حلب/ }).waitFor();
    assert.deepEqual(
      await untranslatedText(dashboard),
      [],
      'untranslated text on the Arabic operations list',
    );
    await assertAccessible(dashboard, 'operations (ar)');
    await screenshot(dashboard, 'operations-ar');

    // The choice is kept on the device; sign-in is Arabic too.
    await dashboard.locator('.user-menu summary').click();
    await dashboard.getByRole('button', { name: 'تسجيل الخروج' }).click();
    await dashboard.getByRole('heading', { name: 'تسجيل الدخول' }).waitFor();
    assert.equal(await dashboard.evaluate('getComputedStyle(document.body).direction'), 'rtl');
    assert.deepEqual(await untranslatedText(dashboard), [], 'untranslated text on the Arabic sign-in');
    await assertAccessible(dashboard, 'sign-in (ar)');
    await screenshot(dashboard, 'sign-in-ar');
    await coordinator.close();
  });

  it('the monitor app in Arabic: a form, an offline queue that survives a reload, then synced', async () => {
    const ctx = await browser.newContext({ phone: true, locale: 'ar-SY' });
    const page = await ctx.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'تسجيل الدخول' }).waitFor();
    await page.getByLabel('اسم المستخدم').fill('monitor-omar');
    await page.getByLabel('كلمة المرور').fill(PASSWORD);
    await page.getByRole('button', { name: 'دخول' }).click();
    await page.getByLabel('موقعك').waitFor();
    assert.equal(await page.evaluate('getComputedStyle(document.body).direction'), 'rtl');
    assert.deepEqual(await untranslatedText(page), [], 'untranslated text on the Arabic monitor app');
    await assertAccessible(page, 'monitor (ar)');
    await screenshot(page, 'monitor-ar');

    // The same journey as in English: recorded offline, kept across a reload, sent once online.
    await page.waitForFunction(
      'navigator.serviceWorker && navigator.serviceWorker.controller !== null',
      null,
      {
        timeout: 15_000,
      },
    );
    const before = await storedObservations();
    await ctx.setOffline(true);
    await page.getByTestId('network').filter({ hasText: 'غير متصل' }).waitFor();
    // A second monitor's sighting of BUS-017 at Ramouseh, as the first monitor counted it.
    await page.getByLabel('موقعك').selectOption(FLOW.ramouseh);
    await page.getByRole('radio', { name: 'عبور نقطة تفتيش' }).check();
    await page.getByRole('checkbox', { name: /BUS-017/ }).check();
    // Arabic-Indic digits, as a monitor types them on an Arabic keyboard.
    await page.getByLabel('عدد الأشخاص').fill('٥٠');
    await page.getByRole('button', { name: 'وقّع وأضف إلى قائمة الانتظار' }).click();
    await page.getByText('تم توقيع الملاحظة وإضافتها إلى قائمة الانتظار.').waitFor();
    await page.reload();
    await page.getByTestId('network').filter({ hasText: 'غير متصل' }).waitFor();
    const queued = page.locator('[data-testid="queue"] li[data-state="queued"]');
    await queued.first().waitFor();
    assert.equal(await queued.count(), 1, 'queued after an offline reload (ar): got count, want 1');
    await checkScreen(page, 'monitor-offline-queue-ar');
    assert.equal(await storedObservations(), before, 'nothing reaches the server while offline');

    await ctx.setOffline(false);
    const sent = page.locator('[data-testid="queue"] li:not([data-state="queued"]):not([data-state="sent"])');
    await sent.first().waitFor({ timeout: 15_000 });
    assert.equal(
      await sent.first().getAttribute('data-state'),
      'accepted',
      (await sent.first().textContent()) ?? '',
    );
    await page.getByTestId('devices').locator('li', { hasText: 'هذا الجهاز' }).waitFor();
    await checkScreen(page, 'monitor-synced-ar');
    assert.equal(await storedObservations(), before + 1, 'the queued observation stored once');
    await ctx.close();
  });

  it('evidence list (lazy-loaded) in both languages', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await signIn(page, 'inv-layla');
    await page.waitForURL(`${base}/evidence`);
    await page.getByRole('heading', { name: 'Evidence' }).waitFor();
    // The photo the monitor took is evidence now, with the observation as its provenance.
    await page.getByText(/Photo of BUS-017 at /).waitFor();
    await assertAccessible(page, 'evidence (en)');
    await screenshot(page, 'evidence-en');
    await page.getByRole('button', { name: 'العربية' }).click();
    await page.getByRole('heading', { name: 'الأدلة', level: 1 }).waitFor();
    assert.deepEqual(await untranslatedText(page), [], 'untranslated text on the Arabic evidence list');
    await assertAccessible(page, 'evidence (ar)');
    await screenshot(page, 'evidence-ar');
    await ctx.close();
  });

  it('first-run setup from the #token link creates the admin', async () => {
    const { token } = await issueSetupLink(s.ctx);
    for (const lang of ['ar', 'en'] as const) {
      const ctx = await browser.newContext({ locale: lang === 'ar' ? 'ar-SY' : 'en-GB' });
      const page = await ctx.newPage();
      await page.goto(`${base}/setup#token=${token}`);
      await page.locator('form input[name="username"]').waitFor();
      assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar');
      if (lang === 'ar')
        assert.deepEqual(await untranslatedText(page), [], 'untranslated text on Arabic setup');
      await assertAccessible(page, `setup (${lang})`);
      await screenshot(page, `setup-${lang}`);
      if (lang === 'en') {
        await page.getByLabel('Username').fill('admin-first');
        await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
        await page.getByLabel('Repeat the password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Create administrator' }).click();
        await page.getByText('The administrator exists. Sign in to continue.').waitFor();
      }
      await ctx.close();
    }
  });
});
