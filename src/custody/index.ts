/**
 * index.ts — what other domains may import from the custody log. Routes (routes.ts) and commands
 * (cli/) are entries for the app layers (src/api, src/cli), not for other domains.
 */
export { ENTRY_KINDS, type Entry, type EntryKind, type NewEntry } from './entry.js';
export { CustodyError, type CustodyErrorCode } from './errors.js';
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
export { type Problem, verifyCustody } from './verify.js';
