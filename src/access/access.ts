/**
 * access.ts — what the server knows about the caller of one request: who they are and what their
 * grants let them do where. Route handlers read it as `request.access`.
 */
import { ALL_COMPARTMENTS, type Permission, ROLE_PERMISSIONS, type Role } from './permissions.js';

export interface Grant {
  readonly role: Role;
  /** A compartment name, or `*` for every compartment. */
  readonly compartment: string;
}

export interface Access {
  /** False for an anonymous caller (no valid session or token). */
  readonly authenticated: boolean;
  readonly userId: string | null;
  readonly username: string | null;
  /** How the caller proved who they are. */
  readonly via: 'session' | 'token' | null;
  /** The session's id (hashed) or the API token's id, for logout and revocation. */
  readonly credentialId: string | null;
  readonly grants: readonly Grant[];
  /** The distinct roles the caller holds anywhere. */
  readonly roles: readonly Role[];
  /** can tells whether some grant gives `permission` in `compartment` (or in every compartment). */
  can(permission: Permission, compartment: string): boolean;
  /** canAnywhere tells whether some grant gives `permission` in at least one compartment. */
  canAnywhere(permission: Permission): boolean;
  /**
   * compartmentsFor returns where the caller holds `permission`: 'all', or a list (maybe empty).
   * Handlers pass it into their database query; see compartmentFilter.
   */
  compartmentsFor(permission: Permission): readonly string[] | 'all';
}

interface Caller {
  readonly userId: string;
  readonly username: string;
  readonly via: 'session' | 'token';
  readonly credentialId: string;
}

/** accessFor builds the Access of an authenticated caller from their effective grants. */
export function accessFor(caller: Caller, grants: readonly Grant[]): Access {
  const frozen = Object.freeze(grants.map((g) => Object.freeze({ ...g })));
  const holding = (p: Permission) => frozen.filter((g) => ROLE_PERMISSIONS[g.role].includes(p));
  return Object.freeze({
    authenticated: true,
    userId: caller.userId,
    username: caller.username,
    via: caller.via,
    credentialId: caller.credentialId,
    grants: frozen,
    roles: Object.freeze([...new Set(frozen.map((g) => g.role))]),
    can: (p: Permission, compartment: string) =>
      holding(p).some((g) => g.compartment === ALL_COMPARTMENTS || g.compartment === compartment),
    canAnywhere: (p: Permission) => holding(p).length > 0,
    compartmentsFor: (p: Permission) => {
      const held = holding(p);
      if (held.some((g) => g.compartment === ALL_COMPARTMENTS)) return 'all' as const;
      return Object.freeze([...new Set(held.map((g) => g.compartment))].sort());
    },
  });
}

/** ANONYMOUS is the Access of a caller without valid credentials: it can do nothing. */
export const ANONYMOUS: Access = Object.freeze({
  authenticated: false,
  userId: null,
  username: null,
  via: null,
  credentialId: null,
  grants: Object.freeze([]),
  roles: Object.freeze([]),
  can: () => false,
  canAnywhere: () => false,
  compartmentsFor: () => Object.freeze([]),
});

/**
 * compartmentFilter turns compartmentsFor into the vault's ListOptions form: undefined for every
 * compartment, else the list (an empty list matches nothing).
 *
 *   listItems(ctx, { compartments: compartmentFilter(request.access, 'items:read') })
 */
export function compartmentFilter(access: Access, permission: Permission): readonly string[] | undefined {
  const c = access.compartmentsFor(permission);
  return c === 'all' ? undefined : c;
}
