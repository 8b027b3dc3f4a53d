import { AttestError } from '../lib/errors.js';

export type IntakeErrorCode =
  /** No such item or job within the caller's compartments. */
  | 'NOT_FOUND'
  /** The caller may not add items to this compartment. */
  | 'FORBIDDEN'
  /** Only a failed or finished job is re-run on demand. */
  | 'JOB_NOT_RETRYABLE'
  // Why an item could not be extracted (a job's failure reason; the original is kept):
  | 'TOO_LARGE'
  | 'TOO_MANY_PAGES'
  | 'TOO_MANY_PIXELS'
  | 'TOO_MANY_MEMBERS'
  | 'ZIP_BOMB'
  | 'UNSAFE_PATH'
  | 'ENCRYPTED'
  | 'TOO_DEEP'
  | 'TOO_MANY_PARTS'
  | 'MALFORMED'
  | 'TOOL_MISSING'
  | 'TOOL_FAILED'
  | 'CAPTURE_FAILED'
  | 'CAPTURE_TOO_LARGE'
  | 'TOO_MANY_REDIRECTS'
  | 'INVALID_URL'
  | 'TIMEOUT'
  | 'CRASHED';

/**
 * IntakeError is raised by intake; `code` says why an item could not be extracted. As a job's
 * failure it is final (the input is at fault; retrying cannot help) and is shown as the reason.
 */
export class IntakeError extends AttestError<IntakeErrorCode> {}
