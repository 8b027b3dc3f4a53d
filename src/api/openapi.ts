/**
 * openapi.ts — the OpenAPI 3.1 document as client generators need it (issue 19.3). @fastify/swagger
 * builds it from the routes' schemas; `finishDocument` then adds what only the app knows: the
 * licence, one RFC 9457 problem schema and the problem responses each operation can give (by its
 * policy, parameters and body), each a `$ref` to one shared response. `routeDocProblems` is the rule
 * that keeps the document whole: every /api route has an operationId, a summary and a schema for its
 * success response, or the server does not start (server.ts).
 */
import type { RouteOptions } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problems.js';

/** PROBLEM_SCHEMA is the RFC 9457 problem details object, as problems.ts sends it. */
export const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details; `type` ends in a stable code listed in docs/errors.md',
  required: ['type', 'title', 'status', 'requestId'],
  properties: {
    type: { type: 'string', format: 'uri', description: 'https://attest.example/problems/<code>' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string', description: 'also in the x-request-id header and the server log' },
  },
  additionalProperties: true,
} as const;

/** The problem responses an operation may document, with the problem codes each covers. */
const PROBLEM_RESPONSES: Readonly<Record<string, { readonly description: string; readonly codes: string }>> =
  {
    '400': { description: 'The request is not valid', codes: 'invalid-request, malformed-json, …' },
    '401': { description: 'Authentication required', codes: 'unauthenticated; see WWW-Authenticate' },
    '403': { description: 'Not allowed', codes: 'forbidden, csrf-failed, scope-exceeded, …' },
    '404': { description: 'No such resource that the caller may see', codes: 'not-found' },
    '413': { description: 'The body is too large', codes: 'payload-too-large' },
    '415': { description: 'Unsupported content type', codes: 'unsupported-media-type' },
    '500': { description: 'Internal error (details only in the server log)', codes: 'internal' },
  };

type Json = Record<string, unknown>;
interface Operation extends Json {
  parameters?: { in: string }[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
  security?: unknown[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** finishDocument completes the generated document in place and returns it. */
export function finishDocument<T extends object>(doc: T): T {
  const d = doc as Json & {
    paths?: Record<string, Record<string, Operation>>;
    components?: Json;
    info?: Json;
  };
  d.info = { ...d.info, license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' } };
  d.components ??= {};
  const components = d.components as Json;
  components.schemas = { ...((components.schemas as Json) ?? {}), Problem: PROBLEM_SCHEMA };
  const responses: Json = { ...((components.responses as Json) ?? {}) };
  for (const [status, spec] of Object.entries(PROBLEM_RESPONSES)) {
    responses[`Problem${status}`] = {
      description: `${spec.description} (${spec.codes})`,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  components.responses = responses;
  for (const [path, item] of Object.entries(d.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) addProblemResponses(path, method, op);
    }
  }
  return doc;
}

/**
 * addProblemResponses documents the problems every operation of its kind can give: 400 for input,
 * 401/403 behind a policy, 404 for a path with an id, 413/415 for a body. Responses a route
 * documents itself (412, 409, 416, 422 …) are kept as they are.
 */
function addProblemResponses(path: string, method: string, op: Operation): void {
  const statuses = new Set<string>(['500']);
  const hasInput = (op.parameters?.length ?? 0) > 0 || op.requestBody !== undefined;
  const unsafe = method === 'post' || method === 'put' || method === 'patch' || method === 'delete';
  if (hasInput || unsafe) statuses.add('400');
  if ((op.security?.length ?? 0) > 0) {
    statuses.add('401');
    statuses.add('403');
  }
  if (path.includes('{')) statuses.add('404');
  if (op.requestBody !== undefined || method === 'post' || method === 'patch' || method === 'put') {
    statuses.add('413');
    statuses.add('415');
  }
  op.responses ??= {};
  const responses = op.responses;
  for (const status of statuses) {
    if (!(status in responses)) responses[status] = { $ref: `#/components/responses/Problem${status}` };
  }
}

/** The parts of a route's schema the document needs. */
interface RouteSchema {
  readonly operationId?: unknown;
  readonly summary?: unknown;
  readonly hide?: unknown;
  readonly response?: Record<string, unknown>;
}

/**
 * routeDocProblems returns what a route lacks for the document: an operationId, a summary, a
 * response schema for a success status. Hidden routes and routes outside /api are not documented.
 */
export function routeDocProblems(route: Pick<RouteOptions, 'url' | 'schema'>): string[] {
  const schema = (route.schema ?? {}) as RouteSchema;
  if (!route.url.startsWith('/api/') || schema.hide === true) return [];
  const missing: string[] = [];
  if (typeof schema.operationId !== 'string' || schema.operationId === '') missing.push('operationId');
  if (typeof schema.summary !== 'string' || schema.summary === '') missing.push('summary');
  if (!Object.keys(schema.response ?? {}).some((s) => /^2(\d\d|xx)$/.test(s)))
    missing.push('a response schema for its success status');
  return missing;
}
