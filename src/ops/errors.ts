/**
 * errors.ts — the catalogue of evacuation-operation errors. Each code is a stable string that the
 * API maps to problem+json (src/api/problems.ts) and that tests assert alongside the class.
 */
import { AttestError } from '../lib/errors.js';

export type OpsErrorCode =
  // Mandates
  | 'INVALID_MANDATE'
  | 'INVALID_VOTE'
  // Operations
  | 'INVALID_OPERATION'
  /** An id the plan chooses is taken (by any record, in any compartment: one answer for all). */
  | 'ID_IN_USE'
  | 'INVALID_STATUS_CHANGE'
  | 'UNKNOWN_OPERATION'
  /** The caller names a compartment it may not write in (it chose the compartment, so no secret). */
  | 'COMPARTMENT_FORBIDDEN'
  // Observations
  | 'INVALID_OBSERVATION'
  | 'NEGATIVE_COUNT'
  | 'CATEGORY_SUM_EXCEEDS_HEADCOUNT'
  | 'UNKNOWN_VEHICLE'
  | 'POINT_NOT_ON_ROUTE'
  | 'KIND_DOES_NOT_MATCH_POINT'
  | 'TIME_IN_FUTURE'
  | 'CLIENT_ID_REUSED'
  | 'INVALID_SIGNATURE'
  | 'INVALID_DEVICE_KEY'
  | 'UNKNOWN_DEVICE_KEY'
  /** No active device key of the caller's has this id (revocation). */
  | 'NO_SUCH_DEVICE_KEY'
  | 'DEVICE_KEY_REVOKED'
  | 'UNKNOWN_OBSERVATION'
  /** No unresolved conflict with this device key and client id that the caller may manage. */
  | 'UNKNOWN_CONFLICT'
  | 'INVALID_CONFLICT_CHOICE'
  /** A decision on a conflict already decided, without `replace` (two coordinators at once). */
  | 'CONFLICT_ALREADY_DECIDED'
  | 'PHOTO_NOT_IN_OBSERVATION'
  | 'PHOTO_HASH_MISMATCH'
  | 'PHOTO_NOT_IMAGE'
  /** An exercise (training) operation keeps no evidence: its observations' photos are not stored. */
  | 'EXERCISE_NOT_EVIDENCE'
  // Alerts
  | 'INVALID_ALERT_TRANSITION'
  | 'UNKNOWN_ALERT'
  // Reports and event streams
  | 'INVALID_PERIOD'
  | 'TOO_MANY_STREAMS';

/** OpsError is raised by the evacuation-operations domain; `code` says what failed and `details` why. */
export class OpsError extends AttestError<OpsErrorCode> {}
