/**
 * Choosing between conflicting observations in Chromium (issue 17, audit item 1): a monitor's phone
 * signed two different versions of three reports; the coordinator follows the dashboard's alert to
 * the conflicts screen, reads the versions side by side (the rows that differ marked, each
 * signature checked, the device and the monitor named), decides one by keyboard alone with a
 * reason, is refused plainly when the reason is blank (server 400, nothing changes) and when
 * another coordinator decided meanwhile (409, the other's decision stands), and sees the decisions
 * under "Decided"; then the same in Arabic, right to left, nothing untranslated. axe-core on every
 * state; screenshots conflicts{,-refused,-decided}-{en,ar}.png under test-results/web/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { opsEngine, planOperations, resolveConflict, submitObservation } from '../../src/ops/index.js';
import { deviceFor, SMALL_OP, sighting, smallPlan } from '../support/ops.js';
import { browserSuite, checkScreen } from './support/browser.js';
import { type EvidenceWorld, openEvidenceWorld } from './support/evidence.js';

describe('choosing between conflicting observations in Chromium (issue 17)', browserSuite(), () => {
  let w: EvidenceWorld;
  const now = Date.now();
  const ago = (m: number) => new Date(now - m * 60_000).toISOString();
  /** The three reports sent twice, by client id. */
  const reports = { amb: '', bus17: '', bus18: '' };
  let deviceKeyId = '';
  let ramiId = '';

  before(async () => {
    w = await openEvidenceWorld();
    await w.user('coordinator', 'coord-amal', ['aleppo']);
    ramiId = await w.user('coordinator', 'coord-rami', ['aleppo']);
    const hadi = await w.user('monitor', 'monitor-hadi', ['aleppo']);
    await planOperations(w.s.ctx, smallPlan('aleppo', { activeAt: ago(120) }), 'test');
    const device = await deviceFor(w.s.ctx, hadi);
    deviceKeyId = device.deviceKeyId;
    const send = (wire: ReturnType<typeof sighting>) =>
      submitObservation(w.s.ctx, { userId: hadi, mayObserve: () => true }, device.submission(wire));
    const twice = async (
      wire: ReturnType<typeof sighting>,
      changed: Partial<ReturnType<typeof sighting>>,
    ) => {
      await send(wire);
      const held = await send({ ...wire, ...changed });
      assert.equal(held.status, 'held', `${wire.clientId}: the second version is held`);
      return wire.clientId;
    };
    reports.amb = await twice(
      sighting('veh-amb-03', 'pt-origin', 'departure', 3, 0, { deviceTime: ago(50) }),
      {
        headcount: 4,
        categories: { adults: 2, children: 2, medical: 1, unaccompaniedMinors: 0 },
      },
    );
    await send(sighting('veh-bus-017', 'pt-origin', 'departure', 50, 0, { deviceTime: ago(45) }));
    reports.bus17 = await twice(
      sighting('veh-bus-017', 'pt-ramouseh', 'checkpoint', 50, 0, { deviceTime: ago(30) }),
      {
        headcount: 48,
        categories: { adults: 24, children: 24, medical: 0, unaccompaniedMinors: 0 },
        note: 'two people stayed with the ICRC team',
      },
    );
    reports.bus18 = await twice(
      sighting('veh-bus-018', 'pt-origin', 'departure', 40, 0, { deviceTime: ago(44) }),
      { headcount: 41 },
    );
    await opsEngine(w.s.ctx).sync();
  });
  after(async () => {
    await w?.close();
  });

  const card = (page: Page, clientId: string) =>
    page.locator(`[data-testid="conflict"][data-client-id="${clientId}"]`);
  /** statuses reads the stored bodies of one report: headcount → status. */
  const statuses = async (clientId: string) =>
    (
      await w.s.ctx.db
        .selectFrom('observation')
        .select(['headcount', 'status', 'body_sha256'])
        .where('client_id', '=', clientId)
        .orderBy('seq')
        .execute()
    ).map((r) => ({ headcount: Number(r.headcount), status: r.status, sha: r.body_sha256 }));

  it('from the alert to the versions side by side; decided by keyboard alone; refusals said plainly', async () => {
    const { ctx, page } = await w.signedIn('coord-amal');
    await page.goto(`${w.base}/operations/${SMALL_OP}`);
    const alert = page.locator('li.alert[data-alert-kind="conflicting-reports"]').first();
    await alert.getByRole('link', { name: 'Compare the versions and choose one' }).click();
    await page.waitForURL(`${w.base}/operations/${SMALL_OP}/conflicts`);
    await page
      .getByRole('heading', { name: /^Conflicting reports · Eastern Aleppo evacuation$/, level: 1 })
      .waitFor();
    assert.equal(await page.getByTestId('tab-open').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByTestId('tab-open').textContent(), 'To decide (3)');
    // Grouped by route point, in route order.
    assert.deepEqual(await page.locator('.conflict-group h2').allTextContents(), [
      'At Eastern Aleppo',
      'At Ramouseh',
    ]);

    const amb = card(page, reports.amb);
    const versions = amb.getByTestId('versions');
    await versions.waitFor();
    const row = (name: string) => versions.locator(`tr[data-row="${name}"]`);
    assert.deepEqual(await row('headcount').locator('td').allTextContents(), ['3', '4']);
    assert.match((await row('headcount').locator('th').textContent()) ?? '', /People counted\s*≠ differs/);
    assert.match((await row('medical').locator('th').textContent()) ?? '', /≠ differs/);
    assert.doesNotMatch((await row('point').locator('th').textContent()) ?? '', /differs/, 'same point');
    assert.deepEqual(await row('signature').locator('td').allTextContents(), [
      '✓ verifies with the device’s key',
      '✓ verifies with the device’s key',
    ]);
    assert.deepEqual(await row('vehicles').locator('td').allTextContents(), ['AMB-03', 'AMB-03']);
    assert.match((await amb.locator('dl').textContent()) ?? '', /monitor-hadi.*test phone\s*dk-/s);
    const bus17 = card(page, reports.bus17);
    assert.deepEqual(await bus17.locator('tr[data-row="note"] td').allTextContents(), [
      'none',
      'two people stayed with the ICRC team',
    ]);
    await checkScreen(page, 'conflicts-en');

    // Keyboard alone: the radio group with the arrow keys, the reason, then the button.
    await amb.getByRole('radio', { name: /^Version 1: 3 people/ }).focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    assert.ok(
      await amb.getByRole('radio', { name: /^Version 2: 4 people/ }).isChecked(),
      'arrow moves the choice',
    );
    await page.keyboard.press('Tab');
    await page.keyboard.type('Called the monitor: the second count includes the nurse.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const notice = page.getByTestId('conflict-notice');
    await notice
      .filter({ hasText: `Decision recorded for report ${reports.amb}: Version 2 stands.` })
      .waitFor();
    assert.equal(await notice.getAttribute('data-refused'), 'false');
    assert.deepEqual(
      (await statuses(reports.amb)).map((b) => [b.headcount, b.status]),
      [
        [3, 'set-aside'],
        [4, 'chosen'],
      ],
    );
    assert.equal(await page.getByTestId('tab-open').textContent(), 'To decide (2)');

    // No version chosen: said on the card, nothing sent.
    await bus17.getByRole('button', { name: 'Record the decision' }).click();
    await bus17.getByTestId('decision-refused').filter({ hasText: 'Choose a version, or none.' }).waitFor();
    // A blank reason reaches the server, which refuses it (400): said plainly, nothing changes.
    await bus17.getByRole('radio', { name: /^Version 1:/ }).check();
    await bus17.getByLabel('Reason (recorded with your name)').fill('   ');
    await bus17.getByRole('button', { name: 'Record the decision' }).click();
    await bus17
      .getByTestId('decision-refused')
      .filter({
        hasText:
          'Refused: the reason is empty, or the version chosen is not one of these. Nothing was changed.',
      })
      .waitFor();
    assert.deepEqual(
      (await statuses(reports.bus17)).map((b) => b.status),
      ['held', 'held'],
      'the refused decision changed nothing',
    );
    await checkScreen(page, 'conflicts-refused-en');

    // Another coordinator decides bus 18 while this screen is open: this decision is refused (409).
    const bodies18 = await statuses(reports.bus18);
    await resolveConflict(
      w.s.ctx,
      {
        deviceKeyId,
        clientId: reports.bus18,
        chosenSha256: bodies18[1]!.sha,
        reason: 'Radio check with Ramouseh',
      },
      ramiId,
      () => true,
    );
    const bus18 = card(page, reports.bus18);
    await bus18.getByRole('radio', { name: /^Version 1:/ }).check();
    await bus18.getByLabel('Reason (recorded with your name)').fill('The first count is the manifest’s');
    await bus18.getByRole('button', { name: 'Record the decision' }).click();
    await notice
      .filter({
        hasText: `Refused: another coordinator decided report ${reports.bus18} meanwhile, and nothing was changed.`,
      })
      .waitFor();
    assert.equal(await notice.getAttribute('data-refused'), 'true');
    assert.equal(await notice.getAttribute('role'), 'alert');
    assert.deepEqual(
      (await statuses(reports.bus18)).map((b) => b.status),
      ['set-aside', 'chosen'],
      'the other coordinator’s decision stands',
    );

    // The result: both decisions under "Decided", with who, when and why.
    await page.getByTestId('tab-resolved').click();
    assert.equal(await page.getByTestId('tab-resolved').getAttribute('aria-pressed'), 'true');
    const ambDecided = card(page, reports.amb).getByTestId('decision');
    await ambDecided.waitFor();
    assert.match((await ambDecided.textContent()) ?? '', /Version 2 stands\. Decided by coord-amal on /);
    assert.equal(
      await card(page, reports.amb).getByTestId('decision-reason').textContent(),
      'Called the monitor: the second count includes the nurse.',
    );
    assert.deepEqual(await card(page, reports.amb).locator('tr[data-row="status"] td').allTextContents(), [
      'set aside',
      'stands',
    ]);
    assert.match(
      (await card(page, reports.bus18).getByTestId('decision').textContent()) ?? '',
      /Version 2 stands\. Decided by coord-rami on /,
    );
    await checkScreen(page, 'conflicts-decided-en');
    await ctx.close();
  });

  it('the same screen in Arabic: refused, then decided; right to left, nothing untranslated', async () => {
    const { ctx, page } = await w.signedIn('coord-amal', 'ar-SY');
    await page.goto(`${w.base}/operations/${SMALL_OP}/conflicts`);
    const bus17 = card(page, reports.bus17);
    await bus17.getByTestId('versions').waitFor();
    assert.match((await page.getByTestId('tab-open').textContent()) ?? '', /^بانتظار القرار \((1|١)\)$/);
    await page.getByRole('heading', { name: 'في الراموسة', level: 2 }).waitFor();
    assert.match((await bus17.locator('tr[data-row="headcount"] th').textContent()) ?? '', /≠ مختلف/);
    await checkScreen(page, 'conflicts-ar');

    await bus17.getByRole('radio', { name: /^النسخة (2|٢):/ }).check();
    await bus17.getByLabel('السبب (يُسجَّل مع اسمك)').fill('  ');
    await bus17.getByRole('button', { name: 'سجّل القرار' }).click();
    await bus17.getByTestId('decision-refused').filter({ hasText: 'رُفض: السبب فارغ' }).waitFor();
    assert.deepEqual(
      (await statuses(reports.bus17)).map((b) => b.status),
      ['held', 'held'],
    );
    await checkScreen(page, 'conflicts-refused-ar');

    await bus17.getByRole('radio', { name: 'لا شيء: استبعد كل النسخ' }).check();
    await bus17.getByLabel('السبب (يُسجَّل مع اسمك)').fill('اتصلنا بالمراقب: لا أحد من العددين مؤكد');
    await bus17.getByRole('button', { name: 'سجّل القرار' }).click();
    await page.getByTestId('conflict-notice').filter({ hasText: 'استُبعدت كل النسخ.' }).waitFor();
    assert.deepEqual(
      (await statuses(reports.bus17)).map((b) => b.status),
      ['set-aside', 'set-aside'],
    );
    await page.getByTestId('no-conflicts').filter({ hasText: 'لا تقرير متضاربًا ينتظر قرارًا.' }).waitFor();
    await page.getByTestId('tab-resolved').click();
    await card(page, reports.bus17)
      .getByTestId('decision')
      .filter({ hasText: 'استُبعدت كل النسخ.' })
      .waitFor();
    assert.equal(
      await card(page, reports.bus17).getByTestId('decision-reason').textContent(),
      'اتصلنا بالمراقب: لا أحد من العددين مؤكد',
    );
    await checkScreen(page, 'conflicts-decided-ar');
    await ctx.close();
  });

  it('a monitor has no such screen', async () => {
    const { ctx, page } = await w.signedIn('monitor-hadi');
    await page.goto(`${w.base}/operations/${SMALL_OP}/conflicts`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    const res = await page.request.get(`${w.base}/api/ops/operations/${SMALL_OP}/observation-conflicts`);
    assert.equal(res.status(), 403);
    await ctx.close();
  });
});
