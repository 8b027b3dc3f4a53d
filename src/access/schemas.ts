/**
 * schemas.ts — request and response schemas of the access routes (TypeBox → JSON Schema →
 * validation, typing and OpenAPI). Response schemas are allow-lists: a field not listed here
 * never leaves the server (no password hashes, no token hashes).
 */
import { type Static, Type } from '@sinclair/typebox';
import { MAX_PASSWORD_LENGTH, MAX_TOKEN_DAYS, USERNAME_PATTERN } from './limits.js';
import { COMPARTMENT_PATTERN, PERMISSIONS, ROLES } from './permissions.js';

const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const Secret = Type.String({ minLength: 1, maxLength: 200 });
const Password = Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH });
export const Username = Type.String({ pattern: USERNAME_PATTERN, maxLength: 63 });
export const RoleName = Type.Union(ROLES.map((r) => Type.Literal(r)));
export const Compartment = Type.String({ pattern: COMPARTMENT_PATTERN, maxLength: 63 });
const Iso = Type.String({ format: 'date-time' });

export const GrantSchema = Type.Object({ role: RoleName, compartment: Compartment });

export const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  createdAt: Type.String(),
  disabled: Type.Boolean(),
  hasPassword: Type.Boolean(),
  grants: Type.Array(GrantSchema),
});

export const IdParams = Type.Object({ id: Uuid });

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 200 }), password: Password },
  { additionalProperties: false },
);

export const MeResponse = Type.Object({
  id: Type.String(),
  username: Type.String(),
  via: Type.Union([Type.Literal('session'), Type.Literal('token')]),
  grants: Type.Array(GrantSchema),
  /** Permissions held in at least one compartment. */
  permissions: Type.Array(Type.Union(PERMISSIONS.map((p) => Type.Literal(p)))),
  /** Send back in `x-csrf-token` on unsafe requests made with the session cookie. */
  csrfToken: Type.Optional(Type.String()),
});
export type MeResponse = Static<typeof MeResponse>;

export const PasswordChangeBody = Type.Object(
  { oldPassword: Password, newPassword: Password },
  { additionalProperties: false },
);

export const SetupStatus = Type.Object({ needed: Type.Boolean() });

export const SetupResponse = Type.Object({ user: UserSchema });

export const SetupBody = Type.Object(
  { token: Secret, username: Username, password: Password },
  { additionalProperties: false },
);

export const PasswordResetBody = Type.Object(
  { token: Secret, password: Password },
  { additionalProperties: false },
);

export const PasswordLink = Type.Object({
  /** The one-time secret; shown once. */
  passwordToken: Type.String(),
  /** Path of the web page that sets the password, token in the fragment (kept out of logs). */
  passwordPath: Type.String(),
  expiresAt: Type.String(),
});

export const CreateUserBody = Type.Object(
  { username: Username, role: RoleName, compartment: Compartment },
  { additionalProperties: false },
);

export const CreatedUserResponse = Type.Object({ user: UserSchema, link: PasswordLink });

export const UsersResponse = Type.Object({ users: Type.Array(UserSchema) });

export const GrantParams = Type.Object({ id: Uuid, role: RoleName, compartment: Compartment });

export const TokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: RoleName,
  compartments: Type.Array(Type.String()),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  revoked: Type.Boolean(),
});

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }),
    role: RoleName,
    compartments: Type.Array(Compartment, { minItems: 1, maxItems: 50 }),
    expiresInDays: Type.Integer({ minimum: 1, maximum: MAX_TOKEN_DAYS, default: 90 }),
  },
  { additionalProperties: false },
);

export const CreatedTokenResponse = Type.Object({
  /** The bearer token (`att_…`): shown once, never again. */
  token: Type.String(),
  info: TokenSchema,
});

export const TokensResponse = Type.Object({ tokens: Type.Array(TokenSchema) });

const Word = Type.String({ pattern: '^[a-z0-9-]{1,40}$' });
export const AuditQuerySchema = Type.Object(
  {
    after: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    kind: Type.Optional(Word),
    outcome: Type.Optional(Word),
    actor: Type.Optional(Uuid),
    since: Type.Optional(Iso),
    until: Type.Optional(Iso),
  },
  { additionalProperties: false },
);
export type AuditQuerySchema = Static<typeof AuditQuerySchema>;

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
export const AccessEventSchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  kind: Type.String(),
  outcome: Type.String(),
  actor_id: Nullable(Type.String()),
  target_id: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  method: Nullable(Type.String()),
  route: Nullable(Type.String()),
  status: Type.Union([Type.Integer(), Type.Null()]),
  request_id: Nullable(Type.String()),
  /** The compartment the event concerns (grants, revoked grants, created users), or null. */
  compartment: Nullable(Type.String()),
});

export const AuditResponse = Type.Object({
  events: Type.Array(AccessEventSchema),
  /** Pass as `after` for the next page; null on the last page. */
  next: Type.Union([Type.Integer(), Type.Null()]),
});

export const NoContent = Type.Null({ description: 'No content' });
