/**
 * server.ts — builds the Fastify app (without listening: tests use app.inject()). Domain routes
 * arrive as plugins behind the access layer; only health and version are public here.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Ctx } from '../ctx.js';
import { VERSION } from '../version.js';
import { HttpProblem, sendProblem } from './problems.js';
import { DOMAIN_ROUTES } from './routes.js';

export interface AppOptions {
  /** Fastify logger setting (false in tests). */
  readonly logger?: boolean;
  /** Largest JSON body any route accepts by default (bytes). */
  readonly bodyLimit?: number;
}

/** buildApp returns the configured Fastify instance for `ctx`. */
export async function buildApp(ctx: Ctx, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger
      ? {
          level: 'info',
          // Never log secrets: cookies, authorisation headers and tokens are dropped.
          redact: {
            paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
            remove: true,
          },
        }
      : false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: false,
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.setErrorHandler((err, request, reply) => sendProblem(err, request, reply));
  app.setNotFoundHandler((request, reply) => sendProblem(new HttpProblem('not-found'), request, reply));

  app.get('/healthz', async () => {
    await ctx.db.selectFrom('counter').select('name').limit(1).execute();
    return { status: 'ok' };
  });
  app.get('/api/version', async () => ({ name: 'attest', version: VERSION, database: ctx.dialect }));
  for (const plugin of DOMAIN_ROUTES) await app.register(plugin, { ctx });
  return app;
}
