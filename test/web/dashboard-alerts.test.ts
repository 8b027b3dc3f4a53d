/**
 * The dashboard's alerts in Chromium (issue 17): real alerts raised by reconciliation — a device
 * that sent two different signed reports under one id (conflicting-reports), a route point with
 * vehicles due and no report (point-not-reporting), an operation whose monitors have all gone
 * quiet past the stall limit (operation-no-news), beside people unaccounted for and a convoy
 * turned back — each under its own title with its facts in a sentence (point, vehicles awaited,
 * how long, reports), never "Other alert" nor the server's English summary; in English and in
 * Arabic (nothing untranslated, right to left), axe-core, screenshots under test-results/web/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { opsEngine, planOperations, submitObservation } from '../../src/ops/index.js';
import { deviceFor, SMALL_OP, sighting, smallPlan } from '../support/ops.js';
import {
  assertAccessible,
  assertNoHorizontalOverflow,
  browserSuite,
  checkScreen,
  screenshot,
} from './support/browser.js';
import { type EvidenceWorld, openEvidenceWorld } from './support/evidence.js';

const QUIET_OP = 'op-quiet-road';

/** quietPlan is the small operation again under other ids: a road whose monitors fell silent. */
function quietPlan(activeAt: string) {
  const plan = smallPlan('aleppo', { activeAt });
  const op = plan.operations[0]!;
  return {
    mandates: [],
    operations: [
      {
        ...op,
        id: QUIET_OP,
        name: 'Quiet road',
        nameAr: 'الطريق الهادئ',
        mandateIds: [],
        route: op.route.map((p) => ({ ...p, id: p.id.replace('pt-', 'q-') })),
      },
    ],
    convoys: [{ id: 'q-convoy', operationId: QUIET_OP, label: 'Convoy Q' }],
    vehicles: ['Q-BUS-1', 'Q-BUS-2'].map((marking, i) => ({
      id: `q-bus-${i + 1}`,
      operationId: QUIET_OP,
      convoyId: 'q-convoy',
      kind: 'bus' as const,
      marking,
      capacity: 60,
    })),
    manifests: [],
  };
}

describe('the dashboard’s alerts in Chromium (issue 17)', browserSuite(), () => {
  let w: EvidenceWorld;
  const now = Date.now();
  const ago = (m: number) => new Date(now - m * 60_000).toISOString();

  before(async () => {
    w = await openEvidenceWorld();
    await w.user('coordinator', 'coord-amal', ['aleppo']);
    await planOperations(w.s.ctx, smallPlan('aleppo', { activeAt: ago(300) }), 'test');
    await planOperations(w.s.ctx, quietPlan(ago(300)), 'test');
    const device = await deviceFor(w.s.ctx, 'monitor-hadi');
    const who = { userId: 'monitor-hadi', mayObserve: () => true };
    const send = (wire: ReturnType<typeof sighting>) =>
      submitObservation(w.s.ctx, who, device.submission(wire));
    // The quiet road: two buses leave, received four hours ago, and nothing since.
    w.s.setTime(ago(240));
    for (const id of ['q-bus-1', 'q-bus-2'])
      await send(
        sighting(id, 'q-origin', 'departure', 44, 0, { deviceTime: ago(245), operationId: QUIET_OP }),
      );
    w.s.setTime(new Date(now).toISOString());
    // Eastern Aleppo: 8 people fewer between the checkpoints, a bus turned back, and one report
    // sent twice from one phone with a different headcount.
    for (const wire of [
      sighting('veh-bus-017', 'pt-origin', 'departure', 50, 0, { deviceTime: ago(40) }),
      sighting('veh-bus-018', 'pt-origin', 'departure', 40, 0, { deviceTime: ago(40) }),
      sighting('veh-bus-017', 'pt-ramouseh', 'checkpoint', 50, 0, { deviceTime: ago(30) }),
      sighting('veh-bus-018', 'pt-ramouseh', 'turned-back', 40, 0, { deviceTime: ago(28) }),
      sighting('veh-bus-017', 'pt-rashideen', 'checkpoint', 42, 0, { deviceTime: ago(5) }),
    ])
      await send(wire);
    const twice = sighting('veh-amb-03', 'pt-origin', 'departure', 3, 0, { deviceTime: ago(20) });
    await send(twice);
    await send({ ...twice, headcount: 4 });
    await opsEngine(w.s.ctx).sync();
  });
  after(async () => {
    await w?.close();
  });

  /** alert is the dashboard's entry for one alert kind. */
  const alert = (page: Page, kind: string) => page.locator(`li.alert[data-alert-kind="${kind}"]`);

  it('each alert has its own title and its facts in English', async () => {
    const { ctx, page } = await w.signedIn('coord-amal');
    await page.goto(`${w.base}/operations/${QUIET_OP}`);
    const silent = alert(page, 'point-not-reporting');
    await silent.locator('strong', { hasText: 'Route point not reporting' }).waitFor();
    assert.match(
      (await silent.getByTestId('alert-text').textContent()) ?? '',
      /^Vehicles awaited at Ramouseh since .+ \(\d+ (minutes|hours)\): 2 vehicles, Q-BUS-1, Q-BUS-2; nothing reported from the point yet\.$/,
    );
    const quiet = alert(page, 'operation-no-news');
    await quiet.locator('strong', { hasText: 'No news from any monitor' }).waitFor();
    assert.match(
      (await quiet.getByTestId('alert-text').textContent()) ?? '',
      /^No report from any monitor since .+ \(4 hours\); a warning after 180 min of moving time without news, critical after 360 min\.$/,
    );
    assert.equal(await page.getByText('Other alert').count(), 0);
    await assertAccessible(page, 'dashboard quiet road (en)');
    await screenshot(page, 'dashboard-alerts-no-news-en');

    await page.goto(`${w.base}/operations/${SMALL_OP}`);
    const conflict = alert(page, 'conflicting-reports');
    await conflict.locator('strong', { hasText: 'Conflicting reports from one device' }).waitFor();
    assert.match(
      (await conflict.getByTestId('alert-text').textContent()) ?? '',
      /^One device \(dk-[0-9a-f]{8}\) sent 2 different signed reports under one report id \(obs-[\w-]+\); none of them counts until a coordinator chooses\.$/,
    );
    await alert(page, 'people-unaccounted')
      .locator('strong', { hasText: 'People unaccounted for' })
      .waitFor();
    await alert(page, 'convoy-turned-back').locator('strong', { hasText: 'Convoy turned back' }).waitFor();
    assert.equal(await page.getByText('Other alert').count(), 0);
    await assertAccessible(page, 'dashboard alerts (en)');
    await assertNoHorizontalOverflow(page, 'dashboard alerts (en)');
    await screenshot(page, 'dashboard-alerts-en');
    await ctx.close();
  });

  it('the same alerts in Arabic: titled, told, nothing untranslated', async () => {
    const { ctx, page } = await w.signedIn('coord-amal', 'ar-SY');
    for (const [op, name, kinds] of [
      [QUIET_OP, 'dashboard-alerts-no-news-ar', ['point-not-reporting', 'operation-no-news']],
      [SMALL_OP, 'dashboard-alerts-ar', ['conflicting-reports', 'people-unaccounted', 'convoy-turned-back']],
    ] as const) {
      await page.goto(`${w.base}/operations/${op}`);
      for (const kind of kinds) await alert(page, kind).getByTestId('alert-text').waitFor();
      assert.equal(await page.getByText('تنبيه آخر').count(), 0, 'no "Other alert"');
      await checkScreen(page, name);
    }
    assert.match(
      (await alert(page, 'conflicting-reports').locator('strong').textContent()) ?? '',
      /^تقارير متضاربة من جهاز واحد$/,
    );
    await page.goto(`${w.base}/operations/${QUIET_OP}`);
    // Subjects by their Arabic names (the server's subjectLabel is the recorded English one).
    await page.locator('[data-subject="route-point:q-ramouseh"] strong', { hasText: 'الراموسة' }).waitFor();
    await alert(page, 'point-not-reporting').getByText('الموضوع: الراموسة').waitFor();
    await alert(page, 'operation-no-news').getByText('الموضوع: الطريق الهادئ').waitFor();
    assert.match(
      (await alert(page, 'point-not-reporting').getByTestId('alert-text').textContent()) ?? '',
      /^مركبات منتظرة في الراموسة منذ .+: .+، Q-BUS-1, Q-BUS-2؛ لم يصل من النقطة أي تقرير بعد\.$/,
    );
    await ctx.close();
  });

  it('the stale state when the live stream is down, in Arabic as in English', async () => {
    for (const [locale, name] of [
      ['en-GB', 'dashboard-stale-en'],
      ['ar-SY', 'dashboard-stale-ar'],
    ] as const) {
      const { ctx, page } = await w.signedIn('coord-amal', locale);
      await page.goto(`${w.base}/operations/${SMALL_OP}`);
      await alert(page, 'conflicting-reports').waitFor();
      await ctx.setOffline(true);
      w.app.server.closeAllConnections();
      await page.getByTestId('stale').waitFor({ timeout: 30_000 });
      assert.equal(await page.locator('[data-stale="down"].figures.stale').count(), 1, 'figures greyed');
      await checkScreen(page, name);
      await ctx.close();
    }
  });
});
