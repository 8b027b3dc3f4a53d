/**
 * The evidence item page in Chromium (issue 17): rows of the list open the item; a photo shows
 * its EXIF time, camera and GPS on the map, a PDF its pages (pdf.js), with download, derived items
 * and near-duplicates (an edited copy of the photo, with its distance); the custody timeline
 * verifies an entry IN THE BROWSER (leaf hash, inclusion proof, Ed25519 checkpoint signature) and
 * says so; a proof altered on the wire, or a log key swapped, is a plain failure. Arabic too;
 * axe-core on every page; screenshots under test-results/web/.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import PDFDocument from 'pdfkit';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { createUser, resetPassword } from '../../src/access/index.js';
import type { Role } from '../../src/access/permissions.js';
import { buildApp } from '../../src/api/server.js';
import { startWorker } from '../../src/cli/job-kinds.js';
import type { Worker } from '../../src/store/job-worker.js';
import { addContent } from '../../src/vault/index.js';
import { openTestStore, type TestStore } from '../support/stores.js';
import {
  assertAccessible,
  assertNoHorizontalOverflow,
  browserSuite,
  buildWebApp,
  screenshot,
  startBrowser,
  type TestBrowser,
  untranslatedText,
} from './support/browser.js';

const PASSWORD = 'Ramouseh-checkpoint-1216';

function pdfBytes(lines: readonly string[]): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ info: { Title: 'Convoy report' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    for (const l of lines) doc.text(l);
    doc.addPage().text('Page two: buses counted at al-Rashideen.');
    doc.end();
  });
}

async function photo(shade: string, quality = 90): Promise<Buffer> {
  const base = sharp({ create: { width: 640, height: 480, channels: 3, background: '#446688' } });
  const layers = [
    {
      input: Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><rect x="40" y="60" width="300" height="200" fill="${shade}"/><circle cx="480" cy="300" r="90" fill="#eedd22"/></svg>`,
      ),
      top: 0,
      left: 0,
    },
  ];
  return base
    .composite(layers)
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'T1' },
      IFD2: { DateTimeOriginal: '2016:12:18 10:30:00' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '36/1 10/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '37/1 9/1 0/1',
      },
    })
    .jpeg({ quality })
    .toBuffer();
}

describe('evidence item page in Chromium (issue 17)', browserSuite(), () => {
  let s: TestStore;
  let app: FastifyInstance;
  let worker: Worker;
  let base: string;
  let browser: TestBrowser;
  let webDist: string | undefined;
  let ctx: BrowserContext;
  let page: Page;
  const erns: Record<string, string> = {};

  async function user(role: Role, username: string): Promise<void> {
    const { passwordToken } = await createUser(
      s.ctx,
      { username, role, compartment: '*' },
      { actorId: 'test' },
    );
    await resetPassword(s.ctx, { token: passwordToken, password: PASSWORD }, { actorId: null });
  }

  async function add(name: string, bytes: Buffer, title: string): Promise<string> {
    const r = await addContent(s.ctx, Readable.from([bytes]), {
      originalName: name,
      title,
      provenance: {
        source: 'synthetic field team 3',
        collectedAt: '2016-12-18T10:45:00Z',
        collectedBy: 'monitor-07',
      },
      actor: 'test',
    });
    return r.item.ern;
  }

  async function intakeDone(ern: string): Promise<void> {
    for (let i = 0; i < 600; i++) {
      const row = await s.ctx.db
        .selectFrom('job')
        .innerJoin('item', 'item.id', 'job.item_id')
        .select('job.state')
        .where('item.ern', '=', ern)
        .executeTakeFirst();
      if (row?.state === 'done' || row?.state === 'failed') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`intake of ${ern} did not finish`);
  }

  before(async () => {
    s = await openTestStore('sqlite');
    s.setTime(new Date().toISOString());
    webDist = await buildWebApp();
    app = await buildApp(s.ctx, { webDist });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    worker = startWorker(s.ctx, 1, (err) => console.error(err));
    await user('investigator', 'inv-layla');
    erns.photo = await add('ramouseh.jpg', await photo('#aa3322'), 'Buses at Ramouseh');
    erns.copy = await add('ramouseh-edited.jpg', await photo('#aa3322', 60), 'Buses at Ramouseh (re-posted)');
    erns.pdf = await add(
      'convoy-report.pdf',
      await pdfBytes(['Convoy report, 18 December 2016.']),
      'Convoy report',
    );
    for (const e of Object.values(erns)) await intakeDone(e);
    browser = await startBrowser();
    ctx = await browser.newContext();
    page = await ctx.newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('Username').fill('inv-layla');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/evidence`);
  });

  after(async () => {
    await browser?.close();
    await worker?.stop();
    await app?.close();
    await s?.close();
    if (webDist) rmSync(webDist, { recursive: true, force: true });
  });

  it('a row of the evidence list opens the item; an unknown ERN is not found', async () => {
    await page.getByRole('link', { name: erns.photo!, exact: true }).click();
    await page.waitForURL(`${base}/evidence/${erns.photo}`);
    await page.getByRole('heading', { name: 'Buses at Ramouseh', level: 1 }).waitFor();
    const other = await ctx.newPage();
    await other.goto(`${base}/evidence/ATT-999999`);
    await other.getByRole('heading', { name: 'Not found' }).waitFor();
    await other.close();
  });

  it('a photo: preview, EXIF time and camera, GPS on the map, derived items, near-duplicate with its distance', async () => {
    const preview = page.getByTestId('preview');
    await preview.locator('img.preview-image').waitFor();
    // The image really loaded (from the content route), at its own size.
    await page.waitForFunction("document.querySelector('img.preview-image')?.naturalWidth === 640");
    await preview.getByText('2016-12-18T10:30:00').waitFor();
    await preview.getByText('TestCam T1').waitFor();
    await preview.locator('.gps-map .gps-point').waitFor();
    await page
      .getByTestId('derived')
      .getByRole('cell', { name: /^thumbnail, 320 px$/ })
      .waitFor();
    const dups = page.getByTestId('near-duplicates');
    await dups.getByRole('link', { name: erns.copy!, exact: true }).waitFor();
    assert.match((await dups.textContent()) ?? '', /distance \d+ of 256/);
    const download = await page.getByTestId('download').getAttribute('href');
    assert.equal(download, `/api/items/${erns.photo}/content`);
    const res = await page.request.get(`${base}${download}`);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-disposition'] ?? '', /attachment/);
    await assertAccessible(page, 'item photo (en)');
    await assertNoHorizontalOverflow(page, 'item photo (en)');
    await screenshot(page, 'item-photo-en');
  });

  it('the custody timeline verifies an entry in the browser', async () => {
    const custody = page.getByTestId('custody');
    const ingest = custody.locator('li[data-kind="ingest"]').first();
    await ingest.getByRole('button', { name: 'Verify' }).click();
    const result = ingest.getByTestId('verify-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-outcome'), 'verified', (await result.textContent()) ?? '');
    const text = (await result.textContent()) ?? '';
    assert.match(text, /Verified: this entry is in the signed log, unchanged\./);
    assert.match(text, /first seen on this device/);
    assert.match(text, /signature checked with\s*webcrypto/);
    await assertAccessible(page, 'item custody verified (en)');
    await screenshot(page, 'item-custody-verified-en');
  });

  it('a proof altered on the wire fails, plainly; so does a swapped log key', async () => {
    await page.route('**/api/log/proofs/inclusion**', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      body.proof[0] = `${body.proof[0].slice(0, 63)}${body.proof[0].endsWith('0') ? '1' : '0'}`;
      await route.fulfill({ response: res, json: body });
    });
    const custody = page.getByTestId('custody');
    const entry = custody.locator('li[data-kind="ingest"]').first();
    await entry.getByRole('button', { name: 'Verify' }).click();
    await entry.locator('[data-testid="verify-result"][data-outcome="failed"]').waitFor();
    assert.match(
      (await entry.getByTestId('verify-result').textContent()) ?? '',
      /Inclusion proof: does not match/,
    );
    await assertAccessible(page, 'item custody failed (en)');
    await screenshot(page, 'item-custody-failed-en');
    await page.unroute('**/api/log/proofs/inclusion**');

    await page.route('**/api/log/key', async (route) =>
      route.fulfill({
        json: {
          origin: (await (await route.fetch()).json()).origin,
          key: 'attest.example/custody-log+51c9167a+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4',
          size: 1,
        },
      }),
    );
    // This device pinned the server's key at the first verification: another key is refused,
    // whatever it signs.
    await entry.getByRole('button', { name: 'Verify' }).click();
    await entry.getByText('Log key: differs from the key this device remembers').waitFor();
    await page.unroute('**/api/log/key');
  });

  it('a PDF shows its pages; the item page in Arabic', async () => {
    await page.goto(`${base}/evidence/${erns.pdf}`);
    await page.getByTestId('pdf-pages').waitFor({ timeout: 30_000 });
    const first = page.locator('canvas.pdf-page[data-page="1"]');
    await first.waitFor();
    await page.waitForFunction(
      "document.querySelector('canvas.pdf-page[data-page=\"2\"]') && document.querySelector('canvas.pdf-page').width > 0",
    );
    await page
      .getByTestId('item-text')
      .getByText(/Convoy report, 18 December 2016/)
      .waitFor();
    // Derived items in words, never intake's keys (`page:1`, `all`, `pdf`).
    const derived = page.getByTestId('derived');
    await derived.getByRole('cell', { name: /^text of a page, page 1$/ }).waitFor();
    await derived.getByRole('cell', { name: /^extracted text$/ }).waitFor();
    await derived.getByRole('cell', { name: /^facts found$/ }).waitFor();
    for (const what of await derived.locator('tbody td:nth-child(2)').allTextContents())
      assert.doesNotMatch(what, /page:\d|\ball\b|\bpdf\b/, `derived item named "${what}"`);
    await assertAccessible(page, 'item pdf (en)');
    await screenshot(page, 'item-pdf-en');
    await page.getByRole('button', { name: 'العربية' }).click();
    await page.getByRole('heading', { name: 'سلسلة الحيازة' }).waitFor();
    assert.deepEqual(await untranslatedText(page), [], 'untranslated text on the Arabic item page');
    await derived.getByRole('cell', { name: /^نص صفحة، الصفحة (1|١)$/ }).waitFor();
    await assertAccessible(page, 'item pdf (ar)');
    await screenshot(page, 'item-pdf-ar');
    await page.goto(`${base}/evidence/${erns.photo}`);
    await page.getByTestId('preview').locator('.gps-map').waitFor();
    const ingest = page.getByTestId('custody').locator('li[data-kind="ingest"]').first();
    await ingest.getByRole('button', { name: 'تحقّق' }).click();
    await ingest.locator('[data-outcome="verified"]').waitFor();
    assert.deepEqual(await untranslatedText(page), [], 'untranslated text on the Arabic photo page');
    await assertAccessible(page, 'item photo (ar)');
    await assertNoHorizontalOverflow(page, 'item photo (ar)');
    await screenshot(page, 'item-photo-ar');
    await screenshot(page, 'item-custody-verified-ar');
    // A proof altered on the wire fails in Arabic too, in words and without English left over.
    await page.route('**/api/log/proofs/inclusion**', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      body.proof[0] = `${body.proof[0].slice(0, 63)}${body.proof[0].endsWith('0') ? '1' : '0'}`;
      await route.fulfill({ response: res, json: body });
    });
    await ingest.getByRole('button', { name: 'تحقّق' }).click();
    await ingest.locator('[data-testid="verify-result"][data-outcome="failed"]').waitFor();
    assert.deepEqual(await untranslatedText(page), [], 'untranslated text in the failed verification (ar)');
    await assertAccessible(page, 'item custody failed (ar)');
    await screenshot(page, 'item-custody-failed-ar');
    await page.unroute('**/api/log/proofs/inclusion**');
    await page.getByRole('button', { name: 'English' }).click();
  });
});
