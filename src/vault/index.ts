/**
 * index.ts — what other domains may import from the vault. Routes (routes.ts) and commands
 * (cli/) are entries for the app layers (src/api, src/cli), not for other domains.
 */
export { amendItem, type ItemChanges } from './amend.js';
export { VaultError, type VaultErrorCode } from './errors.js';
export { collectGarbage, findUnreferencedBlobs, type GcResult, type UnreferencedBlob } from './gc.js';
export { type Item, itemFromRow } from './item.js';
export { sniffMediaType } from './media-type.js';
export { normaliseProvenance, type Provenance, titleFrom, UNKNOWN } from './provenance.js';
export {
  type AddOutcome,
  addContent,
  COMPARTMENT_NAME,
  DEFAULT_COMPARTMENT,
  type DuplicateScope,
  duplicateScopeFor,
  getItem,
  type InsertedItem,
  type ItemInput,
  insertItems,
  listItems,
  readVerified,
  recordItems,
  type StagedItem,
  type StageOptions,
  stageContent,
} from './service.js';
export { discardStaged, releaseStaged } from './staging.js';
export { type StorageUsed, storageUsed } from './storage.js';
export type { ItemTable } from './tables.js';
export { type VerifyProgress, verifyBlobOrphans, verifyVault, verifyVaultRecords } from './verify.js';
export { checkItemsAgainstLog } from './verify-log.js';
