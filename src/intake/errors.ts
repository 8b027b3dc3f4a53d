import { AttestError } from '../lib/errors.js';

export type IntakeErrorCode =
  | 'NOT_FOUND'
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
  | 'TOO_MANY_REDIRECTS'
  | 'INVALID_URL'
  | 'TIMEOUT'
  | 'CRASHED';

/**
 * IntakeError is raised by intake; `code` says why an item could not be extracted. As a job's
 * failure it is final (the input is at fault; retrying cannot help) and is shown as the reason.
 */
export class IntakeError extends AttestError<IntakeErrorCode> {}
