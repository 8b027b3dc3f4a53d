/**
 * admin-types.ts — what the administration screens read from the access API
 * (src/access/schemas.ts: UserSchema, TokenSchema, AccessEventSchema, PasswordLink) and from
 * the device-key administration (src/ops/device-admin-routes.ts).
 */
import type { Grant } from '../api/types.js';

export const ROLES = ['admin', 'coordinator', 'monitor', 'investigator', 'legal', 'auditor'] as const;

export interface AdminUser {
  readonly id: string;
  readonly username: string;
  readonly createdAt: string;
  readonly disabled: boolean;
  readonly hasPassword: boolean;
  readonly grants: readonly Grant[];
}

export interface PasswordLink {
  readonly passwordToken: string;
  readonly passwordPath: string;
  readonly expiresAt: string;
}

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly compartments: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly lastUsedAt: string | null;
  readonly revoked: boolean;
}

export interface AccessEvent {
  readonly seq: number;
  readonly at: string;
  readonly kind: string;
  readonly outcome: string;
  readonly actor_id: string | null;
  readonly target_id: string | null;
  readonly ip: string | null;
  readonly method: string | null;
  readonly route: string | null;
  readonly status: number | null;
  readonly request_id: string | null;
}

export interface AdminDeviceKey {
  readonly id: string;
  readonly userId: string;
  readonly label: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** COMPARTMENT is the pattern the server accepts (src/access/permissions.ts COMPARTMENT_PATTERN). */
export const COMPARTMENT = '\\*|[a-z0-9][a-z0-9\\-]{0,62}';
/** USERNAME is the pattern the server accepts for new users. */
export const USERNAME = '[a-z0-9][a-z0-9._\\-]{1,62}';
