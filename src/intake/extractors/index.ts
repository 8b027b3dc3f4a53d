// The extractors intake tries, in order; the first whose `accepts` says yes reads the item.
import type { Extractor } from '../extractor.js';
import { textExtractor } from './text.js';

export const EXTRACTORS: readonly Extractor[] = [textExtractor];
