/** routes.ts — an operation's live event stream (Server-Sent Events, resumable by Last-Event-ID). */
import type { AttestPlugin } from '../../api/type-provider.js';
import type { Ctx } from '../../ctx.js';
import { readableOperation } from '../plan/service.js';
import { OperationParam } from '../schema-parts.js';
import { opsBus } from './publish.js';
import { EventsQuery } from './schemas.js';
import { streamOperationEvents } from './sse.js';

export const eventRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  // Open event streams would keep the server from closing.
  app.addHook('preClose', async () => {
    opsBus(ctx).emit('close');
  });

  app.get(
    '/api/ops/operations/:id/events',
    {
      config: { policy: { permission: 'ops:read' } },
      schema: {
        operationId: 'streamOperationEvents',
        tags: ['operations'],
        summary:
          'Live events (text/event-stream): observation, status, alert, totals; ends with `end` when access ends or after 15 min; resumes by Last-Event-ID',
        description:
          "Event ids come from one deployment-wide increasing sequence, so one operation's ids have gaps; " +
          'resume with the last id received (Last-Event-ID, or ?lastEventId=). Without a position a ' +
          'following stream starts from now; ?follow=false sends the backlog (or what follows the ' +
          'position) and ends, and answers 204 No Content when there is nothing more, which tells an ' +
          'EventSource to stop reconnecting.',
        params: OperationParam,
        querystring: EventsQuery,
        response: {
          200: {
            description: 'Server-Sent Events (HTML Living Standard §9.2)',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          204: { type: 'null', description: 'follow=false and no event after the position' },
        },
      },
    },
    async (req, reply) => {
      const op = await readableOperation(ctx, req.params.id, (c) => req.access.can('ops:read', c));
      await streamOperationEvents(ctx, op, req.access, req, reply);
    },
  );
};
