// What other domains may import from src/cases.
import type { JobKind } from '../store/job-worker.js';
import { exportJob } from './package/jobs.js';

export { CHECKLISTS, crimeById, elementById } from './checklists/checklists.js';
export { addCondition, decide, listConditions, overrideConsent } from './consent.js';
export { verifyConsent } from './consent-verify.js';
export { addCrime, coverage, linkElement } from './elements.js';
export { CaseError, type CaseErrorCode } from './errors.js';
export { type ExportOptions, type ExportResult, exportPackage } from './package/build.js';
export { EXPORT_JOB, exportJob } from './package/jobs.js';
export { type VerifyReport, verifyPackage } from './package/verify.js';
export { createRfa, getRfa, listRfas, setJurisdiction, setRfaStatus } from './rfa.js';
export {
  addEntity,
  addIncident,
  addItems,
  addNote,
  createCase,
  findCase,
  getCase,
  listCases,
} from './service.js';
export { CLI_VIEWER, type Viewer, viewerOf } from './viewer.js';

/** The durable job kinds of the cases domain (listed in src/cli/job-kinds.ts). */
export const CASES_JOB_KINDS: readonly JobKind[] = [exportJob];
