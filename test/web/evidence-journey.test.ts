/**
 * The investigator's journey of issue 17, in Chromium against a real server and job worker:
 * upload a PDF and a photo, wait for intake, find the PDF by an Arabic word written with another
 * alef form (اسعاف for إسعاف), open it, and verify its custody entry in the browser. Then the
 * wall: an investigator outside the witness-protection compartment runs the same search and sees
 * neither the protected statement nor any count or facet that betrays it, and its page is "not
 * found". The search screen in Arabic; saved searches; axe-core; screenshots.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { addContent } from '../../src/vault/index.js';
import {
  assertAccessible,
  assertNoHorizontalOverflow,
  browserSuite,
  checkScreen,
  screenshot,
  untranslatedText,
} from './support/browser.js';
import { type EvidenceWorld, openEvidenceWorld } from './support/evidence.js';
import { arabicPdf, jpeg } from './support/evidence-files.js';

const PROTECTED = 'witness-protection';

const SUITE = 'investigator journey: upload, find in Arabic, verify; the compartment wall (issue 17)';

describe(SUITE, browserSuite(), () => {
  let w: EvidenceWorld;
  let ctx: BrowserContext;
  let page: Page;
  let pdfErn = '';
  let protectedErn = '';

  before(async () => {
    w = await openEvidenceWorld();
    await w.user('investigator', 'inv-layla', ['general', PROTECTED]);
    await w.user('investigator', 'inv-omar', ['general']);
    // A protected witness's statement that mentions the evacuation (synthetic).
    const r = await addContent(
      w.s.ctx,
      Readable.from([Buffer.from('إفادة شاهد محمي عن سيارة الإسعاف في حي الشيخ سعيد، مصدر سري.', 'utf8')]),
      {
        originalName: 'statement.txt',
        title: 'Protected statement W-17',
        provenance: {
          source: 'protected witness channel',
          collectedAt: '2016-12-19',
          collectedBy: 'inv-layla',
        },
        compartment: PROTECTED,
        actor: 'test',
      },
    );
    protectedErn = r.item.ern;
    await w.intakeDone(protectedErn);
    ({ ctx, page } = await w.signedIn('inv-layla'));
  });
  after(async () => {
    await ctx?.close();
    await w?.close();
  });

  it('uploads a PDF and a photo and waits for intake', async () => {
    await page.goto(`${w.base}/evidence/upload`);
    await page.getByLabel('Source (who or what gave the files)').fill('synthetic field team 3');
    await page.getByLabel('Time unknown').check();
    await page.getByLabel('Collected by').fill('monitor-07');
    await page.locator('input[type="file"]').setInputFiles([
      { name: 'convoy-report.pdf', mimeType: 'application/pdf', buffer: await arabicPdf() },
      { name: 'bus-017.jpg', mimeType: 'image/jpeg', buffer: await jpeg() },
    ]);
    await page.locator('li[data-file="convoy-report.pdf"] input').fill('Convoy report, eastern Aleppo');
    await page.getByRole('button', { name: 'Upload the files (2)' }).click();
    for (const name of ['convoy-report.pdf', 'bus-017.jpg'])
      await page
        .locator(`li[data-file="${name}"] .job-progress[data-state="done"]`)
        .waitFor({ timeout: 120_000 });
    pdfErn = (await page.locator('li[data-file="convoy-report.pdf"]').getAttribute('data-ern')) ?? '';
    assert.match(pdfErn, /^ATT-\d{6}$/);
  });

  it('finds the PDF by an Arabic word in another alef form, with the hit highlighted', async () => {
    await page.getByRole('link', { name: 'Search' }).click();
    await page.getByRole('heading', { name: 'Search the evidence' }).waitFor();
    await page.getByLabel('Search query').fill('اسعاف');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const hit = page.locator(`li.hit[data-ern="${pdfErn}"]`);
    await hit.waitFor();
    assert.match((await hit.locator('mark').first().textContent()) ?? '', /إسعاف/);
    // She may read the protected statement too: two items.
    await page.getByTestId('total').filter({ hasText: 'Items found: 2' }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('q'), 'اسعاف', 'the address holds the query');
    // Narrow by kind through its facet: the query says what is shown.
    await page.locator('[data-facet="kind"]').getByRole('button', { name: 'Document' }).click();
    await page.getByTestId('total').filter({ hasText: 'Items found: 1' }).waitFor();
    assert.equal(await page.getByLabel('Search query').inputValue(), 'اسعاف kind:document');
    await page.getByLabel('Save this search as').fill('Evacuation reports');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page
      .getByTestId('saved')
      .getByRole('button', { name: 'Evacuation reports', exact: true })
      .waitFor();
    await assertAccessible(page, 'search (en)');
    await assertNoHorizontalOverflow(page, 'search (en)');
    await screenshot(page, 'search-en');
    // The place filter by admin area on the map: the PDF names Ramouseh and al-Rashideen (Aleppo
    // governorate); its circle filters by the governorate's P-code, and the query says so.
    await page.locator('.admin-map g.area').first().click();
    await page.waitForURL((u) => (u.searchParams.get('q') ?? '').includes('place:'));
    await page.getByTestId('total').filter({ hasText: 'Items found: 1' }).waitFor();
    assert.match(await page.getByLabel('Search query').inputValue(), /^اسعاف kind:document place:SY02$/);
    await page.locator(`li.hit[data-ern="${pdfErn}"]`).waitFor();
    // Within a governorate the map shows its districts.
    await page
      .locator('.admin-map g.area title', { hasText: 'Jebel Saman: 1' })
      .waitFor({ state: 'attached' });
  });

  it('opens the PDF and verifies its custody entry in the browser', async () => {
    await page.locator(`li.hit[data-ern="${pdfErn}"] h3 a`).click();
    await page.waitForURL(`${w.base}/evidence/${pdfErn}`);
    const ingest = page.getByTestId('custody').locator('li[data-kind="ingest"]').first();
    await ingest.getByRole('button', { name: 'Verify' }).click();
    await ingest.locator('[data-testid="verify-result"][data-outcome="verified"]').waitFor();
  });

  it('outside the witness-protection compartment: neither the item nor a count nor a facet', async () => {
    const omar = await w.signedIn('inv-omar');
    await omar.page.goto(`${w.base}/search?q=${encodeURIComponent('اسعاف')}`);
    await omar.page.locator(`li.hit[data-ern="${pdfErn}"]`).waitFor();
    await omar.page.getByTestId('total').filter({ hasText: 'Items found: 1' }).waitFor();
    await checkScreen(omar.page, 'search-outside-compartment-hits-en');
    const html = await omar.page.content();
    for (const secret of [protectedErn, 'Protected statement', 'protected witness channel', 'الشيخ سعيد'])
      assert.ok(!html.includes(secret), `the page shows ${secret} to a user outside ${PROTECTED}`);
    const facets = (await omar.page.locator('.facets').textContent()) ?? '';
    assert.ok(!/protected|2019|text/i.test(facets.replace(/Year collected/, '')), facets);
    // Searching for the protected item by its ERN finds nothing, and its page does not exist.
    await omar.page.getByLabel('Search query').fill(`ern:${protectedErn}`);
    await omar.page.getByRole('button', { name: 'Search', exact: true }).click();
    await omar.page.getByText('Nothing found among the items you can see.').waitFor();
    await omar.page.getByTestId('total').filter({ hasText: 'Items found: 0' }).waitFor();
    await omar.page.goto(`${w.base}/evidence/${protectedErn}`);
    await omar.page.getByRole('heading', { name: 'Not found' }).waitFor();
    await checkScreen(omar.page, 'search-outside-compartment-en');
    await omar.ctx.close();

    // The same wall in Arabic: one hit, the protected item's page "not found", in Arabic words.
    const ar = await w.signedIn('inv-omar', 'ar-SY');
    await ar.page.goto(`${w.base}/search?q=${encodeURIComponent('اسعاف')}`);
    await ar.page.locator(`li.hit[data-ern="${pdfErn}"]`).waitFor();
    assert.equal(await ar.page.locator('li.hit').count(), 1);
    assert.ok(!(await ar.page.content()).includes(protectedErn));
    await checkScreen(ar.page, 'search-outside-compartment-hits-ar');
    await ar.page.goto(`${w.base}/evidence/${protectedErn}`);
    await ar.page.getByRole('heading', { name: 'غير موجود' }).waitFor();
    await checkScreen(ar.page, 'search-outside-compartment-ar');
    await ar.ctx.close();
  });

  it('the search screen in Arabic', async () => {
    const ar = await w.signedIn('inv-layla', 'ar-SY');
    await ar.page.goto(`${w.base}/search?q=${encodeURIComponent('أسعاف')}`);
    await ar.page.locator(`li.hit[data-ern="${pdfErn}"]`).waitFor();
    assert.equal(await ar.page.evaluate('getComputedStyle(document.body).direction'), 'rtl');
    // Another browser (another device): the search saved in English is there, kept by the server.
    await ar.page
      .getByTestId('saved')
      .getByRole('button', { name: 'Evacuation reports', exact: true })
      .waitFor();
    await ar.page.locator('details.syntax summary').click();
    assert.deepEqual(await untranslatedText(ar.page), [], 'untranslated text on the Arabic search screen');
    await assertAccessible(ar.page, 'search (ar)');
    await assertNoHorizontalOverflow(ar.page, 'search (ar)');
    await screenshot(ar.page, 'search-ar');
    await ar.ctx.close();
  });
});
