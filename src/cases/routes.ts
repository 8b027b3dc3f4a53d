/**
 * routes.ts — the cases plugin: every cases route (routes/), each declared once as a caseRoute
 * (routes/case-route.ts) and registered here with the service context.
 */
import type { AttestPlugin } from '../api/type-provider.js';
import type { Ctx } from '../ctx.js';
import { CASE_ROUTES } from './routes/case-routes.js';
import { PACKAGE_ROUTES } from './routes/package-routes.js';
import { RFA_ROUTES } from './routes/rfa-routes.js';

export const casesRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  for (const route of [...CASE_ROUTES, ...RFA_ROUTES, ...PACKAGE_ROUTES]) route(app, ctx);
};
