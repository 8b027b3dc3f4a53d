/**
 * isolate-child.ts — the child side of isolate.ts: receives one request, runs the named
 * extractor, writes in-memory derivative bytes to the scratch directory, and answers with the
 * extraction (or the error), then exits.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Derivative } from './derive.js';
import { IntakeError } from './errors.js';
import type { Extraction } from './extractor.js';
import { ISOLATED_EXTRACTORS } from './extractors/isolated.js';
import type { IsolatedMessage, IsolatedRequest } from './isolate.js';

function send(m: IsolatedMessage): Promise<void> {
  return new Promise((resolve) => process.send!(m, undefined, undefined, () => resolve()));
}

process.once('message', async (req: IsolatedRequest) => {
  try {
    const extractor = ISOLATED_EXTRACTORS.find((x) => x.name === req.extractor);
    if (!extractor) throw new Error(`no isolated extractor ${req.extractor}`);
    const extraction = await extractor.extract({
      ...req.input,
      head: Buffer.from(req.input.head, 'base64'),
      signal: new AbortController().signal,
      report: (percent, note) => send({ type: 'progress', percent, ...(note ? { note } : {}) }),
    });
    const derivatives: Derivative[] = [];
    for (const [i, d] of extraction.derivatives.entries()) {
      if (d.content instanceof Uint8Array) {
        const path = join(req.input.tmpDir, `d${i}`);
        await writeFile(path, d.content, { mode: 0o600 });
        derivatives.push({ ...d, content: { path } });
      } else derivatives.push(d);
    }
    const out: Extraction = { ...extraction, derivatives };
    await send({ type: 'done', extraction: out });
  } catch (err) {
    const e = err as Error;
    await send({
      type: 'error',
      code: err instanceof IntakeError ? err.code : 'MALFORMED',
      message: (e?.message ?? String(err)).split('\n')[0]!.slice(0, 500),
      intake: err instanceof IntakeError,
    });
  }
  process.exit(0);
});
// Loaded: the parent sends the request now and starts the tool's time limit (isolate.ts).
void send({ type: 'ready' });
