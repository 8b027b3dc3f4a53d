import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { addItem } from '../../../test/support/cases.js';
import { DIALECTS, openTestStore, scratchDir, type TestStore } from '../../../test/support/stores.js';
import { itemEntries } from '../../custody/index.js';
import { addContent, getItem } from '../../vault/index.js';
import { CaseError } from '../errors.js';
import { addEntity, addItems, createCase } from '../service.js';
import { CLI_VIEWER } from '../viewer.js';
import { redactItem } from './service.js';
import { REDACTED_MARK, redactSpans, replaceNames } from './text.js';

async function readItem(s: TestStore, ern: string): Promise<Buffer> {
  const item = await getItem(s.ctx, ern);
  const chunks: Buffer[] = [];
  for await (const c of s.ctx.blobs.get(item.sha256) as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

function makePdf(): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 0 });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((res) => doc.on('end', () => res(Buffer.concat(chunks))));
  doc.fontSize(14).text('SECRET WITNESS Amina Haddad', 72, 72);
  doc.fontSize(14).text('Public part: convoy left Ramouseh', 72, 300);
  doc.end();
  return done;
}

describe('text redaction (pure)', () => {
  it('replaces spans, merging overlaps, and refuses spans outside the text', () => {
    assert.equal(
      redactSpans('abcdefghij', [
        { start: 2, end: 4 },
        { start: 3, end: 6 },
      ]),
      `ab${REDACTED_MARK}ghij`,
    );
    assert.throws(() => redactSpans('abc', [{ start: 2, end: 9 }]), CaseError);
    assert.throws(() => redactSpans('abc', [{ start: -1, end: 2 }]), CaseError);
  });
  it('replaces whole names, Arabic included, longest first', () => {
    const r = replaceNames('Amina Haddad met Amina. أمينة حداد قالت. Aminah stays.', [
      { name: 'Amina', pseudonym: 'W-1' },
      { name: 'Amina Haddad', pseudonym: 'W-17' },
      { name: 'أمينة حداد', pseudonym: 'ش-17' },
    ]);
    assert.equal(r.text, 'W-17 met W-1. ش-17 قالت. Aminah stays.');
    assert.equal(r.count, 3);
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: redaction`, () => {
    let s: TestStore;
    let dir: string;
    before(async () => {
      s = await openTestStore(dialect);
      dir = scratchDir('attest-redact-');
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await s.close();
    });

    it('redacts text spans and witness names into a new item; the original is untouched', async () => {
      const text = 'Witness Amina Haddad saw the bus at 14:00 near Ramouseh.';
      const ern = await addItem(s.ctx, text, 'statement.txt');
      const c = await createCase(s.ctx, CLI_VIEWER, { title: 'Redaction case' });
      await addItems(s.ctx, CLI_VIEWER, c.ref, [ern]);
      await addEntity(s.ctx, CLI_VIEWER, c.ref, {
        kind: 'witness',
        name: 'Amina Haddad',
        pseudonym: 'W-017',
        protected: true,
      });
      const r = await redactItem(s.ctx, CLI_VIEWER, ern, {
        spans: [{ start: 36, end: 41 }],
        pseudonymsFrom: c.ref,
      });
      assert.equal(
        (await readItem(s, r.ern)).toString(),
        `Witness W-017 saw the bus at ${REDACTED_MARK} near Ramouseh.`,
      );
      assert.equal((await readItem(s, ern)).toString(), text, 'the original bytes are unchanged');
      const derived = await getItem(s.ctx, r.ern);
      assert.equal(derived.parentItemId, (await getItem(s.ctx, ern)).id);
      const kinds = (await itemEntries(s.ctx, derived.id)).map((e) => e.kind);
      assert.deepEqual(kinds, ['ingest', 'redact']);
    });

    it('redacts an item whose title came from a hostile or long file name', async () => {
      // The title of an upload without one is its file name, kept as it was; the redacted copy's
      // title is built from it and must pass the vault's title rule (no bidi override, ≤ 500).
      const hostile = await addItem(s.ctx, 'Witness Amina Haddad.', 'note\u202Etxt.exe');
      const r1 = await redactItem(s.ctx, CLI_VIEWER, hostile, { spans: [{ start: 0, end: 7 }] });
      assert.equal((await getItem(s.ctx, r1.ern)).title, 'note\\u{202E}txt.exe (redacted)');
      const long = (
        await addContent(s.ctx, Readable.from([Buffer.from('Witness Amina Haddad, again.')]), {
          originalName: 'long.txt',
          title: 'ش'.repeat(495),
          provenance: { source: 'field team 3', collectedAt: '2016-12-18', collectedBy: 'monitor-07' },
          actor: 'user-test',
        })
      ).item.ern;
      const r2 = await redactItem(s.ctx, CLI_VIEWER, long, { spans: [{ start: 0, end: 7 }] });
      const title = (await getItem(s.ctx, r2.ern)).title;
      assert.equal(title.length, 500);
      assert.ok(title.endsWith('… (redacted)'), title);
    });

    it('burns black regions into an image', async () => {
      const png = await sharp({
        create: { width: 64, height: 48, channels: 3, background: { r: 250, g: 250, b: 250 } },
      })
        .png()
        .toBuffer();
      const ern = await addItem(s.ctx, png, 'face.png');
      const r = await redactItem(s.ctx, CLI_VIEWER, ern, {
        regions: [{ x: 10, y: 5, width: 20, height: 10 }],
      });
      const { data, info } = await sharp(await readItem(s, r.ern))
        .raw()
        .toBuffer({ resolveWithObject: true });
      const px = (x: number, y: number) => data[(y * info.width + x) * info.channels]!;
      assert.equal(px(15, 10), 0, 'inside the region is black');
      assert.equal(px(40, 30), 250, 'outside is untouched');
      await assert.rejects(
        redactItem(s.ctx, CLI_VIEWER, ern, { regions: [{ x: 60, y: 0, width: 10, height: 10 }] }),
        (e: CaseError) => e.code === 'INVALID_REDACTION',
      );
    });

    it('renders a PDF with the region burnt in: no extractable text is left there', async () => {
      const ern = await addItem(s.ctx, await makePdf(), 'report.pdf');
      // At 150 dpi, the secret line (72 pt from the top) is around y = 150 px.
      const region = { x: 100, y: 120, width: 900, height: 100, page: 1 };
      const r = await redactItem(s.ctx, CLI_VIEWER, ern, { regions: [region] });
      const original = join(dir, 'original.pdf');
      const redacted = join(dir, 'redacted.pdf');
      writeFileSync(original, await readItem(s, ern));
      writeFileSync(redacted, await readItem(s, r.ern));
      const textIn = (file: string) =>
        execFileSync(
          'pdftotext',
          [
            '-r',
            '150',
            '-x',
            String(region.x),
            '-y',
            String(region.y),
            '-W',
            String(region.width),
            '-H',
            String(region.height),
            file,
            '-',
          ],
          {
            encoding: 'utf8',
          },
        ).trim();
      assert.match(
        textIn(original),
        /SECRET WITNESS Amina Haddad/,
        'the original region has the text (the test can fail)',
      );
      assert.equal(textIn(redacted), '', 'the redacted region has no extractable text');
      const all = execFileSync('pdftotext', [redacted, '-'], { encoding: 'utf8' });
      assert.doesNotMatch(all, /Amina|SECRET/, 'no hidden text anywhere in the redacted PDF');
    });

    it('refuses what cannot be redacted, storing nothing', async () => {
      const ern = await addItem(s.ctx, Buffer.from([0, 1, 2, 3, 0xff, 0xfe]), 'blob.bin');
      const before = await s.ctx.db.selectFrom('item').select('id').execute();
      await assert.rejects(
        redactItem(s.ctx, CLI_VIEWER, ern, { regions: [{ x: 0, y: 0, width: 1, height: 1 }] }),
        CaseError,
      );
      await assert.rejects(redactItem(s.ctx, CLI_VIEWER, ern, {}), CaseError);
      assert.equal((await s.ctx.db.selectFrom('item').select('id').execute()).length, before.length);
    });
  });
}
