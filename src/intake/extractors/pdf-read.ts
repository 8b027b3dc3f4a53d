/**
 * pdf-read.ts — the text of a PDF, page by page, with its document information and page count
 * (pdfjs-dist, Mozilla's PDF.js). Runs in the isolated child (isolate.ts): PDF.js copes with
 * truncated files by rebuilding the cross-reference table, and a file whose object references
 * loop is stopped by the child's time limit. A page with almost no text but an image is flagged
 * as scanned, for OCR.
 */
import { readFile } from 'node:fs/promises';
import { IntakeError } from '../errors.js';
import type { ExtractInput, Extraction, Extractor } from '../extractor.js';

export const PDF_TOOL = 'pdfjs-dist';
/** Fewer characters than this on a page with an image: the page is treated as scanned. */
const SCANNED_MAX_CHARS = 16;

interface TextItem {
  readonly str?: string;
  readonly hasEOL?: boolean;
}

export const pdfReader: Extractor = {
  name: 'pdf',
  accepts: (mediaType) => mediaType === 'application/pdf',
  async extract(input: ExtractInput): Promise<Extraction> {
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const data = new Uint8Array(await readFile(input.path));
    let doc: Awaited<ReturnType<typeof pdfjs.getDocument>['promise']>;
    try {
      doc = await pdfjs.getDocument({
        data,
        disableFontFace: true,
        isEvalSupported: false,
        useSystemFonts: false,
        verbosity: 0,
        stopAtErrors: false,
      }).promise;
    } catch (err) {
      throw new IntakeError('MALFORMED', `not a readable PDF: ${(err as Error).message}`);
    }
    if (doc.numPages > input.limits.maxPdfPages) {
      throw new IntakeError(
        'TOO_MANY_PAGES',
        `the PDF has ${doc.numPages} pages, over the limit of ${input.limits.maxPdfPages} (ATTEST_INTAKE_MAX_PDF_PAGES)`,
      );
    }
    const info = ((await doc.getMetadata().catch(() => null))?.info ?? {}) as Record<string, unknown>;
    const pages: { page: number; characters: number; scanned: boolean }[] = [];
    const derivatives: Extraction['derivatives'][number][] = [];
    const all: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      const text = (content.items as TextItem[])
        .map((i) => (i.str ?? '') + (i.hasEOL ? '\n' : ''))
        .join('')
        .trim();
      let scanned = false;
      if (text.length < SCANNED_MAX_CHARS) {
        const ops = await page.getOperatorList();
        const paintImage = new Set([pdfjs.OPS.paintImageXObject, pdfjs.OPS.paintInlineImageXObject]);
        scanned = ops.fnArray.some((f) => paintImage.has(f));
      }
      pages.push({ page: n, characters: text.length, scanned });
      all.push(text);
      derivatives.push({
        kind: 'page-text',
        key: `page:${n}`,
        content: Buffer.from(text, 'utf8'),
        mediaType: 'text/plain; charset=utf-8',
        originalName: `page-${n}.txt`,
        title: `Text of page ${n}`,
        tool: PDF_TOOL,
        toolVersion: pdfjs.version,
        metadata: { page: n, scanned },
      });
      page.cleanup();
      await input.report((n / doc.numPages) * 100, `page ${n} of ${doc.numPages}`);
    }
    // Pages are separated by form feeds, as pdftotext does, so offsets map back to pages.
    derivatives.push({
      kind: 'text',
      key: 'all',
      content: Buffer.from(all.join('\f'), 'utf8'),
      mediaType: 'text/plain; charset=utf-8',
      originalName: 'text.txt',
      tool: PDF_TOOL,
      toolVersion: pdfjs.version,
      metadata: { pages: doc.numPages, pageSeparator: 'form-feed' },
    });
    await doc.destroy();
    const pick = (k: string) => (typeof info[k] === 'string' ? (info[k] as string).slice(0, 500) : null);
    return {
      facts: {
        pages: doc.numPages,
        title: pick('Title'),
        author: pick('Author'),
        creator: pick('Creator'),
        producer: pick('Producer'),
        created: pick('CreationDate'),
        modified: pick('ModDate'),
        pdfVersion: pick('PDFFormatVersion'),
        scannedPages: pages.filter((p) => p.scanned).map((p) => p.page),
        pageCharacters: pages.map((p) => p.characters),
      },
      derivatives,
    };
  },
};
