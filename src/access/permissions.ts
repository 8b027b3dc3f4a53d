/**
 * permissions.ts — the permission table, as data, in one file. A role is a named bundle of
 * permissions; a grant gives a user a role in one compartment (`*` = every compartment).
 * Least privilege: no role holds a permission it does not need for its work, and `admin` manages
 * accounts and reads the access audit but sees no evidence unless also granted another role.
 *
 * To add a permission: add it to PERMISSIONS, give it to the roles that need it, and add the
 * routes that require it to the matrix test's sample table (test/access-matrix.test.ts).
 */

export const PERMISSIONS = [
  /** Item metadata: list, search, detail (not the bytes). */
  'items:read',
  /** Item bytes and derivatives (download, preview). */
  'items:content',
  /** Add items, annotate, derive. */
  'items:write',
  /** The custody log's entries and proofs (its public key and checkpoints are public). */
  'log:read',
  /** The access audit: authentication events and denials. */
  'audit:read',
  /** Accounts, grants, password resets. */
  'users:admin',
  /** Evacuation operations: convoys, vehicles, observations, reconciliation (read). */
  'ops:read',
  /** Evacuation operations: plan and change. */
  'ops:write',
  /** Submit signed observations from the field (monitor app, devices). */
  'observations:submit',
  /** Raise, acknowledge and close alerts. */
  'alerts:manage',
  /** Cases and their checklists (read). */
  'cases:read',
  /** Cases: create, add items, redact, export packages. */
  'cases:write',
  /** Release an item to a request for assistance although its consent conditions do not cover it. */
  'consent:override',
  /** Entities, incidents, links, claims and corroboration (read; with items:read for the items they rest on). */
  'analysis:read',
  /** Entities, incidents, links, claims and stances: record and change. */
  'analysis:write',
  /** See a protected person's real name (each reveal is a custody `view` entry). */
  'persons:reveal',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'coordinator', 'monitor', 'investigator', 'legal', 'auditor'] as const;

export type Role = (typeof ROLES)[number];

/** ROLE_PERMISSIONS is the permission table: what each role may do within its compartments. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = Object.freeze({
  admin: ['users:admin', 'audit:read'],
  coordinator: ['ops:read', 'ops:write', 'alerts:manage'],
  monitor: ['observations:submit', 'ops:read'],
  investigator: [
    'items:read',
    'items:content',
    'items:write',
    'log:read',
    'cases:read',
    'cases:write',
    'analysis:read',
    'analysis:write',
  ],
  // Counsel read the analysis and are the ones who may need a protected witness's identity
  // (disclosure to a court); investigators record people but see protected names only as entered.
  legal: [
    'items:read',
    'items:content',
    'log:read',
    'cases:read',
    'cases:write',
    'consent:override',
    'analysis:read',
    'persons:reveal',
  ],
  auditor: ['audit:read', 'log:read', 'items:read'],
});

/** ALL_COMPARTMENTS in a grant means every compartment, present and future. */
export const ALL_COMPARTMENTS = '*';

/** A compartment name: lowercase letters, digits and dashes (as the vault accepts), or `*`. */
export const COMPARTMENT_PATTERN = '^(\\*|[a-z0-9][a-z0-9-]{0,62})$';

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

export function isPermission(s: string): s is Permission {
  return (PERMISSIONS as readonly string[]).includes(s);
}

/** roleGrants tells whether `role` includes `permission`. */
export function roleGrants(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
