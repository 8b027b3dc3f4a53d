/**
 * An upload that fails for good, in Chromium (issue 17, audit item 2): on a server that accepts
 * at most 3 MiB per item and 2 MiB of open uploads per user, a 3.5 MiB file is refused (413), a
 * 2.5 MiB file is refused by the quota (429), and a photo whose connection never gets through
 * exhausts its retries. Each row says why in words, with the server's own sentence beside it, and
 * offers Retry and Remove; Remove drops the row, Retry of the photo once the network is back puts
 * it in the vault, Retry of the quota file is refused again, plainly. English and Arabic, axe-core,
 * screenshots upload-failed-{en,ar}.png.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSuite, checkScreen } from './support/browser.js';
import { type EvidenceWorld, openEvidenceWorld } from './support/evidence.js';
import { jpeg } from './support/evidence-files.js';

const MiB = 1024 * 1024;

describe('an upload that fails for good, in Chromium (issue 17)', browserSuite(), () => {
  let w: EvidenceWorld;

  before(async () => {
    w = await openEvidenceWorld({
      ATTEST_MAX_ITEM_BYTES: String(3 * MiB),
      ATTEST_UPLOAD_MAX_OPEN_BYTES: String(2 * MiB),
    });
    await w.user('investigator', 'inv-layla');
  });
  after(async () => {
    await w?.close();
  });

  const row = (page: Page, name: string) => page.locator(`li[data-file="${name}"]`);
  /** items lists the originals in the vault (not what intake derives from them). */
  const items = async () =>
    (
      await w.s.ctx.db
        .selectFrom('item')
        .select('original_name')
        .where('parent_item_id', 'is', null)
        .execute()
    ).map((r) => r.original_name);

  it('says per file why it failed, with Retry and Remove; Retry sends it once the network is back', async () => {
    const { ctx, page } = await w.signedIn('inv-layla');
    await page.goto(`${w.base}/evidence/upload`);
    await page.getByLabel('Source (who or what gave the files)').fill('synthetic field team 3');
    await page.getByLabel('Collected at').fill('2016-12-18T10:45');
    await page.getByLabel('Place of collection').fill('Ramouseh');
    await page.keyboard.press('Escape');
    // The photo's creation never reaches the server: the connection is refused every time.
    const photoName = Buffer.from('photo.jpg').toString('base64');
    let refusedPosts = 0;
    await page.route('**/api/uploads', async (route) => {
      const meta = route.request().headers()['upload-metadata'] ?? '';
      if (route.request().method() === 'POST' && meta.includes(`filename ${photoName}`)) {
        refusedPosts++;
        return route.abort('connectionrefused');
      }
      return route.continue();
    });
    await page.locator('input[type="file"]').setInputFiles(
      [
        { name: 'too-big.bin', mimeType: 'application/octet-stream', buffer: randomBytes(3.5 * MiB) },
        { name: 'over-quota.bin', mimeType: 'application/octet-stream', buffer: randomBytes(2.5 * MiB) },
        { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: await jpeg('#335577') },
      ],
      { timeout: 180_000 },
    );
    await page.getByRole('button', { name: 'Upload the files (3)' }).click();

    const reason = (name: string) => row(page, name).getByTestId('upload-failure').locator('[data-reason]');
    await row(page, 'too-big.bin').locator('[data-reason="tooLarge"]').waitFor({ timeout: 60_000 });
    assert.equal(
      await reason('too-big.bin').textContent(),
      'Refused: the file is larger than this server accepts for one item.',
    );
    assert.match(
      (await row(page, 'too-big.bin').getByTestId('upload-failure').textContent()) ?? '',
      /The server said: over the item limit of 3145728 bytes/,
    );
    await row(page, 'over-quota.bin').locator('[data-reason="quota"]').waitFor({ timeout: 60_000 });
    assert.match(
      (await reason('over-quota.bin').textContent()) ?? '',
      /^Refused for now: your uploads in progress/,
    );
    // Six tries with back-off (tus-js-client's retryDelays), then the row says the connection stayed down.
    await row(page, 'photo.jpg').locator('[data-reason="connection"]').waitFor({ timeout: 180_000 });
    assert.ok(refusedPosts >= 2, `the photo was retried before giving up: ${refusedPosts} attempts`);
    assert.match((await reason('photo.jpg').textContent()) ?? '', /^Not sent: the connection stayed down/);
    for (const name of ['too-big.bin', 'over-quota.bin', 'photo.jpg']) {
      assert.equal(await row(page, name).getAttribute('data-state'), 'failed', name);
      assert.equal(await row(page, name).locator('.badge').textContent(), 'Not sent', name);
      await row(page, name).getByRole('button', { name: 'Retry' }).waitFor();
      await row(page, name).getByRole('button', { name: 'Remove' }).waitFor();
    }
    assert.deepEqual(await items(), [], 'nothing entered the vault');
    await checkScreen(page, 'upload-failed-en');

    // Remove drops the row.
    await row(page, 'too-big.bin').getByRole('button', { name: 'Remove' }).click();
    await row(page, 'too-big.bin').waitFor({ state: 'detached' });
    // Retry, the network back: the photo goes up and through intake.
    await page.unroute('**/api/uploads');
    await row(page, 'photo.jpg').getByRole('button', { name: 'Retry' }).click();
    await page.locator('li[data-file="photo.jpg"][data-state="sent"]').waitFor({ timeout: 90_000 });
    assert.equal(
      await row(page, 'photo.jpg').getByTestId('upload-failure').count(),
      0,
      'the failure is gone',
    );
    assert.deepEqual(await items(), ['photo.jpg']);
    // Retry of the file over quota is refused again, and says so again.
    await row(page, 'over-quota.bin').getByRole('button', { name: 'Retry' }).click();
    await row(page, 'over-quota.bin').locator('[data-reason="quota"]').waitFor({ timeout: 60_000 });
    assert.equal(await row(page, 'over-quota.bin').getAttribute('data-state'), 'failed');
    await ctx.close();
  });

  it('the same failure in Arabic, in words, nothing untranslated', async () => {
    const { ctx, page } = await w.signedIn('inv-layla', 'ar-SY');
    await page.goto(`${w.base}/evidence/upload`);
    await page.getByLabel('المصدر (من أو ما الذي قدّم الملفات)').fill('فريق ميداني 3');
    await page.getByLabel('وقت الجمع').fill('2016-12-18T10:45');
    await page.getByLabel('مكان الجمع').fill('الراموسة');
    await page.keyboard.press('Escape');
    await page
      .locator('input[type="file"]')
      .setInputFiles(
        [{ name: 'كبير-جدا.bin', mimeType: 'application/octet-stream', buffer: randomBytes(3.5 * MiB) }],
        {
          timeout: 180_000,
        },
      );
    await page.getByRole('button', { name: 'رفع الملفات (1)' }).click();
    const failed = row(page, 'كبير-جدا.bin');
    await failed.locator('[data-reason="tooLarge"]').waitFor({ timeout: 60_000 });
    assert.equal(
      await failed.locator('[data-reason]').textContent(),
      'مرفوض: الملف أكبر مما يقبله هذا الخادم لمادة واحدة.',
    );
    await failed.getByRole('button', { name: 'أعد المحاولة' }).waitFor();
    await failed.getByRole('button', { name: 'إزالة' }).waitFor();
    await checkScreen(page, 'upload-failed-ar');
    await ctx.close();
  });
});
