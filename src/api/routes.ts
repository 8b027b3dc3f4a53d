/**
 * routes.ts — the domain route plugins mounted by buildApp, in order. Each is a Fastify plugin
 * (`src/<domain>/routes.ts`) receiving the service context; every route it adds declares a
 * `config.policy` (see policy.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Ctx } from '../ctx.js';
import { custodyRoutes } from '../custody/routes.js';
import { opsRoutes } from '../ops/index.js';
import { searchRoutes } from '../search/routes.js';
import { vaultRoutes } from '../vault/routes.js';
import { uploadRoutes } from '../vault/upload-routes.js';

export interface DomainPluginOptions {
  readonly ctx: Ctx;
}

export type DomainPlugin = FastifyPluginAsync<DomainPluginOptions>;

export const DOMAIN_ROUTES: DomainPlugin[] = [
  custodyRoutes,
  vaultRoutes,
  uploadRoutes,
  opsRoutes,
  searchRoutes as DomainPlugin,
];
