/**
 * policy.ts — the shape of a route's `config.policy`, defined here because the access layer
 * enforces it (auth-plugin.ts) and owns the permissions it names; routes import it through the
 * route kit (src/api/policy.ts, which documents its use). Defining it in src/api would make
 * api/policy.ts → access/index.ts → auth-plugin.ts → api/policy.ts a cycle.
 */
import type { Permission } from './permissions.js';

export type RoutePolicy =
  | { readonly public: true }
  | { readonly authenticated: true; readonly csrf?: boolean }
  | { readonly permission: Permission; readonly csrf?: boolean };

declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: RoutePolicy;
  }
}
