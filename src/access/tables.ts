// Access tables (DESIGN.md: user, grant, api_token, access_event), plus sessions, one-time
// tokens and the login throttle. Secrets are never stored: only their SHA-256 (sessions,
// tokens, links) or an scrypt hash (passwords).

export interface AppUserTable {
  id: string;
  /** Lowercase login name; not a person's legal name. */
  username: string;
  /** `scrypt$N$r$p$salt$hash`, or null until the user sets one through their link. */
  password_hash: string | null;
  created_at: string;
  created_by: string;
  disabled_at: string | null;
}

export interface AccessGrantTable {
  user_id: string;
  role: string;
  /** A compartment name or `*` for every compartment. */
  compartment: string;
  created_at: string;
  created_by: string;
}

export interface SessionTable {
  /** Hex SHA-256 of the cookie value. */
  id_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  /** Absolute expiry. */
  expires_at: string;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  /** Hex SHA-256 of the whole token string. */
  token_hash: string;
  role: string;
  /** JSON array of compartment names (or ["*"]). */
  compartments: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface OneTimeTokenTable {
  /** Hex SHA-256 of the token. */
  token_hash: string;
  purpose: 'setup' | 'reset';
  user_id: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface LoginThrottleTable {
  /** `account:<username>` or `ip:<address>`. */
  key: string;
  failures: number;
  last_failure_at: string;
  locked_until: string | null;
}

export interface AccessEventTable {
  seq: number;
  at: string;
  /** login, logout, setup, password-change, token-create, denied, … */
  kind: string;
  /** ok, failed, locked, disabled, 401, 403, csrf … */
  outcome: string;
  actor_id: string | null;
  /** The account acted upon (a login's account, a disabled user), when known. */
  target_id: string | null;
  ip: string | null;
  method: string | null;
  /** The route pattern (e.g. /api/items/:ern), never the concrete URL. */
  route: string | null;
  status: number | null;
  request_id: string | null;
  /** The compartment the event concerns (grants, revoked grants, created users), or null. */
  compartment: string | null;
}

export interface AccessTables {
  app_user: AppUserTable;
  access_grant: AccessGrantTable;
  session: SessionTable;
  api_token: ApiTokenTable;
  one_time_token: OneTimeTokenTable;
  login_throttle: LoginThrottleTable;
  access_event: AccessEventTable;
}
