/**
 * Adding evidence in Chromium (issue 17): the provenance form is required before anything is
 * sent; a photo dropped onto the page and a PDF chosen with the file picker go up as tus uploads
 * with their progress, then their intake is followed to "Done"; a large file whose connection
 * drops mid-way (the browser goes offline, a PATCH is cut) resumes from the server's offset and
 * ends as one item with the right SHA-256; the provenance (source, UTC time, place with its
 * P-code, collector, compartment) is what the item carries. Arabic, axe-core, screenshots.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import {
  assertAccessible,
  assertNoHorizontalOverflow,
  browserSuite,
  screenshot,
  untranslatedText,
} from './support/browser.js';
import { type EvidenceWorld, openEvidenceWorld } from './support/evidence.js';
import { arabicPdf, jpeg } from './support/evidence-files.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('adding evidence in Chromium (issue 17)', browserSuite(), () => {
  let w: EvidenceWorld;
  let ctx: BrowserContext;
  let page: Page;

  before(async () => {
    w = await openEvidenceWorld();
    await w.user('investigator', 'inv-layla');
    ({ ctx, page } = await w.signedIn('inv-layla'));
  });
  after(async () => {
    await ctx?.close();
    await w?.close();
  });

  async function fillProvenance(p: Page): Promise<void> {
    await p.getByLabel('Source (who or what gave the files)').fill('synthetic field team 3');
    await p.getByLabel('Collected at').fill('2016-12-18T10:45');
    await p.getByLabel('Place of collection').fill('Ramouseh');
    // Leave the place field, closing its list of gazetteer suggestions.
    await p.keyboard.press('Escape');
    await p.getByLabel('Collected by').focus();
  }

  it('asks for the provenance first; a dropped photo and a chosen PDF go up and through intake', async () => {
    await page.getByRole('link', { name: 'Add evidence' }).click();
    await page.getByRole('heading', { name: 'Add evidence', level: 1 }).waitFor();
    // Drop the photo onto the page (a real drop event with a DataTransfer holding the file).
    const photo = await jpeg();
    const transfer = await page.evaluateHandle(
      ([b64]) => {
        const dt = new (
          globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } } }
        ).DataTransfer();
        const bytes = Uint8Array.from(atob(b64 as string), (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes], 'bus-017.jpg', { type: 'image/jpeg' }));
        return dt;
      },
      [photo.toString('base64')],
    );
    await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: transfer });
    await page.locator('input[type="file"]').setInputFiles({
      name: 'تقرير-القافلة.pdf',
      mimeType: 'application/pdf',
      buffer: await arabicPdf(),
    });
    const rows = page.getByTestId('uploads').locator(':scope > li');
    assert.equal(await rows.count(), 2);
    await page.getByRole('button', { name: 'Upload the files (2)' }).click();
    await page.getByText('Say where the files come from (the source).').waitFor();
    assert.equal(
      (await rows.locator('[data-state="ready"]').count()) +
        (await page.locator('li[data-state="ready"]').count()),
      2,
    );
    await fillProvenance(page);
    await page
      .getByText('Gazetteer unit:')
      .waitFor({ timeout: 10_000 })
      .catch(() => undefined);
    await assertAccessible(page, 'upload form (en)');
    await screenshot(page, 'upload-ready-en');
    await page.getByRole('button', { name: 'Upload the files (2)' }).click();
    for (const name of ['bus-017.jpg', 'تقرير-القافلة.pdf']) {
      const row = page.locator(`li[data-file="${name}"]`);
      await row
        .locator('.job-progress[data-state="done"]')
        .waitFor({ timeout: 90_000 })
        .catch(async (err) => {
          await screenshot(page, 'upload-failed-debug');
          throw err;
        });
    }
    await assertAccessible(page, 'upload done (en)');
    await screenshot(page, 'upload-done-en');
    const pdfErn = await page.locator('li[data-file="تقرير-القافلة.pdf"]').getAttribute('data-ern');
    const item = await w.s.ctx.db
      .selectFrom('item')
      .selectAll()
      .where('ern', '=', pdfErn!)
      .executeTakeFirstOrThrow();
    assert.equal(item.source, 'synthetic field team 3');
    assert.equal(item.collected_by, 'inv-layla', 'the collector defaults to the signed-in user');
    assert.equal(item.collected_at, '2016-12-18T10:45:00.000Z', 'the browser runs in UTC here');
    assert.equal(item.compartment, 'general');
    assert.equal(item.original_name, 'تقرير-القافلة.pdf');
    assert.equal(JSON.parse(item.metadata).collectionPlace, 'Ramouseh');
  });

  it('a large upload survives a dropped connection and resumes from the server offset', async () => {
    await page.reload();
    await fillProvenance(page);
    const big = randomBytes(7 * 1024 * 1024 + 123);
    let patches = 0;
    let heads = 0;
    page.on('request', (r) => {
      if (r.url().includes('/api/uploads/') && r.method() === 'HEAD') heads++;
    });
    await page.route('**/api/uploads/*', async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      patches++;
      if (patches === 2) {
        // The network goes away in the middle of the second chunk, and comes back 2 s later.
        await ctx.setOffline(true);
        setTimeout(() => void ctx.setOffline(false), 2000);
        return route.abort('internetdisconnected');
      }
      return route.continue();
    });
    // 7 MiB through the DevTools protocol: past Playwright's 30 s default on a loaded machine.
    await page
      .locator('input[type="file"]')
      .setInputFiles(
        { name: 'long-video.bin', mimeType: 'application/octet-stream', buffer: big },
        { timeout: 180_000 },
      );
    await page.getByRole('button', { name: 'Upload the files (1)' }).click();
    const row = page.locator('li[data-file="long-video.bin"]');
    await row.locator('[data-state]').first().waitFor();
    await page.locator('li[data-file="long-video.bin"][data-state="sent"]').waitFor({ timeout: 90_000 });
    await page.unroute('**/api/uploads/*');
    assert.ok(heads >= 1, `resumed by asking the server's offset (HEAD): got ${heads} HEAD requests`);
    const ern = await row.getAttribute('data-ern');
    const item = await w.s.ctx.db
      .selectFrom('item')
      .selectAll()
      .where('ern', '=', ern!)
      .executeTakeFirstOrThrow();
    assert.equal(item.blob_sha256, sha(big), 'the bytes arrived whole and unchanged');
    const same = await w.s.ctx.db
      .selectFrom('item')
      .select('ern')
      .where('blob_sha256', '=', sha(big))
      .execute();
    assert.equal(same.length, 1, 'one item, not two');
  });

  it('the upload screen in Arabic', async () => {
    const ar = await w.signedIn('inv-layla', 'ar-SY');
    await ar.page.goto(`${w.base}/evidence/upload`);
    await ar.page.getByRole('heading', { name: 'إضافة أدلة', level: 1 }).waitFor();
    await ar.page.locator('input[type="file"]').setInputFiles({
      name: 'photo.jpg',
      mimeType: 'image/jpeg',
      buffer: await jpeg('#995577'),
    });
    assert.deepEqual(await untranslatedText(ar.page), [], 'untranslated text on the Arabic upload screen');
    await assertAccessible(ar.page, 'upload (ar)');
    await screenshot(ar.page, 'upload-ready-ar');
    // Through to the end in Arabic: provenance, upload, intake done.
    await ar.page.getByLabel('المصدر (من أو ما الذي قدّم الملفات)').fill('فريق ميداني 3');
    await ar.page.getByLabel('وقت الجمع').fill('2016-12-18T10:45');
    await ar.page.getByLabel('مكان الجمع').fill('الراموسة');
    await ar.page.keyboard.press('Escape');
    await ar.page.getByRole('button', { name: 'رفع الملفات (1)' }).click();
    await ar.page
      .locator('li[data-file="photo.jpg"] .job-progress[data-state="done"]')
      .waitFor({ timeout: 90_000 });
    assert.deepEqual(await untranslatedText(ar.page), [], 'untranslated text once the upload is done (ar)');
    await assertAccessible(ar.page, 'upload done (ar)');
    await assertNoHorizontalOverflow(ar.page, 'upload done (ar)');
    await screenshot(ar.page, 'upload-done-ar');
    await ar.ctx.close();
  });
});
