// What other domains (and the API, CLI, demo, tests and benchmarks) may import from the access layer.
export { type Access, accessFor, compartmentFilter, type Grant } from './access.js';
export { type AuditSource, auditFrom, recordAccessEvent } from './audit/service.js';
export { type ApiRoute, accessPlugin, markAudited } from './auth-plugin.js';
export { accessChanged, currentAccess, onAccessChange } from './changes.js';
export { AccessError, type AccessErrorCode } from './errors.js';
export { grantRole, grantsOf, revokeRole } from './grants/service.js';
export { EXERCISE_ACTOR, EXERCISE_USERNAME_PREFIX } from './limits.js';
export { passwordPath, setupPath } from './links/paths.js';
export {
  completeSetup,
  issuePasswordLink,
  issueSetupLink,
  resetPassword,
  setupNeeded,
} from './links/service.js';
export { hashPassword } from './password.js';
export {
  ALL_COMPARTMENTS,
  PERMISSIONS,
  type Permission,
  ROLE_PERMISSIONS,
  ROLES,
  type Role,
} from './permissions.js';
export type { RoutePolicy } from './policy.js';
export { ACCESS_ROUTES } from './routes.js';
export { createSession, SESSION_COOKIE } from './sessions/store.js';
export type { AccessTables } from './tables.js';
export { createApiToken } from './tokens/service.js';
export {
  createExerciseUser,
  createUser,
  disableUser,
  endExerciseAccount,
  findUserId,
  getUser,
  isExerciseAccount,
  listUsers,
  type User,
  usernamesOf,
} from './users/service.js';
