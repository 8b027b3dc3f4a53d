/**
 * derived-text.test.ts — issue 15: every text intake derives (PDF, DOCX, e-mail, OCR, web
 * capture, a text in another encoding) reaches the index as the text a person reads, once: no
 * extractor JSON, no markup or MIME, no page read twice; snippets show it with hits marked, in
 * Arabic and English. Real intake on files the test makes, then a search; both backends.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { makeDocx, makeEmail } from '../../test/support/intake-fixtures.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { INTAKE_JOB_KINDS, intakeState } from '../intake/index.js';
import { JobRegistry, Worker } from '../store/job-worker.js';
import { addContent } from '../vault/index.js';
import { readableFacts } from './indexer.js';
import { searchIndexJob } from './job.js';
import { search } from './service.js';

function pdf(build: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ info: { Title: 'Convoy report', Author: 'Monitor 07' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    build(doc);
    doc.end();
  });
}

function textImage(text: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1400" height="200"><rect width="100%" height="100%" fill="white"/><text x="40" y="120" font-family="DejaVu Sans" font-size="64">${text}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** warc returns a WARC/1.1 file holding one HTML response (RFC-shaped by hand, ISO 28500). */
function warc(html: string): Buffer {
  const record = (type: string, block: string, extra: Record<string, string>) => {
    const body = Buffer.from(block, 'utf8');
    const head = Object.entries({
      'WARC-Type': type,
      'WARC-Record-ID': `<urn:uuid:${randomUUID()}>`,
      'WARC-Date': '2016-12-16T09:30:00Z',
      'Content-Length': String(body.length),
      ...extra,
    })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    return Buffer.concat([Buffer.from(`WARC/1.1\r\n${head}\r\n`, 'latin1'), body, Buffer.from('\r\n\r\n')]);
  };
  const http = `HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(html)}\r\n\r\n${html}`;
  return Buffer.concat([
    record('warcinfo', 'software: test-crawler 1.0\r\n', { 'Content-Type': 'application/warc-fields' }),
    record('response', http, {
      'WARC-Target-URI': 'http://example.org/report.html',
      'Content-Type': 'application/http; msgtype=response',
    }),
  ]);
}

/** Marks of raw wrappers that must never reach a snippet (escaped as the snippet escapes them). */
const RAW = [
  /&#123;|\{/, // a JSON object
  /&#34;\w+&#34;:/, // a JSON key
  /extractor|pageCharacters|pdq/, // extractor facts
  /&#60;\/?(?:html|head|body|p|b|script|style|div)\b/i, // markup
  /Content-Type|boundary|MIME-Version/i, // a raw message
];

function assertReadable(snippet: string, what: string): void {
  const bare = snippet.replace(/<\/?mark>/g, '');
  for (const re of RAW) assert.doesNotMatch(bare, re, `${what}: snippet ${snippet}`);
}

const count = (s: string, word: string) => s.split(word).length - 1;

for (const dialect of DIALECTS) {
  describe(`${dialect}: derived text in the index (issue 15)`, () => {
    let s: TestStore;
    const add = async (bytes: Buffer, name: string) =>
      (
        await addContent(s.ctx, Readable.from([bytes]), {
          originalName: name,
          provenance: { source: 'field team 3', collectedAt: '2016-12-18', collectedBy: 'monitor-07' },
          compartment: 'general',
          actor: 'user-test',
          allowDuplicate: true,
        })
      ).item;
    const drain = async () => {
      const worker = new Worker(s.ctx, new JobRegistry([...INTAKE_JOB_KINDS, searchIndexJob]), {
        id: 'worker:derived-text',
      });
      while (await worker.runOnce()) {}
    };
    const bodyOf = async (itemId: string) =>
      (
        await s.ctx.db
          .selectFrom('search_doc')
          .select('body')
          .where('item_id', '=', itemId)
          .executeTakeFirstOrThrow()
      ).body;
    const only = async (q: string) => {
      const r = await search(s.ctx, { q, compartments: 'all' });
      assert.equal(r.results.length, 1, `${q}: ${JSON.stringify(r.results)}`);
      return r.results[0]!;
    };

    before(async () => {
      s = await openTestStore(dialect, { ATTEST_INTAKE_TOOL_TIMEOUT_MS: '120000' });
    });
    after(() => s.close());

    it('a PDF: its text once (not per page and again in full), its title as words, never its facts JSON', async () => {
      const item = await add(
        await pdf((doc) => {
          doc.text('Page one: the convoy left Ramouseh with zanzibar buses.');
          doc.addPage().text('Page two: 308 buses counted at the crossing.');
        }),
        'report.pdf',
      );
      await drain();
      const kinds = (await intakeState(s.ctx, item)).derived.map((d) => d.kind).sort();
      assert.deepEqual(kinds, ['metadata', 'page-text', 'page-text', 'text'], 'what intake derived');
      const body = await bodyOf(item.id);
      assert.equal(count(body, 'zanzibar'), 1, `the page text once: ${body}`);
      assert.equal(count(body, '308 buses'), 1);
      assert.match(body, /Convoy report/, 'the document title is searchable');
      assert.doesNotMatch(body, /pageCharacters|scannedPages|"pages"|\{/, 'no facts JSON');
      const hit = await only('zanzibar');
      assertReadable(hit.snippet, 'PDF');
      assert.match(hit.snippet, /<mark>zanzibar<\/mark>/);
      assert.equal(count(hit.snippet, 'zanzibar'), 1, hit.snippet);
      assert.equal((await only('"convoy report" zanzibar')).ern, item.ern);
    });

    it('a DOCX in Arabic: its text, found in another alef form and marked', async () => {
      const item = await add(
        makeDocx(['وصلت الحافلات إلى معبر الراموسة صباحاً', 'Buses reached the crossing.']),
        'r.docx',
      );
      await drain();
      const body = await bodyOf(item.id);
      assert.equal(count(body, 'الحافلات'), 1, body);
      assert.doesNotMatch(body, /docx|characters|warnings|\{/);
      // أ for ا: the query is normalised as the text was.
      const hit = await only('الحافلأت');
      assertReadable(hit.snippet, 'DOCX');
      assert.match(hit.snippet, /<mark>الحافلات<\/mark>/, hit.snippet);
    });

    it('an e-mail: its body and subject, never the raw message (headers, base64, boundaries)', async () => {
      const item = await add(
        makeEmail('The convoy reached Khan al-Asal with 41 ambulances. وصلت سيارات الإسعاف.', [
          {
            name: 'note.txt',
            data: Buffer.from('Attached tally: 41 ambulances, 308 buses.'),
            type: 'text/plain',
          },
        ]),
        'message.eml',
      );
      await drain();
      const body = await bodyOf(item.id);
      assert.doesNotMatch(body, /Content-Type|boundary|MIME-Version|b1_attest|\{/, body);
      assert.equal(count(body, 'Khan al-Asal'), 1, body);
      assert.equal(count(body, 'Attached tally'), 1, 'the attachment once, as text');
      assert.match(body, /Convoy at Ramouseh/, 'the subject is searchable');
      const hit = await only('ambulances "khan al-asal"');
      assertReadable(hit.snippet, 'e-mail');
      assert.match(hit.snippet, /<mark>ambulances<\/mark>/);
      const ar = await only('الاسعاف');
      assert.match(ar.snippet, /<mark>الإسعاف<\/mark>/, ar.snippet);
    });

    it('a web capture (WARC): the page as its visible text, not its HTML', async () => {
      const item = await add(
        warc(
          '<html><head><title>تقرير</title><style>p{color:red}</style></head><body><p>قافلة المدنيين في <b>خان العسل</b></p><script>var quokka = 1;</script></body></html>',
        ),
        'capture.warc',
      );
      await drain();
      const body = await bodyOf(item.id);
      assert.doesNotMatch(body, /<p>|<b>|<script|quokka|color:red|\{/, body);
      assert.equal(count(body, 'قافلة المدنيين'), 1, body);
      const hit = await only('المدنيين');
      assertReadable(hit.snippet, 'WARC');
      assert.match(hit.snippet, /<mark>المدنيين<\/mark>/, hit.snippet);
      assert.equal(
        (await search(s.ctx, { q: 'quokka', compartments: 'all' })).total,
        0,
        'script text is not text',
      );
    });

    it('a photo of a sign: its OCR text, not its PDQ hash or EXIF JSON', async (t) => {
      const item = await add(await textImage('TANGERINE CHECKPOINT'), 'sign.png');
      await drain();
      // Without tesseract intake derives no OCR text (its facts say why; extractors.test.ts).
      const derived = (await intakeState(s.ctx, item)).derived.map((d) => d.kind);
      if (!derived.includes('ocr-text')) return t.skip('tesseract is not installed');
      const body = await bodyOf(item.id);
      assert.doesNotMatch(body, /pdq|width|\{/, body);
      const hit = await only('tangerine');
      assertReadable(hit.snippet, 'OCR');
      assert.match(hit.snippet, /<mark>TANGERINE<\/mark>/i, hit.snippet);
    });

    it('a text file: once, not as its bytes and again as the extracted text', async () => {
      const item = await add(Buffer.from('Bus 17 carried saffron sacks past the checkpoint.'), 'note.txt');
      await drain();
      assert.equal(count(await bodyOf(item.id), 'saffron'), 1);
      assert.equal(count((await only('saffron')).snippet, 'saffron'), 1);
    });
  });
}

describe('readableFacts', () => {
  it('keeps the words a person wrote and drops counts, hashes and formats', () => {
    assert.equal(
      readableFacts(
        '{"extractor":"pdf","pages":2,"title":"Convoy report","author":"Monitor 07","pageCharacters":[3,4]}',
      ),
      'Convoy report\nMonitor 07',
    );
    assert.equal(
      readableFacts('{"format":"email","subject":"قافلة","from":"A <a@example.org>"}'),
      'قافلة\nA <a@example.org>',
    );
  });
  it('reads nothing from what is not a JSON object', () => {
    for (const bad of ['', 'not json', '[1,2]', 'null', '"title"', '{"title":{"x":1}}'])
      assert.equal(readableFacts(bad), '');
  });
});
