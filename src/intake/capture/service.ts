/**
 * service.ts — web capture: fetch a page (fetch.ts), write the exchanges as one WARC 1.1 file
 * (warc.ts) and record that file as the item (`application/warc`), with the capture time as its
 * collection time. The item gets its intake job like any other (recordItems), and intake's WARC
 * extractor then derives the page's body and its text, so a captured page is searchable.
 *
 * A capture that fails (no answer, endless redirects, a body past the limit, past the time
 * limit, a blocked address) records nothing and says why (CAPTURE_FAILED, TOO_MANY_REDIRECTS,
 * CAPTURE_TOO_LARGE, TIMEOUT, INVALID_URL).
 */
import type { Ctx } from '../../ctx.js';
import { type Item, recordItems, stageContent } from '../../vault/index.js';
import { fetchPage, parseCaptureUrl } from './fetch.js';
import { buildWarc } from './warc.js';

export const WARC_MEDIA_TYPE = 'application/warc';

export interface CaptureInput {
  readonly url: string;
  /** Where the link came from (default: "web capture"). */
  readonly source?: string;
  /** Who asked for the capture: an id, not a name (default: the actor). */
  readonly collectedBy?: string;
  readonly compartment?: string;
  readonly title?: string;
  /** The acting user or process id. */
  readonly actor: string;
  readonly signal?: AbortSignal;
}

export interface CaptureResult {
  readonly item: Item;
  readonly url: string;
  readonly finalUrl: string;
  readonly status: number;
  readonly redirects: number;
  readonly bytes: number;
}

/** captureUrl fetches `input.url` and stores the capture as a WARC item. */
export async function captureUrl(ctx: Ctx, input: CaptureInput): Promise<CaptureResult> {
  const start = parseCaptureUrl(input.url);
  const limits = ctx.config.intake;
  const exchanges = await fetchPage(start, {
    maxRedirects: limits.captureMaxRedirects,
    maxBytes: limits.captureMaxBytes,
    timeoutMs: limits.captureTimeoutMs,
    allowPrivate: ctx.config.captureAllowPrivate,
    now: ctx.clock,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const last = exchanges[exchanges.length - 1]!;
  const at = exchanges[0]!.at;
  const stamp = at.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const filename = `${start.hostname}-${stamp}.warc`.replace(/[^A-Za-z0-9._-]/g, '_');
  const warc = await buildWarc(exchanges, filename);
  const staged = await stageContent(ctx, warc, {
    originalName: filename,
    title: (input.title ?? `Web capture of ${start.toString()}`).slice(0, 500),
    provenance: {
      source: input.source ?? 'web capture',
      collectedAt: at,
      collectedBy: input.collectedBy ?? input.actor,
    },
    ...(input.compartment ? { compartment: input.compartment } : {}),
    metadata: {
      capture: {
        url: start.toString(),
        finalUrl: last.url,
        status: last.status,
        redirects: exchanges.length - 1,
        fetchedAt: at,
        format: 'WARC/1.1',
      },
    },
    actor: input.actor,
    allowDuplicate: true,
  });
  const [outcome] = await recordItems(ctx, [{ ...staged, mediaType: WARC_MEDIA_TYPE }]);
  return {
    item: outcome!.item,
    url: start.toString(),
    finalUrl: last.url,
    status: last.status,
    redirects: exchanges.length - 1,
    bytes: warc.length,
  };
}
