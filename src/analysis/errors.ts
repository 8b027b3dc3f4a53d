import { AttestError } from '../lib/errors.js';

export type AnalysisErrorCode =
  /** A field is missing, too long, not in its vocabulary, or inconsistent (a range that ends before it starts). */
  | 'INVALID_RECORD'
  /** No such entity, incident, link, claim or item that the caller may see. */
  | 'NOT_FOUND'
  /** The caller may not write in the compartment named (or the record's compartment). */
  | 'FORBIDDEN_COMPARTMENT'
  /** Revealing (or unprotecting) a protected person needs persons:reveal in their compartment. */
  | 'REVEAL_FORBIDDEN'
  /** Changing a protected person's name, other names or attributes needs persons:reveal in their compartment. */
  | 'IDENTITY_FORBIDDEN';

/** AnalysisError is raised by entities, incidents, links and claims. */
export class AnalysisError extends AttestError<AnalysisErrorCode> {}
