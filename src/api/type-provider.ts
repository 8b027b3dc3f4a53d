/**
 * type-provider.ts — the Fastify type provider for TypeBox schemas, so a route's `request.body`,
 * `params`, `querystring` and its reply are typed from the same schemas that validate them and
 * document them in OpenAPI.
 *
 * It is written here rather than imported from @fastify/type-provider-typebox because that
 * package's 6.x line is built on the renamed `typebox` 1.x package, while Attest's schemas use
 * `@sinclair/typebox` 0.34; validation stays with Fastify's own Ajv, which reads TypeBox's
 * JSON Schema as is.
 *
 *   const routes: AttestPlugin = async (app, { ctx }) => {
 *     app.get('/api/things/:id', { schema: { params: Type.Object({ id: Type.String() }) }, … },
 *       async (request) => getThing(ctx, request.params.id));   // params.id: string
 *   };
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyTypeProvider, RawServerDefault } from 'fastify';

/** DeepReadonly lets a handler return the domain's readonly data where a schema says mutable. */
export type DeepReadonly<T> = T extends (infer E)[]
  ? ReadonlyArray<DeepReadonly<E>>
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export interface TypeBoxTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
  serializer: this['schema'] extends TSchema ? DeepReadonly<Static<this['schema']>> : unknown;
}

/** AttestPlugin is a route plugin with typed schemas and its options (usually `{ ctx }`). */
export type AttestPlugin<Options extends Record<string, unknown> = Record<never, never>> = FastifyPluginAsync<
  Options,
  RawServerDefault,
  TypeBoxTypeProvider
>;
