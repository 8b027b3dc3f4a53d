/**
 * Changing an entity from the web app (issue 17): the edit screen over PATCH /api/entities/{id}.
 * An investigator renames a unit, adds its Arabic name, other names and a number attribute, and
 * the change is in the custody log by hash only; a refused field is named with the reason in the
 * page's language (an attribute name the server refuses, a pseudonym equal to the name) and the
 * field is marked invalid; a protected person's identity never reaches an editor without
 * persons:reveal (neither page nor API response), who may change the pseudonym but not lower the
 * protection; an editor who also holds persons:reveal reveals the identity (logged) and changes
 * it; outside the compartment the screen is "not found". English and Arabic, axe-core,
 * screenshots under test-results/web/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { grantRole } from '../../src/access/index.js';
import { createEntity } from '../../src/analysis/index.js';
import {
  assertAccessible,
  assertNoHorizontalOverflow,
  browserSuite,
  captureApi,
  screenshot,
  untranslatedText,
} from './support/browser.js';
import { type EvidenceWorld, openEvidenceWorld } from './support/evidence.js';

const WITNESS = 'witness';
/** The protected person's identity (synthetic): it must never reach a page without persons:reveal. */
const SECRET_NAME = 'Karim Mansour';
const SECRET_NAME_AR = 'كريم منصور';
const ROOT = { id: 'test', read: 'all', write: 'all', reveal: [] } as const;

describe('editing an entity in Chromium (issue 17)', browserSuite(), () => {
  let w: EvidenceWorld;
  let unitId = '';
  let personId = '';
  let protectedId = '';

  const row = async (id: string) =>
    w.s.ctx.db.selectFrom('entity').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const updates = async (id: string) =>
    (await w.s.ctx.db.selectFrom('custody_entry').select('payload').where('kind', '=', 'annotate').execute())
      .map((e) => JSON.parse(e.payload) as { annotation: string; record: string })
      .filter((p) => p.annotation === 'entity-update' && p.record === id);

  before(async () => {
    w = await openEvidenceWorld();
    await w.user('investigator', 'inv-rana', ['general', WITNESS]);
    await w.user('investigator', 'inv-omar', ['general']);
    // Investigating counsel: records analysis and may reveal a protected witness's identity.
    const lina = await w.user('investigator', 'inv-lina', [WITNESS]);
    await grantRole(w.s.ctx, lina, 'legal', WITNESS, { actorId: 'test' });
    unitId = (
      await createEntity(w.s.ctx, ROOT, {
        kind: 'unit',
        name: 'Brigade 46',
        compartment: 'general',
        attributes: { strength: 300 },
      })
    ).id;
    personId = (
      await createEntity(w.s.ctx, ROOT, { kind: 'person', name: 'Fatima Saleh', compartment: 'general' })
    ).id;
    protectedId = (
      await createEntity(w.s.ctx, ROOT, {
        kind: 'person',
        name: SECRET_NAME,
        nameAr: SECRET_NAME_AR,
        protection: 'protected',
        pseudonym: 'W-21',
        compartment: WITNESS,
        attributes: { age: 34 },
      })
    ).id;
  });
  after(async () => {
    await w?.close();
  });

  it('an investigator renames a unit, adds names and an attribute; a refused field says why', async () => {
    const { ctx, page } = await w.signedIn('inv-rana');
    await page.goto(`${w.base}/analysis/entities/${unitId}`);
    await page.getByRole('link', { name: 'Edit this entity' }).click();
    await page.waitForURL(/\/edit$/);
    const form = page.getByTestId('entity-edit');
    assert.equal(await form.getByLabel('Name', { exact: true }).inputValue(), 'Brigade 46');
    assert.equal(await form.getByLabel('Attribute 1: name').inputValue(), 'strength');
    assert.equal(await form.getByLabel('Attribute 1: type').inputValue(), 'number');
    assert.equal(await form.getByLabel('Protection').count(), 0, 'only a person has a protection level');

    await form.getByLabel('Name', { exact: true }).fill('46th Brigade');
    await form.getByLabel('Name in Arabic').fill('اللواء 46');
    await form.getByLabel('Other names').fill('Liwa 46\n\n  46 Bde  \n');
    await form.getByRole('button', { name: 'Add an attribute' }).click();
    // An attribute name the server refuses: named, with the reason, and nothing is stored.
    await form.getByLabel('Attribute 2: name').fill('9th-floor');
    await form.getByLabel('Attribute 2: value').fill('command post');
    await form.getByRole('button', { name: 'Save the changes' }).click();
    const refusal = form.locator('p.error[data-field="attributes"]');
    await refusal.filter({ hasText: /^Attributes: an attribute name starts with a Latin letter/ }).waitFor();
    assert.equal((await row(unitId)).name, 'Brigade 46', 'a refused change stores nothing');
    await assertAccessible(page, 'entity edit refused (en)');
    await screenshot(page, 'analysis-entity-edit-refused-en');

    await form.getByLabel('Attribute 2: name').fill('post');
    await form.getByLabel('Attribute 1: value').fill('350');
    await form.getByRole('button', { name: 'Save the changes' }).click();
    await page.getByTestId('saved').getByText('Saved. The change is recorded in the custody log.').waitFor();
    await page.getByRole('heading', { name: '46th Brigade', level: 1 }).waitFor();
    const r = await row(unitId);
    assert.equal(r.name, '46th Brigade');
    assert.equal(r.name_ar, 'اللواء 46');
    assert.deepEqual(JSON.parse(r.aliases), ['Liwa 46', '46 Bde']);
    assert.deepEqual(JSON.parse(r.attributes), { post: 'command post', strength: 350 });
    const logged = await updates(unitId);
    assert.equal(logged.length, 1, 'one custody entry for the save');
    assert.ok(!JSON.stringify(logged).includes('Brigade'), 'the log holds no name');
    // Reloading the page does not say "saved" again.
    await page.reload();
    await page.getByRole('heading', { name: '46th Brigade', level: 1 }).waitFor();
    assert.equal(await page.getByTestId('saved').count(), 0);

    // Saving with nothing changed sends nothing and says so.
    await page.goto(`${w.base}/analysis/entities/${unitId}/edit`);
    await form.getByRole('button', { name: 'Save the changes' }).click();
    await form.getByText('Nothing has changed, so nothing was saved.').waitFor();
    assert.equal((await updates(unitId)).length, 1);
    await assertAccessible(page, 'entity edit (en)');
    await assertNoHorizontalOverflow(page, 'entity edit (en)');
    await screenshot(page, 'analysis-entity-edit-en');

    // Protecting a person under their own name as pseudonym: refused by the server, the
    // pseudonym field is marked and points at the reason.
    await page.goto(`${w.base}/analysis/entities/${personId}/edit`);
    await form.getByLabel('Protection').selectOption('protected');
    await form.getByLabel('Pseudonym').fill('  fatima   SALEH ');
    await form.getByRole('button', { name: 'Save the changes' }).click();
    await form
      .locator('p.error[data-field="pseudonym"]')
      .filter({ hasText: 'Pseudonym: the pseudonym must not be the person’s name' })
      .waitFor();
    const pseudonym = form.getByLabel('Pseudonym');
    assert.equal(await pseudonym.getAttribute('aria-invalid'), 'true');
    const describedBy = await pseudonym.getAttribute('aria-describedby');
    assert.equal(await form.locator(`[id="${describedBy}"]`).getAttribute('data-field'), 'pseudonym');
    assert.equal((await row(personId)).protection, 'none');
    await pseudonym.fill('W-30');
    await form.getByRole('button', { name: 'Save the changes' }).click();
    await page.getByTestId('saved').waitFor();
    await page.getByRole('heading', { name: 'W-30', level: 1 }).waitFor();
    const p = await row(personId);
    assert.equal(p.protection, 'protected');
    assert.equal(p.name, 'Fatima Saleh', 'protecting keeps the name, withheld from now on');
    await ctx.close();
  });

  it('without persons:reveal the identity never reaches the page; the pseudonym may change, the level not', async () => {
    const { ctx, page } = await w.signedIn('inv-rana');
    const bodies = captureApi(page);
    await page.goto(`${w.base}/analysis/entities/${protectedId}/edit`);
    const form = page.getByTestId('entity-edit');
    await form
      .getByTestId('identity-withheld')
      .getByText(/their name, other names and attributes are withheld/)
      .waitFor();
    assert.equal(await form.getByLabel('Name', { exact: true }).count(), 0);
    assert.equal(await form.getByLabel('Other names').count(), 0);
    assert.equal(await form.getByRole('button', { name: /Reveal/ }).count(), 0);
    const level = form.getByLabel('Protection');
    assert.ok(await level.isDisabled(), 'the level is locked');
    await form
      .getByText('Lowering the protection of a protected person needs the right to reveal identities.')
      .waitFor();
    await assertAccessible(page, 'entity edit withheld (en)');
    await screenshot(page, 'analysis-entity-edit-withheld-en');
    await form.getByLabel('Pseudonym').fill('W-22');
    await form.getByRole('button', { name: 'Save the changes' }).click();
    await page.getByRole('heading', { name: 'W-22', level: 1 }).waitFor();
    const r = await row(protectedId);
    assert.equal(r.pseudonym, 'W-22');
    assert.equal(r.name, SECRET_NAME, 'the withheld identity is untouched');
    assert.equal(r.name_ar, SECRET_NAME_AR);
    assert.deepEqual(JSON.parse(r.attributes), { age: 34 });
    assert.equal(r.protection, 'protected');
    for (const secret of [SECRET_NAME, SECRET_NAME_AR]) {
      assert.ok(!(await page.content()).includes(secret), `the page shows ${secret}`);
      assert.deepEqual(
        bodies.filter((b) => b.includes(secret)),
        [],
        `an API response carried ${secret}`,
      );
    }
    assert.ok(bodies.length >= 3, `responses captured: ${bodies.length}`);
    await ctx.close();

    // Outside the compartment the edit screen finds nothing, as the entity page does.
    const omar = await w.signedIn('inv-omar');
    await omar.page.goto(`${w.base}/analysis/entities/${protectedId}/edit`);
    await omar.page.getByRole('heading', { name: 'Not found' }).waitFor();
    await omar.ctx.close();
  });

  it('an editor holding persons:reveal reveals the identity (logged) and changes it', async () => {
    const { ctx, page } = await w.signedIn('inv-lina');
    await page.goto(`${w.base}/analysis/entities/${protectedId}/edit`);
    const form = page.getByTestId('entity-edit');
    assert.ok(!(await page.content()).includes(SECRET_NAME), 'not before asking');
    assert.ok(!(await form.getByLabel('Protection').isDisabled()));
    await form.getByRole('button', { name: 'Reveal the identity to edit it' }).click();
    const name = form.getByLabel('Name', { exact: true });
    await name.waitFor();
    assert.equal(await name.inputValue(), SECRET_NAME);
    assert.equal(await form.getByLabel('Name in Arabic').inputValue(), SECRET_NAME_AR);
    assert.equal(await form.getByLabel('Attribute 1: value').inputValue(), '34');
    const views = await w.s.ctx.db
      .selectFrom('custody_entry')
      .select('payload')
      .where('kind', '=', 'view')
      .execute();
    assert.ok(views.some((v) => v.payload.includes(protectedId) && v.payload.includes('identity')));
    await form.getByLabel('Name in Arabic').fill('كريم منصور الحلبي');
    await form.getByRole('button', { name: 'Save the changes' }).click();
    await page.getByTestId('saved').waitFor();
    // The reply to a save is a read like any other: the identity is withheld again.
    await page.getByRole('heading', { name: 'W-22', level: 1 }).waitFor();
    assert.equal((await row(protectedId)).name_ar, 'كريم منصور الحلبي');
    assert.equal((await row(protectedId)).name, SECRET_NAME);
    await ctx.close();
  });

  it('the edit screen in Arabic: a refusal in Arabic, nothing untranslated, accessible', async () => {
    const { ctx, page } = await w.signedIn('inv-rana', 'ar-SY');
    await page.goto(`${w.base}/analysis/entities/${unitId}/edit`);
    const form = page.getByTestId('entity-edit');
    await form.getByRole('button', { name: 'حفظ التغييرات' }).waitFor();
    assert.equal(await page.evaluate('getComputedStyle(document.body).direction'), 'rtl');
    assert.deepEqual(await untranslatedText(page), [], 'untranslated text on the edit screen');
    await assertAccessible(page, 'entity edit (ar)');
    await assertNoHorizontalOverflow(page, 'entity edit (ar)');
    await screenshot(page, 'analysis-entity-edit-ar');
    await form.getByLabel('الاسم', { exact: true }).fill('   ');
    await form.getByRole('button', { name: 'حفظ التغييرات' }).click();
    // The browser lets a blank-but-not-empty name through; the server refuses it in the page's words.
    await form.locator('p.error[data-field="name"]').filter({ hasText: 'الاسم: هذا الحقل مطلوب.' }).waitFor();
    assert.deepEqual(await untranslatedText(page), [], 'untranslated text in the refusal');
    await assertAccessible(page, 'entity edit refused (ar)');
    await screenshot(page, 'analysis-entity-edit-refused-ar');
    await page.goto(`${w.base}/analysis/entities/${protectedId}/edit`);
    await form.getByTestId('identity-withheld').waitFor();
    assert.deepEqual(await untranslatedText(page), [], 'untranslated text on the withheld edit screen');
    await assertAccessible(page, 'entity edit withheld (ar)');
    await screenshot(page, 'analysis-entity-edit-withheld-ar');
    await ctx.close();
  });
});
