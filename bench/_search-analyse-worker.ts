/**
 * _search-analyse-worker.ts — a worker thread of the search bench's bulk load: it receives
 * batches of generated documents and answers with them analysed (_search-analyse.ts).
 */
import { parentPort } from 'node:worker_threads';
import { analyseDoc, type RawDoc } from './_search-analyse.js';

parentPort!.on('message', (m: { seq: number; dialect: 'sqlite' | 'postgres'; docs: RawDoc[] }) => {
  parentPort!.postMessage({ seq: m.seq, docs: m.docs.map((d) => analyseDoc(d, m.dialect)) });
});
