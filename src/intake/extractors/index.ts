// The extractors intake tries, in order; the first whose `accepts` says yes reads the item.
// Parsers of complex formats run in the isolated child process (isolate.ts).
import type { Extractor } from '../extractor.js';
import { runIsolated } from '../isolate.js';
import { docxReader } from './docx-read.js';
import { emlReader } from './eml-read.js';
import { imageExtractor } from './image.js';
import { pdfExtractor } from './pdf.js';
import { textExtractor } from './text.js';
import { videoExtractor } from './video.js';
import { warcReader } from './warc-read.js';
import { zipExtractor } from './zip.js';

/** isolated runs `reader` in the child process, with its time limit and memory cap. */
function isolated(reader: Extractor): Extractor {
  return { name: reader.name, accepts: reader.accepts, extract: (input) => runIsolated(reader.name, input) };
}

export const EXTRACTORS: readonly Extractor[] = [
  pdfExtractor,
  isolated(warcReader),
  isolated(docxReader),
  isolated(emlReader),
  zipExtractor,
  imageExtractor,
  textExtractor,
  videoExtractor,
];
