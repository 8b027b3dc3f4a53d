import { AttestError } from '../lib/errors.js';

export type CaseErrorCode =
  /** No such case, RFA, item, element or package — or one outside the caller's compartments. */
  | 'CASE_NOT_FOUND'
  /** The request names something malformed (title, ERN, element id, dates…). */
  | 'INVALID_CASE_INPUT'
  /** An element, checklist or jurisdiction the case does not know. */
  | 'UNKNOWN_ELEMENT'
  | 'UNKNOWN_JURISDICTION'
  /** The RFA cannot change to this status now. */
  | 'INVALID_RFA_TRANSITION'
  /** An override of a consent block without the legal role or without a reason. */
  | 'OVERRIDE_NOT_ALLOWED'
  /** A redaction that cannot be applied to this item (wrong kind, region outside it…). */
  | 'INVALID_REDACTION'
  /** A tool the redaction needs (pdftoppm) is not installed. */
  | 'REDACTION_TOOL_MISSING'
  /** The package is not ready for download yet, or failed. */
  | 'PACKAGE_NOT_READY'
  /** The export's output path exists and is not an empty directory. */
  | 'OUTPUT_EXISTS';

/** CaseError is raised by cases, requests for assistance, redaction and export. */
export class CaseError extends AttestError<CaseErrorCode> {}
