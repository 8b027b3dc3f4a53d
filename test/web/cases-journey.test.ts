/**
 * The legal side of issue 17 in Chromium, against a real server and job worker: a legal officer
 * opens a case, adds items found by search, pursues a crime and links evidence to an element
 * (the checklist shows coverage and gaps), writes a note and adds a colleague; records an RFA
 * (adding its jurisdiction), sees the consent check — one item blocked by its source's condition,
 * one released by an override with a reason — builds the package, downloads the ZIP from the
 * browser, and `attest verify-package` passes on the downloaded file with the deployment's key.
 * Then the redaction tool: boxes drawn with the mouse over a photo, saved as a derived item whose
 * pixels under the box are black (read back and checked pixel by pixel) while the original is
 * unchanged. Roles: a coordinator sees no Cases section. Arabic screens with nothing untranslated;
 * axe-core on every new screen; screenshots in both languages under test-results/web/.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import PDFDocument from 'pdfkit';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { addCondition, CLI_VIEWER } from '../../src/cases/index.js';
import { addContent } from '../../src/vault/index.js';
import { runCli } from '../support/cli.js';
import {
  assertAccessible,
  assertNoHorizontalOverflow,
  browserSuite,
  checkScreen,
  screenshot,
} from './support/browser.js';
import { type EvidenceWorld, openEvidenceWorld } from './support/evidence.js';

const WAIT = { timeout: 120_000 };

/** The photo to redact: grey, with a red "face" at (150,100) 100×80 and a blue mark at (20,20). */
const PHOTO = { width: 400, height: 300, face: { x: 150, y: 100, width: 100, height: 80 } };

function photo(): Promise<Buffer> {
  const { face } = PHOTO;
  return sharp({ create: { width: PHOTO.width, height: PHOTO.height, channels: 3, background: '#808080' } })
    .composite([
      {
        input: { create: { width: face.width, height: face.height, channels: 3, background: '#ff0000' } },
        left: face.x,
        top: face.y,
      },
      { input: { create: { width: 30, height: 30, channels: 3, background: '#0000ff' } }, left: 20, top: 20 },
    ])
    .png()
    .toBuffer();
}

/** A one-page letter whose first line names a protected witness (synthetic), at 72 pt from the top-left. */
function letter(): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: 'LETTER', margin: 72 });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.fontSize(20).text('Witness Layla Haddad W17', 72, 72);
    doc.fontSize(12).text('Convoy 3 left Ramouseh at 14:10 with 41 buses.', 72, 300);
    doc.end();
  });
}

const run = promisify(execFile);

const SUITE = 'legal: case, RFA package downloaded and verified; redaction in the browser (issue 17)';

describe(SUITE, browserSuite(), () => {
  let w: EvidenceWorld;
  let ctx: BrowserContext;
  let page: Page;
  let dir: string;
  const erns: Record<'statement' | 'register' | 'log' | 'photo', string> = {
    statement: '',
    register: '',
    log: '',
    photo: '',
  };
  let letterErn = '';
  let caseRef = '';
  let caseUrl = '';
  let rfaUrl = '';

  before(async () => {
    dir = mkdtempSync(join(process.env.ATTEST_TEST_SCRATCH ?? tmpdir(), 'cases-web-'));
    w = await openEvidenceWorld();
    await w.user('legal', 'legal-nadia', ['general']);
    await w.user('investigator', 'inv-sami', ['general']);
    await w.user('coordinator', 'coord-rami', ['general']);
    const add = async (text: string | Buffer, name: string, title: string, source: string) =>
      (
        await addContent(
          w.s.ctx,
          Readable.from([typeof text === 'string' ? Buffer.from(text, 'utf8') : text]),
          {
            originalName: name,
            title,
            provenance: { source, collectedAt: '2016-12-18', collectedBy: 'monitor-07' },
            compartment: 'general',
            actor: 'test',
          },
        )
      ).item.ern;
    erns.statement = await add(
      'Statement of a synthetic bus driver: the convoy waited six hours at the Ramouseh checkpoint.',
      'statement.txt',
      'Driver statement, Ramouseh',
      'synthetic field team 3',
    );
    erns.register = await add(
      'Synthetic hospital register: wounded arrivals from the Ramouseh convoy.',
      'register.txt',
      'Hospital register',
      'synthetic hospital source',
    );
    erns.log = await add(
      'Synthetic photo log of the Ramouseh crossing, times and bus numbers.',
      'log.txt',
      'Photo log',
      'synthetic field team 3',
    );
    erns.photo = await add(
      await photo(),
      'bus-face.png',
      'Bus with a face to hide',
      'synthetic field team 3',
    );
    letterErn = await add(await letter(), 'letter.pdf', 'Letter naming a witness', 'synthetic field team 3');
    for (const e of [...Object.values(erns), letterErn]) await w.intakeDone(e);
    // The hospital source consented only away from the death penalty; the photo log's own
    // condition limits it to investigations.
    await addCondition(w.s.ctx, CLI_VIEWER, {
      subjectKind: 'source',
      subject: 'synthetic hospital source',
      noDeathPenalty: true,
      compartment: 'general',
    });
    await addCondition(w.s.ctx, CLI_VIEWER, {
      subjectKind: 'item',
      subject: erns.log,
      purposes: ['investigation'],
    });
    ({ ctx, page } = await w.signedIn('legal-nadia'));
  });
  after(async () => {
    await ctx?.close();
    await w?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens a case from the Cases section and adds items found by search', async () => {
    await page.getByRole('link', { name: 'Cases', exact: true }).click();
    await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
    await page.getByText('No cases in your compartments yet.').waitFor();
    await assertAccessible(page, 'cases list (en, empty)');
    await page.getByLabel('Title').fill('Eastern Aleppo transfers (synthetic)');
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.waitForURL(/\/cases\/CASE-\d{4}$/);
    caseUrl = page.url();
    caseRef = caseUrl.slice(caseUrl.lastIndexOf('/') + 1);
    await page.getByRole('heading', { name: 'Eastern Aleppo transfers (synthetic)' }).waitFor();
    const items = page.getByTestId('case-items');
    await items.getByLabel('Find items to add').fill('Ramouseh');
    await items.getByRole('button', { name: 'Find', exact: true }).click();
    for (const e of [erns.statement, erns.register, erns.log]) {
      await items.getByRole('button', { name: `Add ${e}` }).click();
      await items.locator(`tr[data-ern="${e}"]`).waitFor();
    }
    // An ERN typed as it is finds that item.
    await items.getByLabel('Find items to add').fill(erns.photo);
    await items.getByRole('button', { name: 'Find', exact: true }).click();
    await items.getByRole('button', { name: `Add ${erns.photo}` }).click();
    await items.locator(`tr[data-ern="${erns.photo}"]`).waitFor();
    assert.equal(await items.locator('tbody tr').count(), 4);
  });

  it('pursues a crime, links evidence to an element and sees coverage and gaps', async () => {
    const checklist = page.getByTestId('checklist');
    await checklist.getByText('No crime is pursued in this case yet', { exact: false }).waitFor();
    await checklist.getByLabel('Pursue another crime').selectOption('rs-eoc/7-1-d');
    await checklist.getByRole('button', { name: 'Add its elements' }).click();
    const first = checklist.locator('li.element[data-element="rs-eoc/7-1-d/1"]');
    await first.waitFor();
    const coverage = checklist.getByTestId('coverage');
    const before = (await coverage.textContent()) ?? '';
    assert.match(before, /^0 of (\d+) elements have supporting evidence; \1 have none yet\.$/);
    assert.equal(await first.getByTestId('element-state').textContent(), 'No evidence');
    await first.getByRole('button', { name: 'Link evidence' }).click();
    await first.getByLabel('Evidence', { exact: true }).selectOption(erns.statement);
    await first.getByLabel('supports this element').check();
    await first
      .getByLabel('Why (what in the evidence bears on the element)')
      .fill('The driver describes the forced departure.');
    await first.getByRole('button', { name: 'Link', exact: true }).click();
    await first.locator(`.stance-supports li[data-ref="${erns.statement}"]`).waitFor();
    assert.equal(await first.getByTestId('element-state').textContent(), 'Supported');
    await coverage.filter({ hasText: /^1 of \d+ elements/ }).waitFor();
    // The other elements are still gaps.
    assert.ok((await checklist.locator('li.element.gap').count()) > 0);
  });

  it('adds a note and a colleague to the team', async () => {
    const notes = page.getByTestId('notes');
    await notes
      .getByLabel('New note')
      .fill('ملاحظة: الشاهد مستعد للإدلاء بشهادته. Witness willing to testify.');
    await notes.getByRole('button', { name: 'Add the note' }).click();
    await notes.getByText('Witness willing to testify.', { exact: false }).waitFor();
    assert.match((await notes.locator('.note-meta').first().textContent()) ?? '', /legal-nadia/);
    const team = page.getByTestId('team');
    await team.getByLabel('Username').fill('inv-sami');
    await team.getByRole('button', { name: 'Add to the team' }).click();
    await team.getByText('inv-sami').waitFor();
    // Someone who may not read the case is answered as no one at all.
    await team.getByLabel('Username').fill('coord-rami');
    await team.getByRole('button', { name: 'Add to the team' }).click();
    await team.getByRole('alert').waitFor();
    assert.equal(await team.getByText('coord-rami').count(), 0);
    await assertAccessible(page, 'case (en)');
    await assertNoHorizontalOverflow(page, 'case (en)');
    await screenshot(page, 'case-en');
  });

  it('records an RFA and shows the consent check plainly; a legal officer overrides one block', async () => {
    const rfas = page.getByTestId('rfas');
    await rfas.getByRole('button', { name: 'Record a request for assistance' }).click();
    const form = page.getByTestId('new-rfa');
    await form.getByLabel('Requesting authority').fill('Prosecutor of State D (synthetic)');
    const j = form.getByTestId('new-jurisdiction');
    await j.getByLabel('Code (ISO 3166)').fill('XD');
    await j.getByLabel('Name').fill('State D');
    await j.getByLabel('Its courts may impose the death penalty').check();
    await j.getByRole('button', { name: 'Add the jurisdiction' }).click();
    await form.getByLabel('Jurisdiction').locator('option[value="XD"]').waitFor({ state: 'attached' });
    await form.getByLabel('Jurisdiction').selectOption('XD');
    await form.getByLabel('Purpose').fill('prosecution');
    await form.getByLabel('What is asked for').fill('All material on the Ramouseh convoy, 18 December 2016.');
    await form.getByLabel('Received').fill('2017-03-01');
    await form.getByRole('button', { name: 'Record the request' }).click();
    await page.waitForURL(/\/rfas\/RFA-\d{4}$/);
    rfaUrl = page.url();
    const consent = page.getByTestId('consent');
    const row = (e: string) => consent.locator(`tr[data-ern="${e}"]`);
    await row(erns.register).waitFor();
    assert.equal(await row(erns.statement).getAttribute('data-outcome'), 'covered');
    assert.equal(await row(erns.register).getAttribute('data-outcome'), 'blocked');
    assert.equal(
      (await row(erns.register).locator('.block-reason').textContent())?.trim(),
      "Its source's consent excludes jurisdictions that may impose the death penalty.",
    );
    assert.equal(await row(erns.log).getAttribute('data-outcome'), 'blocked');
    assert.equal(
      (await row(erns.log).locator('.block-reason').textContent())?.trim(),
      "The item's own consent is limited to other purposes: investigation",
    );
    await page
      .getByTestId('consent-summary')
      .filter({ hasText: 'may be shared: 2 of 4. Blocked by a condition: 2.' })
      .waitFor();
    // Override the photo log's block with a reason.
    await row(erns.log)
      .getByRole('button', { name: `Override… ${erns.log}` })
      .click();
    await row(erns.log)
      .getByLabel('Reason for releasing the item despite the condition')
      .fill('The witness agreed in writing on 2017-03-02 to prosecution use.');
    await row(erns.log)
      .getByRole('button', { name: `Release to this request ${erns.log}` })
      .click();
    await consent.locator(`tr[data-ern="${erns.log}"][data-outcome="released"]`).waitFor();
    await page.getByTestId('consent-summary').filter({ hasText: 'Released by an override: 1.' }).waitFor();
    await assertAccessible(page, 'rfa (en)');
    await assertNoHorizontalOverflow(page, 'rfa (en)');
  });

  it('builds the package with progress, downloads it, and attest verify-package passes on the file', async () => {
    const exports = page.getByTestId('exports');
    await exports.getByRole('button', { name: 'Build the package' }).click();
    const job = exports.getByTestId('export').first();
    await job.waitFor();
    await exports.locator('[data-testid="export"][data-status="done"]').waitFor(WAIT);
    await job.getByText('Items in the package: 3.').waitFor();
    await job.getByText('Left out of the package: 1').click();
    await job.locator('.block-reason[data-rule="death-penalty"]').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      job.getByTestId('download-package').click(),
    ]);
    const file = join(dir, 'package.zip');
    await download.saveAs(file);
    const zip = readFileSync(file);
    assert.equal(zip.subarray(0, 4).toString('hex'), '504b0304', 'a ZIP');
    const shown = (await job.locator('code.hash').textContent())?.trim();
    const { createHash } = await import('node:crypto');
    assert.equal(
      createHash('sha256').update(zip).digest('hex'),
      shown,
      'the hash shown is the file downloaded',
    );
    const ok = await runCli(['verify-package', file, '--key', w.s.ctx.logKey.verifierKey], {});
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /package verified: all checks passed/);
    // The blocked item's bytes are not in the package; the released one's are.
    const names = zip.toString('latin1');
    assert.ok(!names.includes(`data/${erns.register}/`), 'the blocked item is left out');
    assert.ok(names.includes(`data/${erns.log}/`), 'the released item is in');
    await screenshot(page, 'rfa-en');
  });

  it('redacts a photo by drawing a box; the saved derived item has black pixels under it', async () => {
    await page.goto(caseUrl);
    await page.getByRole('link', { name: `Redact ${erns.photo}` }).click();
    await page.waitForURL(new RegExp(`/evidence/${erns.photo}/redact`));
    const surface = page.getByTestId('redact-surface');
    await surface.waitFor();
    const box = (await surface.locator('.redact-overlay').boundingBox())!;
    const scale = box.width / PHOTO.width;
    // A box a little larger than the red face, in the photo's own pixels.
    const from = { x: PHOTO.face.x - 6, y: PHOTO.face.y - 6 };
    const to = { x: PHOTO.face.x + PHOTO.face.width + 6, y: PHOTO.face.y + PHOTO.face.height + 6 };
    await page.mouse.move(box.x + from.x * scale, box.y + from.y * scale);
    await page.mouse.down();
    await page.mouse.move(box.x + ((from.x + to.x) / 2) * scale, box.y + ((from.y + to.y) / 2) * scale, {
      steps: 4,
    });
    await page.mouse.move(box.x + to.x * scale, box.y + to.y * scale, { steps: 4 });
    await page.mouse.up();
    const regions = page.getByTestId('regions');
    await regions.getByRole('heading', { name: 'Boxes: 1' }).waitFor();
    const cells = (await regions.locator('tbody tr').first().locator('td').allTextContents()).map(Number);
    const [x, y, width, height] = cells as [number, number, number, number];
    assert.ok(Math.abs(x - from.x) <= 2 && Math.abs(y - from.y) <= 2, `box starts at ${x},${y}`);
    assert.ok(
      Math.abs(x + width - to.x) <= 2 && Math.abs(y + height - to.y) <= 2,
      `box ends at ${x + width},${y + height}`,
    );
    await page.getByLabel('Show the boxes as they will be saved').check();
    await assertAccessible(page, 'redaction (en)');
    await assertNoHorizontalOverflow(page, 'redaction (en)');
    await screenshot(page, 'redaction-en');
    await page.getByRole('button', { name: 'Save as a redacted item' }).click();
    const saved = page.getByTestId('saved');
    await saved.waitFor();
    const derived = (await saved.getAttribute('data-ern')) ?? '';
    assert.match(derived, /^ATT-\d{6}$/);
    assert.notEqual(derived, erns.photo);
    await saved.getByRole('link', { name: derived }).waitFor();
    await page.getByTestId('earlier').locator(`li[data-ern="${derived}"]`).waitFor();
    // The saved image has loaded. Polled with evaluate (a DevTools call): waitForFunction evals
    // its predicate inside the page, which the app's CSP (script-src 'self') refuses.
    const image = page.getByTestId('saved-image');
    for (let tries = 0; ; tries++) {
      const loaded = await image.evaluate((i) => {
        const img = i as unknown as { complete: boolean; naturalWidth: number };
        return img.complete && img.naturalWidth > 0;
      });
      if (loaded) break;
      assert.ok(tries < 300, 'the saved image never loaded');
      await page.waitForTimeout(100);
    }
    await screenshot(page, 'redaction-saved-en');
    // The derived item's bytes, as the browser's session reads them: pixels, not requests.
    const res = await page.request.get(`${w.base}/api/items/${derived}/content`);
    assert.equal(res.status(), 200);
    const { data, info } = await sharp(await res.body())
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [PHOTO.width, PHOTO.height]);
    const px = (px: number, py: number) => [
      ...data.subarray((py * info.width + px) * 3, (py * info.width + px) * 3 + 3),
    ];
    let red = 0;
    for (let py = 0; py < info.height; py++)
      for (let qx = 0; qx < info.width; qx++) {
        const [r, g, b] = px(qx, py) as [number, number, number];
        if (r > 200 && g < 60 && b < 60) red++;
        const inside = qx >= x && qx < x + width && py >= y && py < y + height;
        if (inside) assert.deepEqual([r, g, b], [0, 0, 0], `pixel ${qx},${py} under the box is black`);
      }
    assert.equal(red, 0, 'no red pixel of the face survives');
    assert.deepEqual(px(30, 30), [0, 0, 255], 'outside the box the photo is unchanged');
    assert.deepEqual(px(5, 290), [128, 128, 128]);
    // The derived item names its original; the original's bytes are untouched.
    const meta = await (await page.request.get(`${w.base}/api/items/${derived}`)).json();
    assert.equal(meta.metadata.redaction.of, erns.photo);
    const original = await page.request.get(`${w.base}/api/items/${erns.photo}/content`);
    assert.deepEqual(Buffer.from(await original.body()), await photo());
  });

  it('redacts a PDF page: the saved PDF has no text left and black pixels under the box', async () => {
    await page.goto(`${w.base}/evidence/${letterErn}`);
    await page.getByRole('link', { name: 'Redact', exact: true }).click();
    await page.waitForURL(`${w.base}/evidence/${letterErn}/redact`);
    const surface = page.locator('[data-testid="redact-surface"][data-page="1"]');
    await surface.waitFor(WAIT);
    // Page 1 in the server's pixels: US Letter (612×792 pt) at 150 dpi.
    assert.deepEqual(
      [await surface.getAttribute('data-width'), await surface.getAttribute('data-height')],
      ['1275', '1650'],
    );
    const box = (await surface.locator('.redact-overlay').boundingBox())!;
    const k = box.width / 1275;
    // Over the witness's name: 72 pt from the left and top, 20 pt type → 150 px; a generous box.
    const from = { x: 120, y: 120 };
    const to = { x: 1000, y: 230 };
    await page.mouse.move(box.x + from.x * k, box.y + from.y * k);
    await page.mouse.down();
    await page.mouse.move(box.x + to.x * k, box.y + to.y * k, { steps: 5 });
    await page.mouse.up();
    await page.getByTestId('regions').getByRole('heading', { name: 'Boxes: 1' }).waitFor();
    const cells = (
      await page.getByTestId('regions').locator('tbody tr').first().locator('td').allTextContents()
    ).map(Number);
    const [pg, x, y, width, height] = cells as [number, number, number, number, number];
    assert.equal(pg, 1);
    await page.getByRole('button', { name: 'Save as a redacted item' }).click();
    const saved = page.getByTestId('saved');
    await saved.waitFor(WAIT);
    const derived = (await saved.getAttribute('data-ern')) ?? '';
    await page.getByTestId('earlier').locator(`li[data-ern="${derived}"]`).waitFor();
    const res = await page.request.get(`${w.base}/api/items/${derived}/content`);
    const pdf = join(dir, 'redacted.pdf');
    writeFileSync(pdf, await res.body());
    const text = (await run('pdftotext', [pdf, '-'])).stdout;
    assert.equal(text.replace(/\s+/g, ''), '', 'no text layer survives: not the name, not the rest');
    const originalPdf = join(dir, 'original.pdf');
    writeFileSync(
      originalPdf,
      await (await page.request.get(`${w.base}/api/items/${letterErn}/content`)).body(),
    );
    assert.match(
      (await run('pdftotext', [originalPdf, '-'])).stdout,
      /Layla Haddad/,
      'the original is untouched',
    );
    await run('pdftoppm', ['-r', '150', '-f', '1', '-l', '1', '-png', pdf, join(dir, 'page')]);
    const png = readFileSync(join(dir, 'page-1.png'));
    const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let notBlack = 0;
    for (let py = y + 2; py < y + height - 2; py++)
      for (let qx = x + 2; qx < x + width - 2; qx++) {
        const o = (py * info.width + qx) * 3;
        if (data[o]! > 40 || data[o + 1]! > 40 || data[o + 2]! > 40) notBlack++;
      }
    assert.equal(notBlack, 0, 'every pixel under the box is black');
    // Below the box the page still shows its other line: dark text pixels on white.
    let ink = 0;
    for (let py = 600; py < 660; py++)
      for (let qx = 140; qx < 900; qx++) if (data[(py * info.width + qx) * 3]! < 100) ink++;
    assert.ok(ink > 100, `the rest of the page is kept (${ink} dark pixels on the second line)`);
  });

  it('the new screens in Arabic, with nothing untranslated', async () => {
    const ar = await w.signedIn('legal-nadia', 'ar-SY');
    const screens: [string, string, string][] = [
      [`${w.base}/cases`, 'cases-list-ar', '[data-testid="cases"]'],
      [caseUrl, 'case-ar', '[data-testid="checklist"] li.element'],
      [rfaUrl, 'rfa-ar', '[data-testid="export"][data-status="done"]'],
      [`${w.base}/evidence/${erns.photo}/redact`, 'redaction-ar', '[data-testid="redact-surface"]'],
    ];
    for (const [url, name, ready] of screens) {
      await ar.page.goto(url);
      await ar.page.locator(ready).first().waitFor();
      if (name === 'rfa-ar') await ar.page.locator('[data-testid="export"] details summary').first().click();
      await checkScreen(ar.page, name);
    }
    // A box typed in (the keyboard's way, in Arabic), saved: the saved state in Arabic.
    const form = ar.page.getByTestId('regions');
    await form.getByLabel('من اليسار', { exact: true }).fill(String(PHOTO.face.x - 4));
    await form.getByLabel('من الأعلى', { exact: true }).fill(String(PHOTO.face.y - 4));
    await form.getByLabel('العرض', { exact: true }).fill(String(PHOTO.face.width + 8));
    await form.getByLabel('الارتفاع', { exact: true }).fill(String(PHOTO.face.height + 8));
    await form.getByRole('button', { name: 'أضف المربع' }).click();
    await form.getByRole('heading', { name: /^المربعات: (1|١)$/ }).waitFor();
    await ar.page.getByRole('button', { name: 'احفظ مادةً محجوبة' }).click();
    const savedAr = ar.page.getByTestId('saved');
    await savedAr.waitFor();
    const savedErn = (await savedAr.getAttribute('data-ern')) ?? '';
    assert.match(savedErn, /^ATT-\d{6}$/);
    await ar.page.getByTestId('earlier').locator(`li[data-ern="${savedErn}"]`).waitFor();
    const imageAr = ar.page.getByTestId('saved-image');
    for (let tries = 0; ; tries++) {
      const loaded = await imageAr.evaluate((i) => {
        const img = i as unknown as { complete: boolean; naturalWidth: number };
        return img.complete && img.naturalWidth > 0;
      });
      if (loaded) break;
      assert.ok(tries < 300, 'the saved image never loaded (ar)');
      await ar.page.waitForTimeout(100);
    }
    await checkScreen(ar.page, 'redaction-saved-ar');
    await ar.ctx.close();
    await page.goto(`${w.base}/cases`);
    await page.locator('[data-testid="cases"]').waitFor();
    await page
      .getByTestId('all-rfas')
      .getByRole('link', { name: rfaUrl.slice(rfaUrl.lastIndexOf('/') + 1) })
      .waitFor();
    await assertAccessible(page, 'cases list (en)');
    await screenshot(page, 'cases-list-en');
  });

  it('a coordinator sees no Cases section, and its pages are not found', async () => {
    const c = await w.signedIn('coord-rami');
    await c.page.locator('nav').first().waitFor();
    assert.equal(await c.page.getByRole('link', { name: 'Cases', exact: true }).count(), 0);
    await c.page.goto(caseUrl);
    await c.page.getByRole('heading', { name: 'Not found' }).waitFor();
    const api = await c.page.request.get(`${w.base}/api/cases/${caseRef}`);
    assert.equal(api.status(), 403);
    await c.ctx.close();
  });
});
