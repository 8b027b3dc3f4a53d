/**
 * routes.ts — the access layer's route plugins, one per concern, registered by buildApp before
 * the domain routes: sessions (sign in/out, profile, own password), one-time links (first-run
 * setup, password links), users, grants, API tokens and the access audit.
 */
import type { AttestPlugin } from '../api/type-provider.js';
import type { Ctx } from '../ctx.js';
import { auditRoutes } from './audit/routes.js';
import { grantRoutes } from './grants/routes.js';
import { linkRoutes } from './links/routes.js';
import { sessionRoutes } from './sessions/routes.js';
import { tokenRoutes } from './tokens/routes.js';
import { userRoutes } from './users/routes.js';

/** ACCESS_ROUTES are registered by buildApp before the domain routes. */
export const ACCESS_ROUTES: readonly AttestPlugin<{ ctx: Ctx }>[] = [
  sessionRoutes,
  linkRoutes,
  userRoutes,
  grantRoutes,
  tokenRoutes,
  auditRoutes,
];
