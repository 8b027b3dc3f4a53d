/**
 * server.ts — builds the Fastify app (without listening: tests use app.inject()).
 *
 * Order matters: security headers and cookies, the OpenAPI generator, then the access layer
 * (which checks that every /api route declares a policy and enforces it), then the access
 * routes, then the domain routes (src/api/routes.ts). Errors of every kind leave as RFC 9457
 * problem+json (problems.ts) carrying the request id that is also in `x-request-id` and in
 * every log line; bodies are JSON only, at most `bodyLimit` bytes unless a route says otherwise.
 */
import { randomUUID } from 'node:crypto';
import zlib from 'node:zlib';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { ACCESS_ROUTES, accessPlugin, SESSION_COOKIE } from '../access/index.js';
import { publicBase } from '../config.js';
import type { Ctx } from '../ctx.js';
import { signerRefusal } from '../custody/index.js';
import { VERSION } from '../version.js';
import { jsonValidators } from './json-validators.js';
import { finishDocument, routeDocProblems } from './openapi.js';
import type { RoutePolicy } from './policy.js';
import { HttpProblem, sendProblem } from './problems.js';
import { DOMAIN_ROUTES } from './routes.js';
import { registerWebApp } from './static.js';
import type { AttestPlugin, TypeBoxTypeProvider } from './type-provider.js';
import { formatSchemaErrors, validatorCompiler } from './validation.js';

export interface AppOptions {
  /** Fastify logger setting (false in tests). */
  readonly logger?: boolean;
  /** Where log lines go when logging (default stdout); tests read them. */
  readonly logStream?: { write(line: string): void };
  /** Largest JSON body any route accepts by default (bytes; default 1 MiB). */
  readonly bodyLimit?: number;
  /** Further route plugins, registered after the domain routes (tests, embedding). */
  readonly plugins?: readonly AttestPlugin<{ ctx: Ctx }>[];
  /** Directory of the built web app (default web/dist); false serves the API only. */
  readonly webDist?: string | false;
}

/** requestLogLine is what the log keeps of a request: method, path without its query, request id. */
export function requestLogLine(request: { method: string; url: string; id: string }): Record<string, string> {
  const queryAt = request.url.indexOf('?');
  return {
    method: request.method,
    url: queryAt === -1 ? request.url : request.url.slice(0, queryAt),
    id: request.id,
  };
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** COMPRESSIBLE is what the API compresses: JSON, problem+json, CSV, Markdown. */
const COMPRESSIBLE = /^(application\/(problem\+)?json|text\/csv|text\/markdown)(;|$)/;
export const DOCS_PREFIX = '/api/docs';

/** buildApp returns the configured, ready Fastify instance for `ctx`. */
export async function buildApp(ctx: Ctx, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger
      ? {
          level: 'info',
          ...(options.logStream ? { stream: options.logStream } : {}),
          // Never log secrets: cookies, authorisation headers and tokens are dropped; request
          // bodies (passwords, one-time tokens) are never logged at all.
          redact: {
            paths: [
              'req.headers.authorization',
              'req.headers.cookie',
              'req.headers["x-csrf-token"]',
              'res.headers["set-cookie"]',
            ],
            remove: true,
          },
          // Query strings carry search terms, names and places (DESIGN rule 4: no personal data in
          // logs), so a request is logged by its path only.
          serializers: { req: requestLogLine },
        }
      : false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: false,
    // A URL's query string is bounded too (the body limit covers bodies).
    routerOptions: { maxParamLength: 200 },
    // Unknown fields are refused (400), never silently dropped: docs/errors.md `invalid-request`.
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Strict parsing (validation.ts): unknown fields are refused, bodies are not coerced.
  app.setValidatorCompiler(validatorCompiler);
  app.setSchemaErrorFormatter(formatSchemaErrors);
  app.setErrorHandler((err, request, reply) => sendProblem(err, request, reply));
  app.setNotFoundHandler((request, reply) => sendProblem(new HttpProblem('not-found'), request, reply));
  // Conditional requests on JSON resources (RFC 9110 §13): weak ETags, 304 and 412.
  app.addHook('onSend', jsonValidators);
  // JSON only: text/plain (Fastify's other default) is refused with 415.
  app.removeContentTypeParser('text/plain');

  await app.register(helmet, {
    // The API serves JSON; the docs UI needs its own scripts and styles (set by swagger-ui).
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
        // The embedded default serves plain HTTP on a LAN address; do not force https:.
        upgradeInsecureRequests: null,
      },
    },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  await app.register(cookie, { hook: 'onRequest' });
  // JSON, problems, CSV and Markdown are compressed for clients that accept it (br, gzip); evidence
  // bytes never are (Range and Repr-Digest are about the stored bytes), nor event streams. Runs
  // after jsonValidators (registered first), so the weak ETag is of the uncompressed JSON.
  await app.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip'],
    customTypes: COMPRESSIBLE,
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Attest API', version: VERSION },
      // Where clients reach this deployment (ATTEST_PUBLIC_URL, else the configured host and port).
      servers: [{ url: publicBase(ctx.config), description: 'this deployment' }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          bearer: { type: 'http', scheme: 'bearer', description: 'API token (att_…)' },
        },
      },
    },
    // Problem responses, the licence (openapi.ts): what client generators need beyond the routes.
    transformObject: (documentObject) =>
      'openapiObject' in documentObject
        ? finishDocument(documentObject.openapiObject)
        : documentObject.swaggerObject,
    // Document each route's policy next to it: who may call, with which credentials.
    transform: ({ schema, url, route }) => {
      const policy = route.config?.policy as RoutePolicy | undefined;
      const extra =
        policy === undefined || 'public' in policy
          ? { security: [] }
          : {
              security: [{ session: [] }, { bearer: [] }],
              ...('permission' in policy ? { 'x-permission': policy.permission } : {}),
            };
      return { schema: { ...schema, ...extra } as unknown as typeof schema, url };
    },
  });
  await app.register(accessPlugin, { ctx, publicPrefixes: [DOCS_PREFIX] });
  // Every documented /api route says what it is for and what it answers (issue 19.3): a route
  // without an operationId, a summary or a success response schema stops the server here. Checked
  // after the access plugin's policy check, so a route without a policy is refused for that first.
  app.addHook('onRoute', (route) => {
    const missing = routeDocProblems(route);
    if (missing.length > 0)
      throw new Error(
        `route ${String(route.method)} ${route.url} lacks ${missing.join(', ')} (src/api/openapi.ts)`,
      );
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX, staticCSP: true });

  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    await ctx.db.selectFrom('counter').select('name').limit(1).execute();
    // A signer that refused to sign is a deployment an operator must look at (issue 18.2);
    // the reason is in the server log, not here.
    if (signerRefusal(ctx)) return reply.status(503).send({ status: 'degraded', custodySigner: 'refused' });
    return { status: 'ok' };
  });
  app.get(
    '/api/version',
    {
      config: { policy: { public: true } },
      schema: {
        operationId: 'getVersion',
        tags: ['meta'],
        summary: 'The server: name, version and database dialect',
        response: {
          200: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              version: { type: 'string' },
              database: { type: 'string' },
            },
          },
        },
      },
    },
    async () => ({ name: 'attest', version: VERSION, database: ctx.dialect }),
  );
  app.get('/api/openapi.json', { config: { policy: { public: true } }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  for (const plugin of ACCESS_ROUTES) await app.register(plugin, { ctx });
  for (const plugin of DOMAIN_ROUTES) await app.register(plugin, { ctx });
  for (const plugin of options.plugins ?? []) await app.register(plugin, { ctx });
  // The web app (src/api/static.ts): built files and index.html for non-/api GETs. Last, so
  // every /api route above wins and unmatched /api paths stay problem+json 404s.
  if (options.webDist !== false) registerWebApp(app, options.webDist);
  await app.ready();
  return app;
}
