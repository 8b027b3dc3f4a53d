/**
 * errors.ts — the access layer's error codes. src/api/problems.ts maps each code once to its
 * problem type and status (docs/errors.md has a row for each). Messages are shown to the caller,
 * so they never say whether an account or a record outside the caller's compartments exists.
 */
import { AttestError } from '../lib/errors.js';

export type AccessErrorCode =
  /** No valid session or API token (401 unauthenticated). */
  | 'UNAUTHENTICATED'
  /** A cookie-authenticated unsafe request without same-origin Origin and CSRF token. */
  | 'CSRF_FAILED'
  | 'INVALID_CREDENTIALS'
  | 'WRONG_PASSWORD'
  /** Too many failures for this account or address; `details.retryAfter` holds the seconds. */
  | 'LOCKED'
  | 'WEAK_PASSWORD'
  | 'INVALID_USERNAME'
  | 'USER_EXISTS'
  /** A username (or account) reserved for exercise replays: nobody else creates, grants or sets it up. */
  | 'RESERVED_USERNAME'
  | 'NOT_FOUND'
  | 'INVALID_LINK'
  | 'SETUP_DONE'
  | 'SCOPE_EXCEEDED'
  | 'LAST_ADMIN'
  | 'INVALID_INPUT'
  | 'FORBIDDEN';

/** AccessError is raised by the access layer; `code` says which rule failed. */
export class AccessError extends AttestError<AccessErrorCode> {}
