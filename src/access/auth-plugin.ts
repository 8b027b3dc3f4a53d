/**
 * auth-plugin.ts — enforces every route's `config.policy` (src/api/policy.ts) before the
 * handler runs, and tells handlers who is calling (`request.access`).
 *
 * - At startup (onRoute): a route under /api without a policy stops buildApp with an error.
 * - On each request (onRequest, before the body is read): a public route passes; otherwise the
 *   caller is resolved from `Authorization: Bearer att_…` or the `attest_session` cookie.
 *   No valid credentials → 401 `unauthenticated`; cookie-authenticated unsafe method without a
 *   same-origin Origin/Referer and the session's `x-csrf-token` → 403 `csrf-failed`; a
 *   permission held in no compartment → 403 `forbidden`. Bearer requests carry no ambient
 *   credentials, so they are exempt from the CSRF check.
 * - Every /api answer carries `Cache-Control: no-store` (a route may override it).
 * - Every 401 and 403 reply on /api (from here or from a handler) is written to the access
 *   audit (onSend), unless the route already recorded its own event (login).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Ctx } from '../ctx.js';
import { type Access, ANONYMOUS, accessFor } from './access.js';
import { recordAccessEvent } from './audit/service.js';
import { AccessError } from './errors.js';
import { grantsOf } from './grants/service.js';
import { isPermission } from './permissions.js';
import type { RoutePolicy } from './policy.js';
import { csrfTokenMatches } from './secrets.js';
import { resolveSession, SESSION_COOKIE } from './sessions/store.js';
import { resolveApiToken } from './tokens/service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling and what they may do; ANONYMOUS on public routes and before auth. */
    access: Access;
  }
  interface FastifyInstance {
    /** Every route registered under /api with its policy (for the access matrix test). */
    readonly apiRoutes: readonly ApiRoute[];
  }
}

export interface ApiRoute {
  readonly method: string;
  readonly url: string;
  readonly policy: RoutePolicy;
}

export interface AuthPluginOptions {
  readonly ctx: Ctx;
  /** Route prefixes that are public without declaring it (third-party plugins: the docs UI). */
  readonly publicPrefixes?: readonly string[];
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BEARER = /^Bearer ([!-~]{1,300})$/;

/** An audit outcome chosen where the denial happened; onSend falls back to the status. */
const denialOutcome = new WeakMap<FastifyRequest, string>();
/** Requests whose route recorded its own access event. */
const audited = new WeakSet<FastifyRequest>();

/** markAudited tells the plugin that this request's outcome is already in the access audit. */
export function markAudited(request: FastifyRequest): void {
  audited.add(request);
}

const DENIALS = {
  unauthenticated: () => new AccessError('UNAUTHENTICATED', 'sign in, or send a valid API token'),
  'csrf-failed': () =>
    new AccessError('CSRF_FAILED', 'a same-origin Origin and the session’s x-csrf-token are required'),
  forbidden: () => new AccessError('FORBIDDEN', 'none of your roles allows this'),
} as const;

/** deny returns the error for a refused request and remembers the audit outcome (its key). */
function deny(request: FastifyRequest, outcome: keyof typeof DENIALS): AccessError {
  denialOutcome.set(request, outcome);
  return DENIALS[outcome]();
}

/** isSameOrigin tells whether Origin (or, failing that, Referer) names this server's origin. */
export function isSameOrigin(request: FastifyRequest): boolean {
  const expected = `${request.protocol}://${request.host}`;
  const origin = request.headers.origin;
  if (typeof origin === 'string') return origin === expected;
  const referer = request.headers.referer;
  if (typeof referer !== 'string') return false;
  try {
    const u = new URL(referer);
    return `${u.protocol}//${u.host}` === expected;
  } catch {
    return false;
  }
}

function checkPolicy(method: string, url: string, policy: unknown): asserts policy is RoutePolicy {
  const p = policy as Partial<Record<string, unknown>> | undefined;
  const ok =
    p !== undefined &&
    (p.public === true ||
      p.authenticated === true ||
      (typeof p.permission === 'string' && isPermission(p.permission)));
  if (!ok) {
    throw new Error(
      `route ${method} ${url} has no valid config.policy; every /api route declares one (see src/api/policy.ts)`,
    );
  }
}

const authPlugin: FastifyPluginAsync<AuthPluginOptions> = async (app, { ctx, publicPrefixes = [] }) => {
  const routes: ApiRoute[] = [];
  app.decorate('apiRoutes', routes);
  app.decorateRequest('access', null as unknown as Access);

  app.addHook('onRoute', (route) => {
    if (route.url !== '/api' && !route.url.startsWith('/api/')) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.config?.policy === undefined && publicPrefixes.some((p) => route.url.startsWith(p))) {
      route.config = { ...route.config, policy: { public: true } };
    }
    const policy = route.config?.policy;
    checkPolicy(methods.join(','), route.url, policy);
    for (const method of methods) routes.push(Object.freeze({ method, url: route.url, policy }));
  });

  app.addHook('onRequest', async (request, reply) => {
    request.access = ANONYMOUS;
    const policy = request.routeOptions.config.policy;
    if (policy === undefined) return; // not an /api route (or no route: 404)
    // RFC 9111 §5.2.2.5: no cache (browser, proxy, shared device) keeps an API answer; they
    // carry evidence, personal data, CSRF tokens and one-time links. A route whose answer is
    // public and immutable may set its own Cache-Control.
    reply.header('cache-control', 'no-store');
    const unsafe = UNSAFE.has(request.method);
    if ('public' in policy) {
      // Login CSRF: a browser always sends Origin on cross-site POSTs; refuse a foreign one.
      if (unsafe && typeof request.headers.origin === 'string' && !isSameOrigin(request)) {
        throw deny(request, 'csrf-failed');
      }
      return;
    }
    const authorization = request.headers.authorization;
    let sessionId: string | undefined;
    if (authorization !== undefined) {
      // Attacker-controlled: matched against a fixed shape, then hashed and looked up.
      const m = BEARER.exec(authorization);
      const found = m ? await resolveApiToken(ctx, m[1]!) : null;
      if (!found) {
        await recordAccessEvent(ctx, {
          kind: 'token-failed',
          outcome: 'failed',
          ip: request.ip,
          method: request.method,
          route: request.routeOptions.url ?? null,
          status: 401,
          requestId: request.id,
        });
        audited.add(request);
        throw deny(request, 'unauthenticated');
      }
      request.access = accessFor(
        { userId: found.userId, username: found.username, via: 'token', credentialId: found.tokenId },
        found.grants,
      );
    } else {
      sessionId = request.cookies[SESSION_COOKIE];
      const session = sessionId ? await resolveSession(ctx, sessionId) : null;
      if (session) {
        request.access = accessFor(
          {
            userId: session.userId,
            username: session.username,
            via: 'session',
            credentialId: session.idHash,
          },
          await grantsOf(ctx.db, session.userId),
        );
      }
    }
    if (!request.access.authenticated) throw deny(request, 'unauthenticated');
    if (request.access.via === 'session' && unsafe && !('csrf' in policy && policy.csrf === false)) {
      const token = request.headers['x-csrf-token'];
      if (
        !isSameOrigin(request) ||
        typeof token !== 'string' ||
        sessionId === undefined ||
        !csrfTokenMatches(sessionId, token)
      ) {
        throw deny(request, 'csrf-failed');
      }
    }
    if ('permission' in policy && !request.access.canAnywhere(policy.permission)) {
      throw deny(request, 'forbidden');
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const status = reply.statusCode;
    if ((status === 401 || status === 403) && !audited.has(request) && request.url.startsWith('/api')) {
      audited.add(request);
      try {
        await recordAccessEvent(ctx, {
          kind: 'denied',
          outcome: denialOutcome.get(request) ?? String(status),
          actorId: request.access?.userId ?? null,
          ip: request.ip,
          method: request.method,
          route: request.routeOptions.url ?? null,
          status,
          requestId: request.id,
        });
      } catch (err) {
        request.log.error({ err, requestId: request.id }, 'cannot record access denial');
      }
    }
    return payload;
  });
};

/** accessPlugin is the access layer's Fastify plugin (not encapsulated: it guards every route). */
export const accessPlugin = fp(authPlugin, {
  fastify: '5.x',
  name: 'attest-access',
  dependencies: ['@fastify/cookie'],
});
