// What other domains may import from the access layer.
export { type Access, accessFor, compartmentFilter, type Grant } from './access.js';
export { recordAccessEvent } from './audit.js';
export { AccessError, type AccessErrorCode } from './errors.js';
export {
  ALL_COMPARTMENTS,
  PERMISSIONS,
  type Permission,
  ROLE_PERMISSIONS,
  ROLES,
  type Role,
} from './permissions.js';
export { findUserId, grantsOf } from './users.js';
