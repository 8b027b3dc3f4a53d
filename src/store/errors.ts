import { AttestError } from '../lib/errors.js';

export type StoreErrorCode =
  /** More bytes arrived than the caller's limit; nothing was kept. */
  | 'BLOB_TOO_LARGE'
  /** A key file under the data directory cannot be read as a key. */
  | 'KEY_INVALID';

/** StoreError is raised by the storage layer (blobs, key files); `code` says what failed. */
export class StoreError extends AttestError<StoreErrorCode> {}
