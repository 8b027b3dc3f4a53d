/**
 * case-route.ts — the shape every cases route shares, written once: a route is its method, URL,
 * policy, OpenAPI names and TypeBox schemas, and a `handle` that receives the parsed request
 * with the caller as a cases `Viewer` and returns what the response schema allows. `caseRoute`
 * registers exactly what a hand-written `app.route` would (config.policy, operationId, summary,
 * tags, params/querystring/body, response by status), so the access layer, the strict
 * validator, the serializer's allow-list and the OpenAPI document see no difference; it only
 * spares each of ~30 routes the same dozen lines of wiring.
 *
 *   caseRoute({
 *     method: 'GET', url: '/api/cases/:ref', policy: READ,
 *     operationId: 'getCase', summary: 'A case with what you may see of it',
 *     params: S.CaseParam, response: S.CaseDetailSchema,
 *     handle: ({ ctx, viewer, params }) => getCase(ctx, viewer, params.ref),   // params.ref: string
 *   })
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RoutePolicy } from '../../api/policy.js';
import type { AttestPlugin, DeepReadonly } from '../../api/type-provider.js';
import type { Ctx } from '../../ctx.js';
import { type Viewer, viewerOf } from '../viewer.js';

type Part<S> = S extends TSchema ? Static<S> : undefined;
// Without a response schema: nothing (204) or the reply the handler sent itself (a stream).
type Handled<R> = R extends TSchema
  ? Promise<DeepReadonly<Static<R>>>
  : Promise<FastifyReply> | Promise<void>;

/** Call is what a handler gets: the parsed request parts (typed by their schemas) and the caller. */
export interface Call<P, Q, B> {
  readonly ctx: Ctx;
  readonly viewer: Viewer;
  readonly params: Part<P>;
  readonly query: Part<Q>;
  readonly body: Part<B>;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface CaseRouteSpec<P, Q, B, R> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly policy: RoutePolicy;
  readonly operationId: string;
  readonly summary: string;
  readonly params?: P;
  readonly querystring?: Q;
  readonly body?: B;
  /** The success status (default 200); 204 sends no body. */
  readonly status?: 200 | 201 | 202 | 204;
  /**
   * The success body's schema: the allow-list of what leaves the server. Omitted only by a
   * route that sends a stream itself (a download); its handler returns the reply.
   */
  readonly response?: R;
  /** What a route that sends its own stream answers, for the OpenAPI document only. */
  readonly streams?: TSchema;
  readonly handle: (call: Call<P, Q, B>) => Handled<R>;
}

type App = Parameters<AttestPlugin>[0];

/** A CaseRoute registers itself on the cases plugin's app. */
export type CaseRoute = (app: App, ctx: Ctx) => void;

/** The body a 204 declares (nothing). */
const NO_CONTENT = { type: 'null' } as const;

/** caseRoute turns a spec into a route registration; see the module comment. */
export function caseRoute<
  P extends TSchema | undefined = undefined,
  Q extends TSchema | undefined = undefined,
  B extends TSchema | undefined = undefined,
  R extends TSchema | undefined = undefined,
>(spec: CaseRouteSpec<P, Q, B, R>): CaseRoute {
  const status = spec.status ?? 200;
  const schema = {
    operationId: spec.operationId,
    summary: spec.summary,
    tags: ['cases'],
    ...(spec.params ? { params: spec.params } : {}),
    ...(spec.querystring ? { querystring: spec.querystring } : {}),
    ...(spec.body ? { body: spec.body } : {}),
    ...(status === 204 ? { response: { 204: NO_CONTENT } } : {}),
    ...(spec.response ? { response: { [status]: spec.response } } : {}),
    ...(spec.streams ? { response: { [status]: spec.streams } } : {}),
  };
  return (app, ctx) => {
    app.route({
      method: spec.method,
      url: spec.url,
      config: { policy: spec.policy },
      schema,
      handler: async (request, reply) => {
        // The schemas above validated these parts before the handler runs.
        const out = await spec.handle({
          ctx,
          viewer: viewerOf(request.access),
          params: request.params as Part<P>,
          query: request.query as Part<Q>,
          body: request.body as Part<B>,
          request,
          reply,
        });
        if (status === 204) return reply.code(204).send(null);
        if (!spec.response) return out; // the handler sent its own reply (a stream)
        return reply.code(status).send(out);
      },
    });
  };
}
