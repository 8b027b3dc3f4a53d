/**
 * index.ts — what other domains may import from the custody log. Routes (routes.ts) and commands
 * (cli/) are entries for the app layers (src/api, src/cli), not for other domains.
 */

export { ENTRY_KINDS, type Entry, type EntryKind, type NewEntry } from './entry.js';
export {
  type EntryForReader,
  entryForReader,
  type LogReach,
  mayReadEntries,
  readableRawEntries,
} from './entry-access.js';
export { CustodyError, type CustodyErrorCode } from './errors.js';
export type { Problem } from './problem.js';
export { logSize } from './repo.js';
export {
  appendEntries,
  appendEntry,
  type Checkpoint,
  type ConsistencyProof,
  checkpointAt,
  getEntry,
  type InclusionProof,
  itemEntries,
  itemsEntries,
  latestCheckpoint,
  maybeCheckpoint,
  proveConsistency,
  proveInclusion,
  proveInclusions,
  type RawEntry,
  type StoredEntry,
  signCheckpoint,
  startCheckpointTimer,
} from './service.js';
export { withSignerHeld } from './signer.js';
export { onSignerRefusal, type SignerRefusal, signerRefusal } from './signer-health.js';
export { type ItemLogCheck, type ItemLogRefs, type VerifyOptions, verifyCustody } from './verify.js';
export { recordView, recordViews, type ViewInput, type ViewPart, type WindowedView } from './views.js';
export { type WitnessHealth, witnessHealth } from './witness/health.js';
export { FORK_CODES, type WitnessFailureCode } from './witness/protocol.js';
export {
  cosignedNote,
  startWitnessTimer,
  type WitnessOutcome,
  witnessLatest,
} from './witness/service.js';
