// isolate-child-boot.mjs — entry of the isolated extraction child (isolate.ts). Plain JavaScript
// on purpose: PDF.js must be loaded, with its worker module placed where its "fake worker" looks
// for it (globalThis.pdfjsWorker), before tsx's loader is involved, because PDF.js's modules
// never finish loading through tsx's global loader hooks. The child itself is then loaded: the
// compiled one when this file runs from dist/ (scripts/build-cli.js copies it there beside
// isolate-child.js), else the TypeScript source with tsx's scoped tsImport.
import { existsSync } from 'node:fs';

await import('pdfjs-dist/legacy/build/pdf.mjs');
globalThis.pdfjsWorker = await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
const compiled = new URL('./isolate-child.js', import.meta.url);
if (existsSync(compiled)) await import(compiled.href);
else await (await import('tsx/esm/api')).tsImport('./isolate-child.ts', import.meta.url);
