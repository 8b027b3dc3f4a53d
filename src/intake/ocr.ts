/**
 * ocr.ts — optical character recognition with Debian's tesseract (`tesseract-ocr`,
 * `tesseract-ocr-ara`, `tesseract-ocr-eng`), Arabic and English together (`-l ara+eng`). When
 * tesseract or a language is not installed, intake says so in the item's facts
 * (`ocr: "tesseract not installed"`) instead of failing: the item is still stored and extracted.
 */
import type { Derivative } from './derive.js';
import { runTool, toolInfo } from './tools.js';

export const OCR_LANGUAGES = ['ara', 'eng'] as const;

export interface OcrStatus {
  readonly available: boolean;
  /** Why OCR did not run, for the item's facts. */
  readonly reason?: string;
  readonly version: string;
  readonly languages: readonly string[];
}

/** ocrStatus tells whether OCR can run here and with which of Arabic and English. */
export async function ocrStatus(): Promise<OcrStatus> {
  const t = await toolInfo('tesseract');
  if (!t.installed)
    return { available: false, reason: 'tesseract is not installed', version: 'none', languages: [] };
  const langs = OCR_LANGUAGES.filter((l) => t.languages?.includes(l));
  if (langs.length === 0)
    return {
      available: false,
      reason: 'tesseract has neither ara nor eng installed',
      version: t.version,
      languages: [],
    };
  return { available: true, version: t.version, languages: langs };
}

/** ocrImage returns the text tesseract reads in the image at `path`. */
export async function ocrImage(
  path: string,
  status: OcrStatus,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string> {
  const { stdout } = await runTool(
    'tesseract',
    [path, 'stdout', '-l', status.languages.join('+'), '--psm', '3'],
    {
      timeoutMs,
      ...(signal ? { signal } : {}),
    },
  );
  return stdout.toString('utf8').replace(/\f/g, '\n').trim();
}

/** ocrDerivative wraps OCR text as an `ocr-text` derivative. */
export function ocrDerivative(
  key: string,
  text: string,
  status: OcrStatus,
  metadata: Record<string, unknown>,
): Derivative {
  return {
    kind: 'ocr-text',
    key,
    content: Buffer.from(text, 'utf8'),
    mediaType: 'text/plain; charset=utf-8',
    originalName: `ocr-${key.replace(/[^a-z0-9-]/gi, '-')}.txt`,
    tool: 'tesseract',
    toolVersion: status.version,
    metadata: { ...metadata, languages: status.languages.join('+') },
  };
}
