/**
 * routes.ts — every evacuation-operation route, one plugin per concern: planning, the monitor's
 * device keys and observations, alerts, reports and the live event stream.
 */
import type { AttestPlugin } from '../api/type-provider.js';
import type { Ctx } from '../ctx.js';
import { alertRoutes } from './alerts/routes.js';
import { eventRoutes } from './events/routes.js';
import { deviceAdminRoutes } from './observations/device-admin-routes.js';
import { observationRoutes } from './observations/routes.js';
import { planRoutes } from './plan/routes.js';
import { reportRoutes } from './report/routes.js';

export const opsRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, opts) => {
  for (const plugin of [
    reportRoutes,
    planRoutes,
    alertRoutes,
    eventRoutes,
    observationRoutes,
    deviceAdminRoutes,
  ]) {
    await app.register(plugin, opts);
  }
};
