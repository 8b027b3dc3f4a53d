/**
 * conditional.ts — conditional requests, RFC 9110 §13: If-Match, If-None-Match,
 * If-Modified-Since, If-Unmodified-Since (evaluated in the order of §13.2.2) and If-Range
 * (§13.1.5). Pure functions over the request's headers and the representation's validators, used
 * by the evidence download (an item's bytes: strong ETag from the SHA-256, Last-Modified from
 * when it was stored — bytes never change) and by the JSON hook (json-validators.ts), which gives
 * every GET under /api a weak ETag of the JSON it sends.
 *
 * All of these headers are attacker-controlled: entity-tag lists are parsed by the §8.8.3 grammar
 * with a bound on their length, anything malformed is treated as matching nothing (a malformed
 * If-None-Match never yields 304), and an invalid date is ignored, as §13.1.3/§13.1.4 require.
 */

/** The validators a representation carries: a strong entity tag and, optionally, a date. */
export interface Validators {
  /** A strong entity tag, quoted: `"sha256:ab…"` (RFC 9110 §8.8.3). */
  readonly etag: string;
  readonly lastModified?: Date;
}

export type Precondition = 'proceed' | 'not-modified' | 'precondition-failed';

/** The most entity tags read from one header; a longer list is treated as malformed. */
const MAX_TAGS = 64;
const MAX_HEADER = 8192;
// entity-tag = [ weak ] opaque-tag; opaque-tag = DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;

type Tags = '*' | { weak: boolean; opaque: string }[] | undefined;

/** parseTags reads `*` or a comma-separated list of entity tags; undefined when malformed. */
export function parseTags(header: string | string[] | undefined): Tags {
  if (header === undefined) return undefined;
  const raw = Array.isArray(header) ? header.join(',') : header;
  if (raw.length > MAX_HEADER) return [];
  if (raw.trim() === '*') return '*';
  const parts = raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length > MAX_TAGS) return [];
  const tags: { weak: boolean; opaque: string }[] = [];
  for (const part of parts) {
    const m = ENTITY_TAG.exec(part);
    // One malformed member makes the whole field match nothing, rather than guessing.
    if (!m) return [];
    tags.push({ weak: m[1] !== undefined, opaque: m[2]! });
  }
  return tags;
}

function opaqueOf(etag: string): string {
  return etag.replace(/^W\//, '').slice(1, -1);
}

/** Strong comparison (§8.8.3.2): both strong and identical. */
function strongMatch(tags: Tags, etag: string): boolean {
  if (tags === '*') return true;
  return (tags ?? []).some((t) => !t.weak && t.opaque === opaqueOf(etag));
}

/** Weak comparison: identical opaque tags, either or both may be weak. */
function weakMatch(tags: Tags, etag: string): boolean {
  if (tags === '*') return true;
  return (tags ?? []).some((t) => t.opaque === opaqueOf(etag));
}

/** parseHttpDate reads an IMF-fixdate (or the obsolete forms Date.parse accepts); else undefined. */
export function parseHttpDate(header: string | string[] | undefined): Date | undefined {
  if (typeof header !== 'string' || header.length > 64) return undefined;
  if (!/^[A-Za-z]{3},? /.test(header.trim()) && !/^[A-Za-z]+day, /.test(header.trim())) return undefined;
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** HTTP dates have one-second resolution: compare whole seconds. */
function seconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * evaluatePreconditions applies RFC 9110 §13.2.2 for a request on a representation that exists
 * and has `validators`: 412 when If-Match or If-Unmodified-Since fails, 304 for a GET or HEAD whose
 * If-None-Match or If-Modified-Since says the client's copy is current (412 for other methods).
 */
export function evaluatePreconditions(
  method: string,
  headers: Headers,
  validators: Validators,
): Precondition {
  const safe = method === 'GET' || method === 'HEAD';
  // Step 1 and 2: If-Match, else If-Unmodified-Since.
  if (headers['if-match'] !== undefined) {
    if (!strongMatch(parseTags(headers['if-match']), validators.etag)) return 'precondition-failed';
  } else if (validators.lastModified) {
    const since = parseHttpDate(headers['if-unmodified-since']);
    if (since && seconds(validators.lastModified) > seconds(since)) return 'precondition-failed';
  }
  // Step 3 and 4: If-None-Match, else If-Modified-Since (GET and HEAD only).
  if (headers['if-none-match'] !== undefined) {
    if (weakMatch(parseTags(headers['if-none-match']), validators.etag))
      return safe ? 'not-modified' : 'precondition-failed';
  } else if (safe && validators.lastModified) {
    const since = parseHttpDate(headers['if-modified-since']);
    if (since && seconds(validators.lastModified) <= seconds(since)) return 'not-modified';
  }
  return 'proceed';
}

/**
 * rangeApplies says whether a Range header may be honoured given If-Range (§13.1.5): yes when
 * there is no If-Range; when it names the current strong entity tag; or when it is a date equal to
 * Last-Modified. Otherwise the whole representation is sent (200), as the client's copy is stale.
 */
export function rangeApplies(headers: Headers, validators: Validators): boolean {
  const ifRange = headers['if-range'];
  if (ifRange === undefined) return true;
  if (typeof ifRange !== 'string') return false;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) {
    const tags = parseTags(value);
    return tags !== '*' && tags !== undefined && tags.length === 1 && strongMatch(tags, validators.etag);
  }
  const date = parseHttpDate(value);
  return (
    date !== undefined &&
    validators.lastModified !== undefined &&
    seconds(date) === seconds(validators.lastModified)
  );
}
