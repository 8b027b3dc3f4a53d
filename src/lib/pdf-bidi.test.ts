import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import PDFDocument from 'pdfkit';
import { cleanText, drawText, registerFonts, visualRuns, widthOf, wrapLines } from './pdf-bidi.js';

function newDoc(): PDFKit.PDFDocument {
  const doc = new PDFDocument({ size: 'A4' });
  registerFonts(doc);
  doc.font('regular').fontSize(10);
  return doc;
}

async function render(draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const doc = newDoc();
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => doc.on('end', resolve));
  draw(doc);
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

/** pageText extracts the first page's text as a PDF reader does (pdf.js, which applies UAX #9). */
async function pageText(pdf: Buffer): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  const content = await (await doc.getPage(1)).getTextContent();
  const text = content.items.map((i) => ('str' in i ? i.str : '')).join(' ');
  await doc.destroy();
  return text;
}

describe('visualRuns (UAX #9 for PDFKit)', () => {
  it('gives an Arabic line one right-to-left run in logical order, for fontkit to reverse and shape', () => {
    assert.deepEqual(visualRuns('إجلاء شرق حلب', 'rtl'), [{ text: 'إجلاء شرق حلب', rtl: true }]);
  });

  it('puts a number that starts an Arabic line at its right end', () => {
    assert.deepEqual(visualRuns('5 أشخاص', 'rtl'), [
      { text: ' أشخاص', rtl: true },
      { text: '5', rtl: false },
    ]);
  });

  it('keeps an Arabic name inside an English line in place, between its Latin neighbours', () => {
    assert.deepEqual(visualRuns('Convoy to الفوعة via Ramouseh', 'ltr'), [
      { text: 'Convoy to ', rtl: false },
      { text: 'الفوعة', rtl: true },
      { text: ' via Ramouseh', rtl: false },
    ]);
  });

  it('orders Latin words inside an Arabic line from the right (an ERN between Arabic words)', () => {
    const runs = visualRuns('مرّ الباص ATT-000123 عبر النقطة', 'rtl');
    assert.deepEqual(runs, [
      { text: ' عبر النقطة', rtl: true },
      { text: 'ATT-000123', rtl: false },
      { text: 'مرّ الباص ', rtl: true },
    ]);
  });

  it('mirrors brackets in right-to-left runs (UAX #9 L4)', () => {
    assert.deepEqual(visualRuns('(القرار)', 'rtl'), [{ text: ')القرار(', rtl: true }]);
  });

  it('reverses a right-to-left run fontkit would not (punctuation only) itself', () => {
    assert.deepEqual(visualRuns('!?', 'rtl'), [{ text: '?!', rtl: true }]);
  });

  it('hands Arabic-Indic digits over reversed, since fontkit reverses what it takes for Arabic script', () => {
    const runs = visualRuns('في ١٥', 'rtl');
    assert.deepEqual(runs, [
      { text: '٥١', rtl: false },
      { text: 'في ', rtl: true },
    ]);
  });

  it('gives nothing for an empty line', () => {
    assert.deepEqual(visualRuns('', 'rtl'), []);
  });
});

describe('cleanText (hostile input)', () => {
  it('removes embeddings, overrides and isolates so a name cannot reorder the text around it', () => {
    assert.equal(cleanText('abc\u202Edef\u202C \u2067x\u2069'), 'abcdef x');
  });
  it('turns line breaks and tabs into spaces and drops other controls', () => {
    assert.equal(cleanText('a\nb\tc\u0000d\u2028e'), 'a b cd e');
  });
});

describe('wrapLines', () => {
  it('breaks Arabic text at spaces into lines that fit, losing no word', () => {
    const doc = newDoc();
    const text = 'وصلت الحافلات إلى ريف حلب الغربي بعد ساعات من الانتظار عند نقطة التفتيش الأخيرة';
    const lines = wrapLines(doc, text, 120);
    assert.ok(lines.length > 1);
    for (const line of lines) assert.ok(widthOf(doc, line) <= 120, line);
    assert.equal(lines.join(' '), text);
  });
  it('cuts a word wider than the line by characters', () => {
    const doc = newDoc();
    const word = 'x'.repeat(200);
    const lines = wrapLines(doc, word, 50);
    assert.ok(lines.length > 2);
    assert.equal(lines.join(''), word);
  });
});

describe('drawText', () => {
  it('embeds DejaVu Sans with a ToUnicode map, so Arabic is shaped, embedded and extractable', async () => {
    const pdf = await render((doc) => {
      drawText(doc, 'تقرير الوضع: 5 أشخاص (القرار 2328) ≤ 100', 48, 48, { width: 400, direction: 'rtl' });
      drawText(doc, 'Totals ≤ 35,000 → Idlib', 48, 80, { width: 400, direction: 'ltr' });
    });
    const raw = pdf.toString('latin1');
    assert.match(raw, /\/BaseFont \/[A-Z]{6}\+DejaVuSans/);
    assert.match(raw, /\/FontFile2/);
    assert.match(raw, /\/ToUnicode/);
    const text = await pageText(pdf);
    for (const word of ['تقرير', 'الوضع', 'أشخاص', 'القرار', '2328', 'Totals', '≤', 'Idlib']) {
      assert.ok(text.includes(word), `${word} in ${text}`);
    }
  });

  it('returns the height it used and leaves the cursor below the text', async () => {
    await render((doc) => {
      const h = drawText(doc, 'سطر أول وسطر ثان وسطر ثالث وسطر رابع', 48, 100, {
        width: 60,
        direction: 'rtl',
      });
      assert.ok(h > doc.currentLineHeight(true));
      assert.equal(doc.y, 100 + h);
      assert.equal(doc.x, 48);
    });
  });
});

describe('cleanText (characters the fonts lack)', () => {
  it('shows an emoji and a lone surrogate as U+FFFD, keeping Arabic, Latin and ≤', () => {
    assert.equal(cleanText('حلب 🚌 \ud800 ≤ x'), 'حلب \uFFFD \uFFFD ≤ x');
  });
});

describe('copying Arabic out of the PDF', () => {
  it('gives lam-alef back in its order, twice over (the ligature glyph is reused)', async () => {
    const pdf = await render((doc) => {
      drawText(doc, 'إجلاء الأهالي', 48, 48, { width: 400, direction: 'rtl' });
      drawText(doc, 'لا إجلاء', 48, 80, { width: 400, direction: 'rtl' });
    });
    const text = await pageText(pdf);
    for (const word of ['إجلاء', 'الأهالي', 'لا']) assert.ok(text.includes(word), `${word} in ${text}`);
  });
});
