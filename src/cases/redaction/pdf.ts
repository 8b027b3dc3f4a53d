/**
 * pdf.ts — PDF redaction by rendering: every page is rasterised (poppler's pdftoppm), the
 * regions are burnt into the page images, and a new PDF is made of those images only (pdfkit).
 * Nothing of the original's text layer, fonts, annotations, attachments or metadata survives,
 * so no hidden text is left under a black box — the failure mode of drawing boxes over a PDF.
 * Regions are in pixels of the page rendered at RENDER_DPI, pages 1-based.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { CaseError } from '../errors.js';
import { burnRegions, type Region } from './image.js';

const run = promisify(execFile);
export const RENDER_DPI = 150;
/** Bound on pages rendered (a hostile PDF may claim millions). */
export const MAX_PAGES = 2000;

/** redactPdf returns a new image-only PDF of `pdf` with `regions` burnt in. */
export async function redactPdf(pdf: Buffer, regions: readonly Region[]): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'attest-redact-'));
  try {
    await writeFile(join(dir, 'in.pdf'), pdf);
    try {
      await run(
        'pdftoppm',
        ['-r', String(RENDER_DPI), '-png', '-l', String(MAX_PAGES), join(dir, 'in.pdf'), join(dir, 'page')],
        {
          timeout: 300_000,
          maxBuffer: 1 << 20,
        },
      );
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new CaseError(
          'REDACTION_TOOL_MISSING',
          'pdftoppm (Debian package poppler-utils) is not installed',
        );
      throw new CaseError('INVALID_REDACTION', 'the item is not a PDF poppler can render');
    }
    const pages = (await readdir(dir))
      .filter((f) => /^page-\d+\.png$/.test(f))
      .sort((a, b) => pageNo(a) - pageNo(b));
    if (pages.length === 0) throw new CaseError('INVALID_REDACTION', 'the PDF has no pages');
    for (const r of regions) {
      if (!Number.isSafeInteger(r.page ?? 1) || (r.page ?? 1) < 1 || (r.page ?? 1) > pages.length)
        throw new CaseError('INVALID_REDACTION', `page ${r.page} is not in the PDF (1–${pages.length})`);
    }
    const doc = new PDFDocument({
      autoFirstPage: false,
      info: { Title: 'Redacted', Producer: 'Attest', Creator: 'Attest' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise<void>((res) => doc.on('end', () => res()));
    for (const [i, file] of pages.entries()) {
      const png = await readFile(join(dir, file));
      const mine = regions.filter((r) => (r.page ?? 1) === i + 1);
      const page = mine.length > 0 ? await burnRegions(png, mine, 'png') : await sharp(png).png().toBuffer();
      const { width = 0, height = 0 } = await sharp(page).metadata();
      const w = (width * 72) / RENDER_DPI;
      const h = (height * 72) / RENDER_DPI;
      doc.addPage({ size: [w, h], margin: 0 });
      doc.image(page, 0, 0, { width: w, height: h });
    }
    doc.end();
    await ended;
    return Buffer.concat(chunks);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function pageNo(file: string): number {
  return Number(/(\d+)/.exec(file)![1]);
}
