/**
 * http.ts — what the access routes share: the body limit of account routes and the audit source
 * of a request (who, from where, which route pattern, which request id).
 */
import type { FastifyRequest } from 'fastify';
import type { AuditSource } from './audit/service.js';
import type { AdminScope } from './grants/service.js';

/** Account bodies are small: a username, a password or two, a token. */
export const SMALL_BODY = 16 * 1024;

/** sourceOf is the audit source of `request`: its caller (if any), address, route and id. */
export function sourceOf(request: FastifyRequest): AuditSource {
  return {
    actorId: request.access?.userId ?? null,
    ip: request.ip,
    method: request.method,
    route: request.routeOptions.url ?? null,
    requestId: request.id,
  };
}

/** adminScope is where the caller may manage accounts (see AdminScope). */
export function adminScope(request: FastifyRequest): AdminScope {
  return request.access.compartmentsFor('users:admin');
}
