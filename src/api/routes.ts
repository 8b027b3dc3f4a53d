/**
 * routes.ts — the domain route plugins mounted by buildApp, in order. Each is an
 * `AttestPlugin<{ ctx: Ctx }>` (type-provider.ts) from its domain's routes entry; every route it
 * adds declares a `config.policy` (policy.ts) and operationId, summary, tags and schemas.
 */

import { analysisRoutes, annotationRoutes } from '../analysis/index.js';
import { casesRoutes } from '../cases/routes.js';
import type { Ctx } from '../ctx.js';
import { custodyRoutes } from '../custody/routes.js';
import { healthRoutes } from '../health/index.js';
import { intakeRoutes } from '../intake/index.js';
import { opsRoutes } from '../ops/index.js';
import { savedSearchRoutes, searchRoutes } from '../search/index.js';
import { VAULT_ROUTES } from '../vault/routes.js';
import type { AttestPlugin } from './type-provider.js';

export const DOMAIN_ROUTES: readonly AttestPlugin<{ ctx: Ctx }>[] = [
  custodyRoutes,
  ...VAULT_ROUTES,
  opsRoutes,
  searchRoutes,
  savedSearchRoutes,
  intakeRoutes,
  casesRoutes,
  analysisRoutes,
  annotationRoutes,
  healthRoutes,
];
