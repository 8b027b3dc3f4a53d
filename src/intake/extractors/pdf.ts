/**
 * pdf.ts — PDFs: text per page, document information and page count (pdf-read.ts, run in the
 * isolated child), then OCR of the pages flagged as scanned: each is rendered at 200 dpi with
 * poppler's `pdftoppm` and read by tesseract (Arabic + English) into an `ocr-text` derivative.
 */
import { join } from 'node:path';
import type { ExtractInput, Extraction, Extractor } from '../extractor.js';
import { runIsolated } from '../isolate.js';
import { ocrDerivative, ocrImage, ocrStatus } from '../ocr.js';
import { runTool, toolInfo } from '../tools.js';

/** At most this many scanned pages are OCR'd per PDF (each costs seconds). */
const MAX_OCR_PAGES = 200;

export const pdfExtractor: Extractor = {
  name: 'pdf',
  accepts: (mediaType) => mediaType === 'application/pdf',
  async extract(input: ExtractInput): Promise<Extraction> {
    const base = await runIsolated('pdf', { ...input, report: (p, n) => input.report(p * 0.7, n) });
    const scanned = (base.facts?.scannedPages as number[] | undefined) ?? [];
    if (scanned.length === 0) return base;
    const status = await ocrStatus();
    const poppler = await toolInfo('pdftoppm');
    if (!status.available || !poppler.installed) {
      const reason = status.reason ?? 'pdftoppm (poppler-utils) is not installed';
      return { ...base, facts: { ...base.facts, ocr: `not run: ${reason}` } };
    }
    const derivatives = [...base.derivatives];
    for (const [i, page] of scanned.slice(0, MAX_OCR_PAGES).entries()) {
      input.signal.throwIfAborted();
      const prefix = join(input.tmpDir, `page-${page}`);
      await runTool(
        'pdftoppm',
        ['-r', '200', '-f', String(page), '-l', String(page), '-png', '-singlefile', input.path, prefix],
        { timeoutMs: input.limits.toolTimeoutMs, signal: input.signal },
      );
      const text = await ocrImage(`${prefix}.png`, status, input.limits.toolTimeoutMs, input.signal);
      derivatives.push(ocrDerivative(`page:${page}`, text, status, { page }));
      await input.report(70 + ((i + 1) / scanned.length) * 30, `OCR page ${page}`);
    }
    return {
      ...base,
      derivatives,
      facts: {
        ...base.facts,
        ocr: `tesseract ${status.version} (${status.languages.join('+')})`,
        ocrPages: scanned.slice(0, MAX_OCR_PAGES),
      },
    };
  },
};
