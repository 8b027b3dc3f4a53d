import { AttestError } from '../lib/errors.js';

export type CustodyErrorCode =
  | 'INVALID_ENTRY'
  | 'INVALID_PROOF'
  | 'NOT_FOUND'
  | 'INVALID_RANGE'
  | 'NO_CHECKPOINT';

/** CustodyError is raised by the custody log; `code` says what failed. */
export class CustodyError extends AttestError<CustodyErrorCode> {}
