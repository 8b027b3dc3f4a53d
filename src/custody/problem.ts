/**
 * problem.ts — one finding of `attest verify`, in the vault's checks and the log's alike.
 */

/** Problem names what it is about (an ERN, a blob hash, a log index) and never carries payload contents. */
export interface Problem {
  /** Stable machine-readable kind, e.g. blob-corrupt. */
  readonly code: string;
  /** What it is about: an ERN, a blob hash, a log index. */
  readonly subject: string;
  readonly message: string;
}
