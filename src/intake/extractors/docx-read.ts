/**
 * docx-read.ts — Word (.docx) documents: their text (mammoth), run in the isolated child
 * (a .docx is a zip: an inflated bomb there exhausts the child's memory cap, not the worker's).
 */
import mammoth from 'mammoth';
import { IntakeError } from '../errors.js';
import type { ExtractInput, Extraction, Extractor } from '../extractor.js';

export const DOCX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export const docxReader: Extractor = {
  name: 'docx',
  accepts: (mediaType) => mediaType === DOCX_MEDIA_TYPE,
  async extract(input: ExtractInput): Promise<Extraction> {
    let value: string;
    let messages: { type: string; message: string }[];
    try {
      ({ value, messages } = await mammoth.extractRawText({ path: input.path }));
    } catch (err) {
      throw new IntakeError('MALFORMED', `not a readable .docx: ${(err as Error).message}`);
    }
    const text = value.replace(/\n{3,}/g, '\n\n').trim();
    return {
      facts: { format: 'docx', characters: text.length, warnings: messages.length },
      derivatives: [
        {
          kind: 'text',
          key: 'all',
          content: Buffer.from(text, 'utf8'),
          mediaType: 'text/plain; charset=utf-8',
          originalName: 'text.txt',
          tool: 'mammoth',
          toolVersion: MAMMOTH_VERSION,
        },
      ],
    };
  },
};

const MAMMOTH_VERSION = '1.13';
