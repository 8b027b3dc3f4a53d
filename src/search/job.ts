/**
 * job.ts — the `search-index` job kind: after an item's intake job completes (its text, OCR,
 * page text, attachments and members are recorded as derived items), the worker indexes the
 * item's root in the same background queue, so search results include extracted text without
 * waiting for the catch-up that runs before each search (indexer.ts, syncIndex).
 */
import type { JobKind } from '../store/job-worker.js';
import { INTAKE_JOB } from '../store/jobs.js';
import { indexItem } from './indexer.js';

export const SEARCH_INDEX_JOB = 'search-index';

/** searchIndexJob indexes one item (through its root); enqueued after each intake job. */
export const searchIndexJob: JobKind = {
  name: SEARCH_INDEX_JOB,
  after: [INTAKE_JOB],
  maxAttempts: 5,
  timeoutMs: 5 * 60_000,
  run: async (ctx, job) => ({ outcome: job.itemId ? await indexItem(ctx, job.itemId) : 'missing' }),
};
