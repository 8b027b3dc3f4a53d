/** routes.ts — an operation's alerts over HTTP, and the people's part of their lifecycle. */
import type { AttestPlugin } from '../../api/type-provider.js';
import type { Ctx } from '../../ctx.js';
import { OpsError } from '../errors.js';
import { readableOperation } from '../plan/service.js';
import { opsEngine } from '../reconcile/engine.js';
import { apiAlert, namesFrom } from '../report/views.js';
import { OperationParam } from '../schema-parts.js';
import {
  AlertListSchema,
  AlertNoteBody,
  AlertParam,
  AlertResultSchema,
  AlertsQuery,
  ResolveBody,
} from './schemas.js';
import { changeAlert, getAlert, listAlerts } from './service.js';

const tags = ['operations'];

export const alertRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  const names = () => opsEngine(ctx).read((_, registry) => namesFrom(registry));

  app.get(
    '/api/ops/operations/:id/alerts',
    {
      config: { policy: { permission: 'ops:read' } },
      schema: {
        operationId: 'listOperationAlerts',
        tags,
        summary: "An operation's alerts",
        params: OperationParam,
        querystring: AlertsQuery,
        response: { 200: AlertListSchema },
      },
    },
    async (req) => {
      const op = await readableOperation(ctx, req.params.id, (c) => req.access.can('ops:read', c));
      const alerts = await listAlerts(ctx, op.id, req.query.state);
      const n = await names();
      return { alerts: alerts.map((a) => apiAlert(a, n)) };
    },
  );

  const change = async (
    id: string,
    to: 'acknowledged' | 'resolved',
    note: string | undefined,
    may: (compartment: string) => boolean,
    actorId: string,
  ) => {
    const alert = await getAlert(ctx, id);
    // An alert of an operation the caller cannot manage is "no such alert", like a missing one.
    await readableOperation(ctx, alert.operationId, may).catch(() => {
      throw new OpsError('UNKNOWN_ALERT', 'no such alert', { id });
    });
    const changed = await changeAlert(ctx, alert.id, to, note?.trim() || null, actorId);
    return { alert: apiAlert(changed, await names()) };
  };

  app.post(
    '/api/ops/alerts/:id/acknowledge',
    {
      config: { policy: { permission: 'alerts:manage' } },
      schema: {
        operationId: 'acknowledgeAlert',
        tags,
        summary: 'Acknowledge an alert',
        params: AlertParam,
        body: AlertNoteBody,
        response: { 200: AlertResultSchema },
      },
    },
    (req) =>
      change(
        req.params.id,
        'acknowledged',
        req.body?.note,
        (c) => req.access.can('alerts:manage', c),
        req.access.userId ?? 'anonymous',
      ),
  );

  app.post(
    '/api/ops/alerts/:id/resolve',
    {
      config: { policy: { permission: 'alerts:manage' } },
      schema: {
        operationId: 'resolveAlert',
        tags,
        summary: 'Resolve an alert with a note',
        params: AlertParam,
        body: ResolveBody,
        response: { 200: AlertResultSchema },
      },
    },
    (req) =>
      change(
        req.params.id,
        'resolved',
        req.body.note,
        (c) => req.access.can('alerts:manage', c),
        req.access.userId ?? 'anonymous',
      ),
  );
};
