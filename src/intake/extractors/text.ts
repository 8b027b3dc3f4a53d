/**
 * text.ts — plain text and HTML: the text with its encoding detected (text-decode.ts; UTF-8,
 * UTF-16, Windows-1256 for Arabic), HTML reduced to its visible text (html-text.ts). The result
 * is one `text` derivative in UTF-8.
 */
import { readFile } from 'node:fs/promises';
import { IntakeError } from '../errors.js';
import type { ExtractInput, Extraction, Extractor } from '../extractor.js';
import { htmlToText, looksLikeHtml } from '../html-text.js';
import { decodeText } from '../text-decode.js';

export const TEXT_TOOL = 'attest-text';
export const TEXT_TOOL_VERSION = '1';

export const textExtractor: Extractor = {
  name: 'text',
  accepts(mediaType, head) {
    if (mediaType.startsWith('text/') || mediaType === 'application/xhtml+xml') return true;
    // Legacy code pages and UTF-16 have no magic bytes: the vault calls them octet-stream (and
    // file-type reads a UTF-16LE BOM, FF FE, as an MPEG audio frame sync).
    return (mediaType === 'application/octet-stream' || hasUtf16Bom(head)) && looksLikeText(head);
  },
  async extract(input: ExtractInput): Promise<Extraction> {
    if (input.size > input.limits.maxTextBytes) {
      throw new IntakeError(
        'TOO_LARGE',
        `text of ${input.size} bytes is over the intake limit of ${input.limits.maxTextBytes}`,
      );
    }
    const bytes = await readFile(input.path);
    const probe = decodeText(bytes.subarray(0, 1024), { html: true });
    const html = looksLikeHtml(probe.text) || input.mediaType.startsWith('text/html');
    const decoded = decodeText(bytes, { html });
    const { text, title } = html ? htmlToText(decoded.text) : { text: decoded.text, title: null };
    const facts = {
      encoding: decoded.encoding,
      encodingDetectedBy: decoded.detectedBy,
      format: html ? 'html' : 'plain',
      characters: text.length,
      ...(title ? { htmlTitle: title.slice(0, 500) } : {}),
    };
    return {
      facts,
      derivatives: [
        {
          kind: 'text',
          key: 'all',
          content: Buffer.from(text, 'utf8'),
          mediaType: 'text/plain; charset=utf-8',
          originalName: 'text.txt',
          tool: TEXT_TOOL,
          toolVersion: TEXT_TOOL_VERSION,
          metadata: { sourceEncoding: decoded.encoding, format: facts.format },
        },
      ],
    };
  },
};

function hasUtf16Bom(head: Buffer): boolean {
  return (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
}

/** looksLikeText: the head decodes (BOM, NUL pattern, UTF-8 or a code page) to no C0 controls but tab, CR, LF, FF. */
export function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return false;
  // The head may end inside a character: judge all but its last few code units.
  const { text } = decodeText(head);
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text.slice(0, -2));
}
