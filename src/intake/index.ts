// What other domains may use of intake.
import type { JobKind } from '../store/job-worker.js';
import { intakeJob } from './service.js';

export { type IntakeLimits, readIntakeLimits } from '../lib/intake-limits.js';
export {
  type DerivationKind,
  type Derivative,
  derivationOf,
  derivativesOf,
  recordDerivatives,
} from './derive.js';
export { IntakeError, type IntakeErrorCode } from './errors.js';
export { findNearDuplicates, nearDuplicatesForItem, nearDuplicatesOf } from './near-duplicates.js';
export { intakeRoutes } from './routes.js';
export { type IntakeState, intakeState } from './service.js';

/** The job kinds intake runs (listed in src/cli/job-kinds.ts). */
export const INTAKE_JOB_KINDS: readonly JobKind[] = [intakeJob];
