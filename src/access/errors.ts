import { AttestError } from '../lib/errors.js';

export type AccessErrorCode =
  | 'INVALID_CREDENTIALS'
  | 'WRONG_PASSWORD'
  | 'LOCKED'
  | 'WEAK_PASSWORD'
  | 'INVALID_USERNAME'
  | 'USER_EXISTS'
  | 'NOT_FOUND'
  | 'INVALID_LINK'
  | 'SETUP_DONE'
  | 'SCOPE_EXCEEDED'
  | 'LAST_ADMIN'
  | 'INVALID_INPUT'
  | 'FORBIDDEN';

/** AccessError is raised by the access layer; `code` says which rule failed. */
export class AccessError extends AttestError<AccessErrorCode> {}
