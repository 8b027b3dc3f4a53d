/**
 * extractor.ts — the contract every extractor module implements (extractors/*.ts): given a
 * verified temporary copy of an item's bytes, return derivatives (text, thumbnails, members…),
 * facts about the item (page count, EXIF…) and, for images, a PDQ hash. Extractors never write to
 * the database or the vault themselves: the intake job records what they return.
 */

import type { IntakeLimits } from '../lib/intake-limits.js';
import type { Derivative } from './derive.js';

export interface ExtractInput {
  /** The media type sniffed at ingest (content-based). */
  readonly mediaType: string;
  /** A verified temporary copy of the item's bytes. */
  readonly path: string;
  readonly size: number;
  /** The item's first bytes (up to 4 KiB), for sniffing. */
  readonly head: Buffer;
  /** How deep inside archives/e-mails this item sits (0 for an original). */
  readonly depth: number;
  /** A scratch directory for outputs, removed after the job. */
  readonly tmpDir: string;
  readonly limits: IntakeLimits;
  readonly signal: AbortSignal;
  report(percent: number, note?: string): Promise<void>;
}

export interface Extraction {
  readonly derivatives: readonly Derivative[];
  /** Facts about the item, kept as its `metadata` derivative (JSON). */
  readonly facts?: Record<string, unknown>;
  /** The item's own perceptual hash (images). */
  readonly pdq?: { readonly hash: string; readonly quality: number };
}

export interface Extractor {
  /** Short name shown in job results, e.g. `text`, `pdf`. */
  readonly name: string;
  /** accepts says whether this extractor reads content of `mediaType` starting with `head`. */
  accepts(mediaType: string, head: Buffer): boolean;
  extract(input: ExtractInput): Promise<Extraction>;
}
