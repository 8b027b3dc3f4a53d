// The extractors that run only inside the isolated child process (isolate.ts).
import type { Extractor } from '../extractor.js';
import { docxReader } from './docx-read.js';
import { emlReader } from './eml-read.js';
import { pdfReader } from './pdf-read.js';
import { warcReader } from './warc-read.js';

export const ISOLATED_EXTRACTORS: readonly Extractor[] = [pdfReader, docxReader, emlReader, warcReader];
