/**
 * Exercise mode in the browser (issue 13.8): a training operation is marked on every screen that
 * shows it — the operations list (a tag on its card), its dashboard (the striped banner) and the
 * monitor app while it is the operation being recorded against (the banner, and a tag in the
 * operation picker) — and a real operation is never marked, in English and in Arabic. Debian's
 * Chromium against a real server (test/web/support/field.ts), an exercise planned beside the real
 * operation the way `attest demo --live` plans one (`exercise: true`, its own ids).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { type OperationPlan, planOperations } from '../../src/ops/index.js';
import { ar } from '../../web/src/i18n/ar.js';
import { en } from '../../web/src/i18n/en.js';
import { SMALL_OP, smallPlan } from '../support/ops.js';
import { browserSuite, screenshot } from './support/browser.js';
import { type Field, type Lang, startField } from './support/field.js';

const EXERCISE_OP = `${SMALL_OP}-x1`;
const WORDS = { en: en.exercise, ar: ar.exercise } as const;

/** exercisePlan is the small operation again as an exercise: fresh ids, `exercise: true`. */
function exercisePlan(activeAt: string): OperationPlan {
  const plan = smallPlan('aleppo', { activeAt });
  const x = (id: string) => `${id}-x1`;
  return {
    mandates: [],
    operations: plan.operations.map((op) => ({
      ...op,
      id: EXERCISE_OP,
      name: `EXERCISE · ${op.name}`,
      ...(op.nameAr ? { nameAr: `تمرين · ${op.nameAr}` } : {}),
      exercise: true,
    })),
    convoys: plan.convoys.map((c) => ({ ...c, id: x(c.id), operationId: EXERCISE_OP })),
    vehicles: plan.vehicles.map((v) => ({
      ...v,
      id: x(v.id),
      operationId: EXERCISE_OP,
      marking: `X-${v.marking}`,
      ...(v.convoyId ? { convoyId: x(v.convoyId) } : {}),
    })),
    manifests: [],
  };
}

const SUITE =
  'exercise mode is marked on every screen of an exercise, never on a real operation (issue 13.8)';

describe(SUITE, browserSuite(), () => {
  let field: Field;

  before(async () => {
    field = await startField();
    await planOperations(field.s.ctx, exercisePlan(new Date(Date.now() - 60 * 60_000).toISOString()), 'test');
  });
  after(async () => {
    await field?.close();
  });

  /** bannerText waits for the screen to be drawn (`ready`) and returns the banners' texts. */
  async function banners(page: Page, ready: string): Promise<string[]> {
    await page.locator(ready).first().waitFor();
    return page.getByTestId('exercise-banner').allInnerTexts();
  }

  for (const lang of ['en', 'ar'] as const satisfies readonly Lang[]) {
    const words = WORDS[lang];

    it(`operations list (${lang}): the exercise's card carries the tag, the real one does not`, async () => {
      const page = await field.open('coord-amal', lang, 1280);
      await page.goto(`${field.base}/operations`);
      const cards = page.locator('ul.cards > li.card');
      await cards.first().waitFor();
      const exercise = cards.filter({ has: page.locator(`a[href="/operations/${EXERCISE_OP}"]`) });
      const real = cards.filter({ has: page.locator(`a[href="/operations/${SMALL_OP}"]`) });
      assert.equal(await exercise.count(), 1);
      assert.equal(await real.count(), 1);
      assert.equal((await exercise.getByTestId('exercise-tag').innerText()).trim(), words.banner);
      assert.equal(await real.getByTestId('exercise-tag').count(), 0, 'a real operation is never tagged');
      assert.equal(await page.getByTestId('exercise-tag').count(), 1);
      await screenshot(page, `exercise-operations-${lang}-1280`);
      await page.context().close();
    });

    it(`dashboard (${lang}): the exercise's shows the banner in ${lang}, the real one none`, async () => {
      const page = await field.open('coord-amal', lang, 1280);
      await page.goto(`${field.base}/operations/${EXERCISE_OP}`);
      const shown = await banners(page, '[data-testid="totals"]');
      assert.equal(shown.length, 1, `one banner, got ${shown.length}`);
      assert.ok(shown[0]!.includes(words.banner) && shown[0]!.includes(words.explain), shown[0]);
      // The banner comes first on the screen: nothing of the exercise is seen before it.
      const order = (await page.evaluate(
        `[document.querySelector('[data-testid="exercise-banner"]').getBoundingClientRect().top,
          document.querySelector('[data-testid="totals"]').getBoundingClientRect().top]`,
      )) as number[];
      assert.ok(order[0]! < order[1]!, `banner above the totals: ${order}`);
      await screenshot(page, `exercise-dashboard-${lang}-1280`);

      await page.goto(`${field.base}/operations/${SMALL_OP}`);
      assert.deepEqual(await banners(page, '[data-testid="totals"]'), [], 'no banner on a real operation');
      await page.context().close();
    });

    it(`monitor app (${lang}, phone): the banner while recording against the exercise, not the real operation`, async () => {
      const page = await field.open('monitor-omar', lang, 360);
      await page.goto(`${field.base}/monitor`);
      const picker = page.locator('main.monitor select').first();
      await picker.waitFor();
      // The picker names the exercise as one, in the screen's language.
      const exerciseOption = picker.locator(`option[value="${EXERCISE_OP}"]`);
      assert.ok((await exerciseOption.innerText()).includes(`(${words.tag})`));
      assert.ok(
        !(await picker.locator(`option[value="${SMALL_OP}"]`).innerText()).includes(`(${words.tag})`),
      );

      await picker.selectOption(EXERCISE_OP);
      await page.getByTestId('exercise-banner').waitFor();
      const shown = await page.getByTestId('exercise-banner').allInnerTexts();
      assert.equal(shown.length, 1);
      assert.ok(shown[0]!.includes(words.banner) && shown[0]!.includes(words.explain), shown[0]);
      await screenshot(page, `exercise-monitor-${lang}-360`);

      await picker.selectOption(SMALL_OP);
      await page.getByTestId('exercise-banner').waitFor({ state: 'detached' });
      // Drawn for the real operation (its vehicles are offered), and still no banner.
      await page.locator('main.monitor form').first().waitFor();
      assert.equal(await page.getByTestId('exercise-banner').count(), 0, 'no banner on a real operation');
      await page.context().close();
    });
  }
});
