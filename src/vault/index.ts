/**
 * index.ts — what other domains may import from the vault. Routes (routes.ts) and commands
 * (cli/) are entries for the app layers (src/api, src/cli), not for other domains.
 */
export { VaultError, type VaultErrorCode } from './errors.js';
export { type Item, itemFromRow } from './item.js';
export { sniffMediaType } from './media-type.js';
export { normaliseProvenance, type Provenance, UNKNOWN } from './provenance.js';
export {
  type AddOutcome,
  addContent,
  COMPARTMENT_NAME,
  DEFAULT_COMPARTMENT,
  type DuplicateScope,
  duplicateScopeFor,
  getItem,
  type ItemInput,
  insertItems,
  listItems,
  readVerified,
  recordItems,
  type StagedItem,
  stageContent,
} from './service.js';
export type { ItemTable } from './tables.js';
export { type VerifyProgress, verifyVault } from './verify.js';
