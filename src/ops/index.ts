/**
 * index.ts — what other domains may import from src/ops (the pure core of evacuation operations).
 */
export {
  acknowledgeAlert,
  mergeDerivedAlert,
  resolveAlert,
  transitionAlert,
  withdrawnAlertResolution,
} from './alerts.js';
export { OpsError, type OpsErrorCode } from './errors.js';
export { operationMovementsHxl, operationTotalsHxl } from './hxl-export.js';
export * from './model.js';
export {
  DEFAULT_SOURCE,
  type DeviceKey,
  deviceKeyFromSeed,
  type ObservationWire,
  observationFromWire,
  observationSigningText,
  publicKeyIsValid,
  type SignedObservation,
  signObservation,
  signSignedText,
  verifyObservationSignature,
  verifySignedText,
  wireObservation,
  wireSigningText,
} from './observation-signing.js';
export { assertValidObservation, LIMITS, validateObservation } from './observation-validation.js';
export { appendStatusChange, statusAt, validateStatusHistory } from './operation-status.js';
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
} from './reconcile.js';
export { type ReconcileSnapshot, snapshotState } from './reconcile-snapshot.js';
export { type LearnedSegment, learnSegmentTimes, withLearnedSegmentTimes } from './segment-learning.js';
export { buildSitrep, type Sitrep, type SitrepOptions } from './sitrep.js';
export { renderSitrepMarkdown } from './sitrep-markdown.js';
export { renderSitrepPdf } from './sitrep-pdf.js';
