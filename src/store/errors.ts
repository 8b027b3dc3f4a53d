import { AttestError } from '../lib/errors.js';

export type StoreErrorCode =
  /** More bytes arrived than the caller's limit; nothing was kept. */
  | 'BLOB_TOO_LARGE'
  /** A key file under the data directory cannot be read as a key. */
  | 'KEY_INVALID'
  /** The log has signed checkpoints but its signing key file is missing (restore it from backup). */
  | 'KEY_MISSING'
  /** This process's log key is not the one the deployment's log is signed with (issue 21.2). */
  | 'KEY_MISMATCH'
  /** ATTEST_BLOBS (or a migration's --to) names no store Attest can open. */
  | 'BLOB_STORE_CONFIG'
  /** The object store does not answer as configured (bucket, endpoint, credentials). */
  | 'BLOB_STORE_UNAVAILABLE'
  /** A backup or restore cannot go ahead as asked (passphrase, target not empty, no snapshot). */
  | 'BACKUP_INVALID'
  /** Files of a backup differ from its manifest; the error names each. */
  | 'BACKUP_CORRUPT'
  /** The backup is a newer Attest's (a later manifest format, or migrations this version lacks). */
  | 'BACKUP_UNSUPPORTED';

/** StoreError is raised by the storage layer (blobs, key files); `code` says what failed. */
export class StoreError extends AttestError<StoreErrorCode> {}
