/**
 * layout.ts — where things sit in an Attest package (a BagIt 1.0 bag, RFC 8493) and the shape
 * of its Attest tag files. Shared by the writer (build.ts) and the verifier (verify.ts); the
 * standalone verify.mjs repeats these names, and a test checks they agree.
 *
 *   bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt  README.txt  verify.mjs
 *   attest/package-info.json     the package: case, RFA, items with their paths and entries
 *   attest/custody-entries.jsonl every custody-log entry about an included item (leaf data)
 *   attest/inclusion-proofs.json RFC 6962 audit paths of those entries to the checkpoint
 *   attest/checkpoint.txt        the C2SP signed checkpoint the proofs lead to
 *   attest/verifier-key.txt      the deployment's C2SP verifier key
 *   data/ATT-000001/ATT-000001.jpg   the item's bytes
 *   data/ATT-000001/metadata.json    its metadata (provenance, hashes, custody entry numbers)
 */

export const PACKAGE_FORMAT = 'attest-package/1';
export const PACKAGE_INFO = 'attest/package-info.json';
export const ENTRIES = 'attest/custody-entries.jsonl';
export const PROOFS = 'attest/inclusion-proofs.json';
export const CHECKPOINT = 'attest/checkpoint.txt';
export const VERIFIER_KEY = 'attest/verifier-key.txt';
export const README = 'README.txt';
export const VERIFY_SCRIPT = 'verify.mjs';

export interface PackageItem {
  readonly ern: string;
  readonly itemId: string;
  /** The payload file, relative to the bag root (data/…). */
  readonly path: string;
  readonly metadataPath: string;
  readonly sha256: string;
  readonly size: number;
  readonly mediaType: string;
  /** The ERN of the original when this is its redacted derivative. */
  readonly redactionOf: string | null;
  /** Sequence numbers of this item's entries in custody-entries.jsonl. */
  readonly entries: readonly number[];
}

export interface PackageInfo {
  readonly format: typeof PACKAGE_FORMAT;
  readonly packageId: string;
  readonly createdAt: string;
  readonly case: { readonly ref: string; readonly id: string };
  readonly rfa: {
    readonly ref: string;
    readonly id: string;
    readonly jurisdiction: string;
    readonly purpose: string;
  } | null;
  readonly redacted: boolean;
  readonly checkpointSize: number;
  readonly items: readonly PackageItem[];
}

/** One line of custody-entries.jsonl: the entry's canonical JSON (the leaf data) and its leaf hash. */
export interface PackageEntry {
  readonly seq: number;
  readonly leafHash: string;
  readonly payload: string;
}

export interface PackageProofs {
  readonly treeSize: number;
  readonly proofs: readonly { readonly seq: number; readonly path: readonly string[] }[];
}
