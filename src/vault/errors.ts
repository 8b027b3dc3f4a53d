import { AttestError } from '../lib/errors.js';

export type VaultErrorCode =
  | 'NOT_FOUND'
  | 'INVALID_ERN'
  | 'INVALID_PROVENANCE'
  | 'INVALID_INPUT'
  | 'TOO_LARGE'
  | 'NOT_A_FILE'
  | 'UNREADABLE'
  | 'FILE_CHANGED'
  | 'DIRECTORY_LOOP'
  | 'INTEGRITY'
  | 'OFFSET_MISMATCH'
  | 'FORBIDDEN'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RANGE_NOT_SATISFIABLE'
  | 'TUS_VERSION'
  | 'UPLOAD_LOCKED'
  | 'UPLOAD_PARTS'
  | 'FINAL_UPLOAD'
  /** The user's open resumable uploads are at their count or declared-bytes limit. */
  | 'UPLOAD_QUOTA'
  | 'PRECONDITION_FAILED'
  /** Staged bytes were collected (their hold expired) before their item was recorded. */
  | 'STAGING_EXPIRED';

/** VaultError is raised by the vault; `code` says which rule the input broke. */
export class VaultError extends AttestError<VaultErrorCode> {}
