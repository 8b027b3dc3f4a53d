/**
 * index.ts — what other domains may import from src/ops: the pure core of evacuation operations
 * (model, signing, validation, reconciliation, reports) and the services over the store.
 */

export {
  acknowledgeAlert,
  mergeDerivedAlert,
  resolveAlert,
  transitionAlert,
  withdrawnAlertResolution,
} from './alerts/lifecycle.js';
export { alertCountsByKind, changeAlert, getAlert, listAlerts } from './alerts/service.js';
export { OpsError, type OpsErrorCode } from './errors.js';
export { MAX_STREAMS_PER_USER } from './events/sse.js';
export * from './model.js';
export { listAllDeviceKeys, registerDeviceKey, revokeDeviceKey } from './observations/devices.js';
export {
  type ConflictChoice,
  type ObservationToStore,
  resolveConflict,
  type Submission,
  type SubmitResult,
  type Submitter,
  storeObservation,
  storeObservations,
  submitObservation,
} from './observations/service.js';
export {
  DEFAULT_SOURCE,
  type DeviceKey,
  deviceKeyFromSeed,
  type ObservationWire,
  observationFromWire,
  observationSigningBytes,
  observationSigningText,
  publicKeyIsValid,
  type SignedObservation,
  signObservation,
  signSignedText,
  verifyObservationSignature,
  verifySignedText,
  wireObservation,
  wireSigningText,
} from './observations/signing.js';
export { assertValidObservation, LIMITS, validateObservation } from './observations/validation.js';
export { appendStatusChange, statusAt, validateStatusHistory } from './operation-status.js';
export { type LearnedSegment, learnSegmentTimes, withLearnedSegmentTimes } from './plan/segment-learning.js';
export { changeStatus, learnTransitTimes, type OperationPlan, planOperations } from './plan/service.js';
export { alertId, OpsEngine, opsEngine, startOpsTimer } from './reconcile/engine.js';
export {
  type AlertChange,
  type ApplyResult,
  applyObservation,
  applyStatusChange,
  createReconcileState,
  type ReconcileInput,
  type ReconcileState,
  reconcileAll,
  tick,
} from './reconcile/reconcile.js';
export { type ReconcileSnapshot, snapshotState } from './reconcile/reconcile-snapshot.js';
export { observationRow } from './repo/observations.js';
export { operationMovementsHxl, operationTotalsHxl } from './report/hxl-export.js';
export { operationHxl, operationSitrep } from './report/service.js';
export { buildSitrep, type Sitrep, type SitrepOptions } from './report/sitrep.js';
export { renderSitrepMarkdown } from './report/sitrep-markdown.js';
export { renderSitrepPdf } from './report/sitrep-pdf.js';
export { KIND_COLUMNS, kindsPhrase } from './report/vehicle-kinds.js';
export { opsRoutes } from './routes.js';
