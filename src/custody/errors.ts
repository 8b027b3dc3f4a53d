import { AttestError } from '../lib/errors.js';

export type CustodyErrorCode =
  | 'INVALID_ENTRY'
  | 'INVALID_PROOF'
  | 'NOT_FOUND'
  | 'INVALID_RANGE'
  | 'NO_CHECKPOINT'
  | 'KEY_MISSING'
  | 'KEY_INVALID'
  | 'CONTINUITY'
  | 'STATE_INVALID'
  | 'SIGNER_BUSY'
  | 'PUBLISHED_DIFFERS'
  | 'PUBLISH_FAILED'
  | 'INVALID_BUNDLE';

/** CustodyError is raised by the custody log; `code` says what failed. */
export class CustodyError extends AttestError<CustodyErrorCode> {}
