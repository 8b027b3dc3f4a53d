// isolate-child-boot.mjs — entry of the isolated extraction child (isolate.ts). Plain JavaScript
// on purpose: PDF.js must be loaded, with its worker module placed where its "fake worker" looks
// for it (globalThis.pdfjsWorker), before tsx's loader is involved, because PDF.js's modules
// never finish loading through tsx's global loader hooks. The TypeScript child is then loaded
// with tsx's scoped tsImport.
import { tsImport } from 'tsx/esm/api';

await import('pdfjs-dist/legacy/build/pdf.mjs');
globalThis.pdfjsWorker = await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
await tsImport('./isolate-child.ts', import.meta.url);
