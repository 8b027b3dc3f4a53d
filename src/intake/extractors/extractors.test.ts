/**
 * extractors.test.ts — each extractor on files the test generates: what it derives and the facts
 * it finds, and the clear failure it gives for broken or hostile input.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import {
  loopingPdf,
  makeDocx,
  makeEmail,
  makeManyMemberZip,
  makeNestedEmail,
  makeZip,
  pngDeclaring,
} from '../../../test/support/intake-fixtures.js';
import { scratchDir } from '../../../test/support/stores.js';
import { DEFAULT_INTAKE_LIMITS, type IntakeLimits } from '../../lib/intake-limits.js';
import { sniffMediaType } from '../../vault/index.js';
import type { Derivative } from '../derive.js';
import { IntakeError } from '../errors.js';
import type { Extraction } from '../extractor.js';
import { ocrStatus } from '../ocr.js';
import { toolInfo } from '../tools.js';
import { EXTRACTORS } from './index.js';

let dir: string;
before(() => {
  dir = scratchDir('extract-');
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** extract runs the extractor intake would pick for `bytes`, as intake would. */
async function extract(
  bytes: Buffer,
  limits: Partial<IntakeLimits> = {},
  depth = 0,
): Promise<Extraction & { name: string }> {
  const work = mkdtempSync(join(dir, 'job-'));
  const path = join(work, 'original');
  writeFileSync(path, bytes);
  const head = bytes.subarray(0, 4096);
  const mediaType = await sniffMediaType(head);
  const x = EXTRACTORS.find((e) => e.accepts(mediaType, head));
  if (!x) throw new Error(`no extractor for ${mediaType}`);
  const out = await x.extract({
    mediaType,
    path,
    size: bytes.length,
    head,
    depth,
    tmpDir: work,
    limits: { ...DEFAULT_INTAKE_LIMITS, toolTimeoutMs: 300_000, ...limits },
    signal: new AbortController().signal,
    report: async () => {},
  });
  return { ...out, name: x.name };
}

function textOf(d: Derivative | undefined): string {
  assert.ok(d, 'derivative present');
  return (d.content instanceof Uint8Array ? Buffer.from(d.content) : readFileSync(d.content.path)).toString(
    'utf8',
  );
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<IntakeError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof IntakeError, `want IntakeError ${code}, got ${(err as Error).message}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`want IntakeError ${code}, got success`);
}

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

/** textImage renders `text` black on white as a PNG (for OCR). */
function textImage(text: string, lang: string, width = 1200): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="200"><rect width="100%" height="100%" fill="white"/><text x="40" y="120" font-family="DejaVu Sans" font-size="64" direction="${lang === 'ar' ? 'rtl' : 'ltr'}">${text}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('PDF extractor', () => {
  it('gives text per page, the page count and document information', async () => {
    const bytes = await pdf((doc) => {
      doc.text('Page one: convoy left Ramouseh at 10:30.');
      doc.addPage().text('Page two: 308 buses counted.');
    });
    const x = await extract(bytes);
    assert.equal(x.name, 'pdf');
    assert.equal(x.facts?.pages, 2);
    assert.equal(x.facts?.title, 'Convoy report');
    assert.deepEqual(x.facts?.scannedPages, []);
    assert.match(textOf(x.derivatives.find((d) => d.key === 'page:2')), /308 buses counted/);
    assert.match(textOf(x.derivatives.find((d) => d.kind === 'text')), /Ramouseh[\s\S]*\f[\s\S]*308 buses/);
  });

  it('flags a page that is only an image as scanned and OCRs it when tesseract is installed', async () => {
    const img = await textImage('EVACUATION CONVOY', 'en');
    const bytes = await pdf((doc) => {
      doc.image(img, 20, 20, { width: 560 });
    });
    const x = await extract(bytes);
    assert.deepEqual(x.facts?.scannedPages, [1]);
    const status = await ocrStatus();
    if (!status.available) {
      assert.match(String(x.facts?.ocr), /not run: tesseract/);
      return;
    }
    assert.match(textOf(x.derivatives.find((d) => d.kind === 'ocr-text')), /EVACUATION\s+CONVOY/);
  });

  it('fails a truncated PDF clearly', async () => {
    const bytes = await pdf((doc) => doc.text('cut short'));
    await rejectsWith(extract(bytes.subarray(0, 300)), 'MALFORMED');
  });

  it('stops a PDF whose page tree refers to itself', async () => {
    const err = await rejectsWith(extract(loopingPdf(), { toolTimeoutMs: 5000 }), 'MALFORMED').catch(
      async () => rejectsWith(extract(loopingPdf(), { toolTimeoutMs: 5000 }), 'TIMEOUT'),
    );
    assert.ok(err.message.length > 0);
  });

  it('refuses more pages than the limit', async () => {
    const bytes = await pdf((doc) => doc.text('1').addPage().text('2').addPage().text('3'));
    await rejectsWith(extract(bytes, { maxPdfPages: 2 }), 'TOO_MANY_PAGES');
  });
});

describe('OCR', () => {
  it('reads Arabic and English from an image (or says tesseract is absent)', async (t) => {
    const status = await ocrStatus();
    if (!status.available) {
      t.diagnostic(`OCR not tested: ${status.reason}`);
      return;
    }
    assert.ok(status.languages.includes('ara') && status.languages.includes('eng'), 'ara+eng installed');
  });
});

describe('DOCX extractor', () => {
  it('gives the text of a Word document, Arabic included', async () => {
    const x = await extract(makeDocx(['Witness statement', 'وصلت القافلة إلى الراشدين']));
    assert.equal(x.name, 'docx');
    assert.equal(textOf(x.derivatives[0]), 'Witness statement\n\nوصلت القافلة إلى الراشدين');
  });
});

describe('e-mail extractor', () => {
  it('gives headers, the body and each attachment (to be extracted in turn)', async () => {
    const x = await extract(
      makeEmail('Convoy held at Ramouseh.', [
        { name: 'list.txt', data: Buffer.from('bus 17'), type: 'text/plain' },
      ]),
    );
    assert.equal(x.name, 'email');
    assert.equal(x.facts?.subject, 'Convoy at Ramouseh');
    assert.equal(x.facts?.date, '2016-12-18T10:30:00.000Z');
    assert.equal(textOf(x.derivatives.find((d) => d.kind === 'body')), 'Convoy held at Ramouseh.');
    const att = x.derivatives.find((d) => d.kind === 'attachment');
    assert.equal(textOf(att), 'bus 17');
    assert.equal(att?.originalName, 'list.txt');
    assert.equal(att?.intakeDepth, 1);
  });

  it('refuses 5,000 nested MIME parts before parsing them', async () => {
    const err = await rejectsWith(extract(makeNestedEmail(5000)), 'TOO_MANY_PARTS');
    assert.match(err.message, /5000 MIME parts/);
  });

  it('refuses nesting past the depth limit', async () => {
    await rejectsWith(extract(makeNestedEmail(30)), 'TOO_DEEP');
  });
});

describe('zip extractor', () => {
  it('makes every member a derivative to be extracted one level deeper', async () => {
    const inner = makeZip([{ name: 'deep.txt', data: Buffer.from('inner') }]);
    const x = await extract(
      makeZip([
        { name: 'docs/', data: Buffer.alloc(0), method: 0 },
        { name: 'docs/a.txt', data: Buffer.from('alpha') },
        { name: 'inner.zip', data: inner, method: 0 },
      ]),
    );
    assert.equal(x.facts?.members, 2);
    const members = x.derivatives.filter((d) => d.kind === 'member');
    assert.deepEqual(
      members.map((m) => [m.originalName, m.intakeDepth]),
      [
        ['docs/a.txt', 1],
        ['inner.zip', 1],
      ],
    );
    assert.equal(textOf(members[0]), 'alpha');
  });

  it('refuses a zip bomb by its compression ratio, before inflating', async () => {
    const bomb = makeZip([{ name: 'zeros.bin', data: Buffer.alloc(20 * 1024 * 1024) }]);
    assert.ok(bomb.length < 100_000);
    await rejectsWith(extract(bomb), 'ZIP_BOMB');
  });

  it('refuses a nested zip bomb at the level where it expands', async () => {
    const bomb = makeZip([{ name: 'zeros.bin', data: Buffer.alloc(10 * 1024 * 1024) }]);
    const outer = makeZip(Array.from({ length: 4 }, (_, i) => ({ name: `b${i}.zip`, data: bomb })));
    const x = await extract(outer);
    assert.equal(x.derivatives.filter((d) => d.kind === 'member').length, 4, 'outer level is ordinary');
    await rejectsWith(extract(bomb, {}, 1), 'ZIP_BOMB');
    await rejectsWith(extract(outer, {}, DEFAULT_INTAKE_LIMITS.maxDepth + 1), 'TOO_DEEP');
  });

  it('refuses a total expansion past the archive limit', async () => {
    const z = makeZip([
      { name: 'a', data: Buffer.alloc(4096, 1), method: 0 },
      { name: 'b', data: Buffer.alloc(4096, 2), method: 0 },
    ]);
    await rejectsWith(extract(z, { maxArchiveBytes: 6000 }), 'ZIP_BOMB');
  });

  for (const name of ['../../etc/passwd', '/etc/passwd', 'a/../../b', 'C:\\Windows\\x', '\\\\server\\x']) {
    it(`refuses the member path ${JSON.stringify(name)}`, async () => {
      await rejectsWith(extract(makeZip([{ name, data: Buffer.from('x') }])), 'UNSAFE_PATH');
    });
  }

  it('refuses symbolic link members', async () => {
    await rejectsWith(
      extract(makeZip([{ name: 'link', data: Buffer.from('/etc/passwd'), unixMode: 0o120777, method: 0 }])),
      'UNSAFE_PATH',
    );
  });

  it('refuses encrypted members', async () => {
    await rejectsWith(
      extract(makeZip([{ name: 'secret.txt', data: Buffer.from('x'), encrypted: true }])),
      'ENCRYPTED',
    );
  });

  it('refuses 100,000 tiny members by count, from the directory alone', async () => {
    const err = await rejectsWith(extract(makeManyMemberZip(100_000)), 'TOO_MANY_MEMBERS');
    assert.match(err.message, /100000 members/);
  });
});

describe('image extractor', () => {
  it('gives dimensions, EXIF time and GPS, a thumbnail and a PDQ hash', async () => {
    const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#446688' } })
      .composite([{ input: await textImage('Ramouseh 1216', 'en', 600), top: 100, left: 0 }])
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
      .jpeg()
      .toBuffer();
    const x = await extract(jpeg);
    assert.equal(x.name, 'image');
    assert.equal(x.facts?.width, 640);
    assert.equal(x.facts?.takenAt, '2016-12-18T10:30:00');
    const gps = x.facts?.gps as { latitude: number; longitude: number };
    assert.ok(Math.abs(gps.latitude - (36 + 10 / 60)) < 1e-6, JSON.stringify(gps));
    assert.ok(Math.abs(gps.longitude - (37 + 9 / 60)) < 1e-6);
    assert.equal(x.facts?.make, 'TestCam');
    assert.match(x.pdq?.hash ?? '', /^[0-9a-f]{64}$/);
    const thumb = x.derivatives.find((d) => d.kind === 'thumbnail');
    const meta = await sharp(thumb!.content as Buffer).metadata();
    assert.equal(meta.width, 320);
    if ((await ocrStatus()).available) {
      assert.match(textOf(x.derivatives.find((d) => d.kind === 'ocr-text')), /Ramouseh/);
    } else assert.match(String(x.facts?.ocr), /not run: tesseract/);
  });

  it('refuses an image declaring 100,000 × 100,000 pixels before decoding it', async () => {
    const err = await rejectsWith(extract(pngDeclaring(100_000, 100_000)), 'TOO_MANY_PIXELS');
    assert.match(err.message, /100000×100000/);
  });
});

describe('video extractor', () => {
  let mp4: Buffer | undefined;
  before(async () => {
    if (!(await toolInfo('ffmpeg')).installed) return;
    const out = join(dir, 'clip.mp4');
    const { runTool } = await import('../tools.js');
    await runTool(
      'ffmpeg',
      [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc=duration=5:size=320x240:rate=10',
        '-pix_fmt',
        'yuv420p',
        out,
      ],
      { timeoutMs: 60_000 },
    );
    mp4 = readFileSync(out);
  });

  it('gives duration, keyframes every N seconds with PDQ hashes, and a thumbnail', async (t) => {
    if (!mp4) return t.skip('ffmpeg is not installed');
    const x = await extract(mp4, { keyframeSeconds: 2 });
    assert.equal(x.name, 'video');
    assert.ok(Math.abs(Number(x.facts?.durationSeconds) - 5) < 0.2);
    const frames = x.derivatives.filter((d) => d.kind === 'keyframe');
    assert.equal(frames.length, 3);
    assert.deepEqual(
      frames.map((f) => f.key),
      ['t:0', 't:2', 't:4'],
    );
    assert.ok(frames.every((f) => /^[0-9a-f]{64}$/.test(f.pdq?.hash ?? '')));
    assert.ok(x.derivatives.some((d) => d.kind === 'thumbnail'));
  });

  it('fails a truncated MP4 clearly', async (t) => {
    if (!mp4) return t.skip('ffmpeg is not installed');
    await rejectsWith(extract(mp4.subarray(0, Math.floor(mp4.length / 3))), 'MALFORMED');
  });
});

/** warcRecord writes one WARC/1.1 record by hand (so tests control every byte, lies included). */
function warcRecord(type: string, block: Buffer | string, extra: Record<string, string> = {}): Buffer {
  const body = Buffer.isBuffer(block) ? block : Buffer.from(block, 'utf8');
  const headers = {
    'WARC-Type': type,
    'WARC-Record-ID': `<urn:uuid:${randomUUID()}>`,
    'WARC-Date': '2016-12-16T09:30:00Z',
    'Content-Length': String(body.length),
    ...extra,
  };
  const head = `WARC/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body, Buffer.from('\r\n\r\n')]);
}

function httpResponse(status: string, contentType: string, body: string): string {
  return `HTTP/1.1 ${status}\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

describe('WARC extractor', () => {
  it('lists the records and derives the body of each successful response', async () => {
    const warc = Buffer.concat([
      warcRecord('warcinfo', 'software: test-crawler 1.0\r\n', { 'Content-Type': 'application/warc-fields' }),
      warcRecord('response', httpResponse('301 Moved', 'text/html', 'moved'), {
        'WARC-Target-URI': 'http://example.org/a',
        'Content-Type': 'application/http; msgtype=response',
      }),
      warcRecord('response', httpResponse('200 OK', 'text/html; charset=utf-8', '<p>قافلة</p>'), {
        'WARC-Target-URI': 'http://example.org/b/report.html',
        'Content-Type': 'application/http; msgtype=response',
      }),
    ]);
    const x = await extract(warc);
    assert.equal(x.name, 'warc');
    assert.equal(x.facts?.records, 3);
    assert.equal(x.facts?.software, 'test-crawler 1.0');
    const bodies = x.derivatives.filter((d) => d.kind === 'body');
    assert.deepEqual(
      bodies.map((b) => [b.originalName, b.mediaType, b.intakeDepth]),
      [['report.html', 'text/html; charset=utf-8', 1]],
    );
    assert.equal(textOf(bodies[0]), '<p>قافلة</p>');
  });

  it('refuses a record that declares more bytes than the limit, before reading it', async () => {
    const lie = Buffer.concat([
      Buffer.from(
        'WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:x>\r\nWARC-Date: 2016-12-16T09:30:00Z\r\nContent-Length: 999999999999\r\n\r\n',
      ),
      Buffer.from('tiny'),
    ]);
    await rejectsWith(extract(lie), 'TOO_LARGE');
  });

  it('refuses more records than the limit', async () => {
    const many = Buffer.concat(Array.from({ length: 60 }, () => warcRecord('metadata', 'x: y\r\n')));
    await rejectsWith(extract(many, { maxArchiveMembers: 50 }), 'TOO_MANY_MEMBERS');
  });

  it('fails a file that starts like a WARC and is not one', async () => {
    const garbage = Buffer.concat([Buffer.from('WARC/1.1\r\n'), randomBytes(5000)]);
    await rejectsWith(extract(garbage), 'MALFORMED');
  });
});
