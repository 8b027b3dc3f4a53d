/**
 * service.ts — what the API and the CLI report about operations, read from the engine's state
 * and the stored alerts: the situation report for a period and the HXL tables.
 */
import type { Ctx } from '../../ctx.js';
import { listAlerts } from '../alerts/service.js';
import { opsEngine } from '../reconcile/engine.js';
import { operationMovementsHxl, operationTotalsHxl } from './hxl-export.js';
import { buildSitrep, type Sitrep } from './sitrep.js';

/**
 * operationSitrep builds an operation's situation report for a period (ISO `from` inclusive, `to`
 * exclusive), with the mandates and the stored alerts' lifecycle: what the API and the CLI render.
 */
export async function operationSitrep(
  ctx: Ctx,
  operationId: string,
  period: { readonly from?: string; readonly to?: string } = {},
): Promise<Sitrep> {
  const engine = opsEngine(ctx);
  await engine.sync(); // the stored alerts below must be the current ones
  const alerts = await listAlerts(ctx, operationId);
  return engine.read((state, registry) =>
    buildSitrep(state, {
      operationId,
      ...(period.from ? { from: period.from } : {}),
      ...(period.to ? { to: period.to } : {}),
      mandates: registry.mandates,
      alerts,
    }),
  );
}

/** operationHxl returns an operation's HXL CSV: movements per day and route point, or its totals. */
export function operationHxl(ctx: Ctx, operationId: string, table: 'movements' | 'totals'): Promise<string> {
  return opsEngine(ctx).read((state) =>
    table === 'totals' ? operationTotalsHxl(state, operationId) : operationMovementsHxl(state, operationId),
  );
}
