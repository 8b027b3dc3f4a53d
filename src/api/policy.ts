/**
 * policy.ts — every route under /api declares who may call it, in `config.policy`; the access
 * layer (src/access/auth-plugin.ts) enforces it before the handler runs, and buildApp refuses
 * to start when a route has none (a route without a policy is a defect, not an open door).
 *
 *   app.get('/api/items', { config: { policy: { permission: 'items:read' } }, schema }, handler)
 *
 * - `{ public: true }`: no authentication (login, first-run setup, OpenAPI, the log's public key).
 * - `{ authenticated: true }`: any signed-in caller, whatever their roles (their own profile,
 *   password, tokens, logout).
 * - `{ permission }`: the caller must hold a role granting `permission` in at least one
 *   compartment. Handlers then scope what they read to `request.access.compartmentsFor(p)`,
 *   in the database query; an item outside them is "not found", never "forbidden", so protected
 *   compartments do not leak even their existence.
 * - `csrf: false` exempts an unsafe method from the CSRF check (public routes are never checked
 *   for a token; a foreign Origin on them is still refused).
 */
// The type and its FastifyContextConfig augmentation live in the access layer that enforces them
// (src/access/policy.ts); this file is the route kit's name for them.
export type { RoutePolicy } from '../access/index.js';
