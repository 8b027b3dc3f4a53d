/**
 * routes.ts — the access layer's HTTP routes: login and logout, the caller's profile and
 * password, first-run setup, password links, user administration, API tokens and the access
 * audit. Handlers parse, call the service, record the access event and reply.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '../api/problems.js';
import type { AttestPlugin } from '../api/type-provider.js';
import type { Ctx } from '../ctx.js';
import { type Access, accessFor } from './access.js';
import {
  type AccessEventKind,
  AUDIT_CSV_COLUMNS,
  auditCsvRow,
  queryAccessEvents,
  recordAccessEvent,
} from './audit.js';
import { markAudited } from './auth-plugin.js';
import { AccessError } from './errors.js';
import { passwordPath } from './links.js';
import { attemptLogin } from './login.js';
import { PERMISSIONS } from './permissions.js';
import * as S from './schemas.js';
import { csrfTokenFor } from './secrets.js';
import {
  createSession,
  deleteSession,
  deleteUserSessions,
  SESSION_ABSOLUTE_SECONDS,
  SESSION_COOKIE,
} from './sessions.js';
import { ACCOUNT_RULE, accountKey, lockedFor, recordFailure } from './throttle.js';
import { createApiToken, listApiTokens, revokeApiToken } from './tokens.js';
import {
  changePassword,
  completeSetup,
  createUser,
  disableUser,
  getUser,
  grantRole,
  issuePasswordLink,
  listUsers,
  resetPassword,
  revokeRole,
  setupNeeded,
} from './users.js';

/** Auth bodies are small: a username, a password or two, a token. */
const SMALL_BODY = 16 * 1024;

function sessionCookieOptions(request: FastifyRequest) {
  return {
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/',
    secure: request.protocol === 'https',
    maxAge: SESSION_ABSOLUTE_SECONDS,
  };
}

function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { ...sessionCookieOptions(request), maxAge: 0 });
}

function audit(
  ctx: Ctx,
  request: FastifyRequest,
  kind: AccessEventKind,
  outcome: string,
  targetId?: string | null,
) {
  return recordAccessEvent(ctx, {
    kind,
    outcome,
    actorId: request.access?.userId ?? null,
    targetId: targetId ?? null,
    ip: request.ip,
    method: request.method,
    route: request.routeOptions.url ?? null,
    requestId: request.id,
  });
}

function me(access: Access, csrfToken?: string): S.MeResponse {
  return {
    id: access.userId!,
    username: access.username!,
    via: access.via!,
    grants: [...access.grants],
    permissions: PERMISSIONS.filter((p) => access.canAnywhere(p)),
    ...(csrfToken ? { csrfToken } : {}),
  };
}

const tag = (name: string) => ({ tags: [name] });

/** sessionRoutes: login, logout, the caller's profile and password. */
export const sessionRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.post(
    '/api/login',
    {
      config: { policy: { public: true } },
      bodyLimit: SMALL_BODY,
      schema: { ...tag('session'), body: S.LoginBody, response: { 200: S.MeResponse } },
    },
    async (request, reply) => {
      markAudited(request);
      const { username, password } = request.body;
      // A session cookie presented here is ignored: login always starts a new session.
      const outcome = await attemptLogin(ctx, username, password, request.ip);
      if (outcome.status === 'locked') {
        await audit(ctx, request, 'login', 'locked', outcome.userId);
        reply.header('retry-after', String(outcome.retryAfterSeconds));
        throw new HttpProblem('rate-limited', undefined, { retryAfter: outcome.retryAfterSeconds });
      }
      if (outcome.status === 'failed') {
        await audit(
          ctx,
          request,
          'login',
          outcome.reason === 'disabled' ? 'disabled' : 'failed',
          outcome.userId,
        );
        throw new HttpProblem('invalid-credentials');
      }
      const session = await createSession(ctx, outcome.userId);
      const user = await getUser(ctx, outcome.userId);
      await recordAccessEvent(ctx, {
        kind: 'login',
        outcome: 'ok',
        actorId: outcome.userId,
        targetId: outcome.userId,
        ip: request.ip,
        method: request.method,
        route: request.routeOptions.url ?? null,
        requestId: request.id,
      });
      reply.setCookie(SESSION_COOKIE, session.id, sessionCookieOptions(request));
      const access = accessFor(
        { userId: outcome.userId, username: outcome.username, via: 'session', credentialId: session.idHash },
        user.grants,
      );
      return me(access, session.csrfToken);
    },
  );

  app.post(
    '/api/logout',
    {
      config: { policy: { authenticated: true } },
      schema: { ...tag('session'), response: { 204: S.NoContent } },
    },
    async (request, reply) => {
      if (request.access.via === 'session') await deleteSession(ctx, request.access.credentialId!);
      await audit(ctx, request, 'logout', 'ok', request.access.userId);
      clearSessionCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/logout-everywhere',
    {
      config: { policy: { authenticated: true } },
      schema: { ...tag('session'), response: { 204: S.NoContent } },
    },
    async (request, reply) => {
      await deleteUserSessions(ctx, request.access.userId!);
      await audit(ctx, request, 'logout-everywhere', 'ok', request.access.userId);
      clearSessionCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/me',
    {
      config: { policy: { authenticated: true } },
      schema: { ...tag('session'), response: { 200: S.MeResponse } },
    },
    async (request) => {
      const sid = request.access.via === 'session' ? request.cookies[SESSION_COOKIE] : undefined;
      return me(request.access, sid ? csrfTokenFor(sid) : undefined);
    },
  );

  app.post(
    '/api/me/password',
    {
      config: { policy: { authenticated: true } },
      bodyLimit: SMALL_BODY,
      schema: { ...tag('session'), body: S.PasswordChangeBody, response: { 204: S.NoContent } },
    },
    async (request, reply) => {
      const access = request.access;
      if (access.via !== 'session') throw new HttpProblem('forbidden', 'sign in to change your password');
      const key = accountKey(access.username!);
      const wait = await lockedFor(ctx, [key]);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw new HttpProblem('rate-limited', undefined, { retryAfter: wait });
      }
      try {
        await changePassword(
          ctx,
          access.userId!,
          request.body.oldPassword,
          request.body.newPassword,
          access.credentialId!,
        );
      } catch (err) {
        if (err instanceof AccessError && err.code === 'WRONG_PASSWORD') {
          await recordFailure(ctx, key, ACCOUNT_RULE);
          await audit(ctx, request, 'password-change', 'failed', access.userId);
        }
        throw err;
      }
      await audit(ctx, request, 'password-change', 'ok', access.userId);
      return reply.code(204).send(null);
    },
  );
};

/** setupRoutes: first-run setup and one-time password links. */
export const setupRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.get(
    '/api/setup',
    { config: { policy: { public: true } }, schema: { ...tag('setup'), response: { 200: S.SetupStatus } } },
    async () => ({ needed: await setupNeeded(ctx) }),
  );

  app.post(
    '/api/setup',
    {
      config: { policy: { public: true } },
      bodyLimit: SMALL_BODY,
      schema: { ...tag('setup'), body: S.SetupBody, response: { 201: S.SetupResponse } },
    },
    async (request, reply) => {
      try {
        const user = await completeSetup(
          ctx,
          request.body.token,
          request.body.username,
          request.body.password,
        );
        await audit(ctx, request, 'setup', 'ok', user.id);
        return reply.code(201).send({ user });
      } catch (err) {
        if (err instanceof AccessError)
          await audit(ctx, request, 'setup', err.code.toLowerCase().replaceAll('_', '-'));
        throw err;
      }
    },
  );

  app.post(
    '/api/password-reset',
    {
      config: { policy: { public: true } },
      bodyLimit: SMALL_BODY,
      schema: { ...tag('setup'), body: S.PasswordResetBody, response: { 204: S.NoContent } },
    },
    async (request, reply) => {
      try {
        const userId = await resetPassword(ctx, request.body.token, request.body.password);
        await audit(ctx, request, 'password-reset', 'ok', userId);
      } catch (err) {
        if (err instanceof AccessError)
          await audit(ctx, request, 'password-reset', err.code.toLowerCase().replaceAll('_', '-'));
        throw err;
      }
      return reply.code(204).send(null);
    },
  );
};

/** adminRoutes: user administration (users:admin). */
export const adminRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  const policy = { policy: { permission: 'users:admin' as const } };

  app.get(
    '/api/admin/users',
    { config: policy, schema: { ...tag('admin'), response: { 200: S.UsersResponse } } },
    async () => ({ users: await listUsers(ctx) }),
  );

  app.post(
    '/api/admin/users',
    {
      config: policy,
      bodyLimit: SMALL_BODY,
      schema: { ...tag('admin'), body: S.CreateUserBody, response: { 201: S.CreatedUserResponse } },
    },
    async (request, reply) => {
      const created = await createUser(ctx, { ...request.body, actor: request.access.userId! });
      await audit(ctx, request, 'user-create', 'ok', created.user.id);
      return reply.code(201).send({
        user: created.user,
        link: {
          passwordToken: created.passwordToken,
          passwordPath: passwordPath(created.passwordToken),
          expiresAt: created.passwordTokenExpiresAt,
        },
      });
    },
  );

  app.post(
    '/api/admin/users/:id/disable',
    { config: policy, schema: { ...tag('admin'), params: S.IdParams, response: { 204: S.NoContent } } },
    async (request, reply) => {
      await disableUser(ctx, request.params.id);
      await audit(ctx, request, 'user-disable', 'ok', request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/admin/users/:id/password-link',
    { config: policy, schema: { ...tag('admin'), params: S.IdParams, response: { 201: S.PasswordLink } } },
    async (request, reply) => {
      const link = await issuePasswordLink(ctx, request.params.id);
      await audit(ctx, request, 'reset-link', 'ok', request.params.id);
      return reply.code(201).send({
        passwordToken: link.token,
        passwordPath: passwordPath(link.token),
        expiresAt: link.expiresAt,
      });
    },
  );

  app.post(
    '/api/admin/users/:id/grants',
    {
      config: policy,
      bodyLimit: SMALL_BODY,
      schema: { ...tag('admin'), params: S.IdParams, body: S.GrantSchema, response: { 204: S.NoContent } },
    },
    async (request, reply) => {
      await grantRole(
        ctx,
        request.params.id,
        request.body.role,
        request.body.compartment,
        request.access.userId!,
      );
      await audit(ctx, request, 'grant', `${request.body.role}`, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/admin/users/:id/grants/:role/:compartment',
    { config: policy, schema: { ...tag('admin'), params: S.GrantParams, response: { 204: S.NoContent } } },
    async (request, reply) => {
      await revokeRole(ctx, request.params.id, request.params.role, request.params.compartment);
      await audit(ctx, request, 'revoke-grant', request.params.role, request.params.id);
      return reply.code(204).send(null);
    },
  );
};

/** tokenRoutes: the caller's own API tokens. */
export const tokenRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  const policy = { policy: { authenticated: true as const } };

  app.get(
    '/api/tokens',
    { config: policy, schema: { ...tag('tokens'), response: { 200: S.TokensResponse } } },
    async (request) => ({ tokens: await listApiTokens(ctx, request.access.userId!) }),
  );

  app.post(
    '/api/tokens',
    {
      config: policy,
      bodyLimit: SMALL_BODY,
      schema: { ...tag('tokens'), body: S.CreateTokenBody, response: { 201: S.CreatedTokenResponse } },
    },
    async (request, reply) => {
      // A token cannot mint tokens: a leaked script token must not be able to outlive itself.
      if (request.access.via !== 'session') throw new HttpProblem('forbidden', 'sign in to create tokens');
      const created = await createApiToken(ctx, request.access.userId!, request.body);
      await audit(ctx, request, 'token-create', 'ok', request.access.userId);
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/tokens/:id',
    { config: policy, schema: { ...tag('tokens'), params: S.IdParams, response: { 204: S.NoContent } } },
    async (request, reply) => {
      await revokeApiToken(ctx, request.access.userId!, request.params.id);
      await audit(ctx, request, 'token-revoke', 'ok', request.access.userId);
      return reply.code(204).send(null);
    },
  );
};

/** auditRoutes: the access audit, as JSON pages and as CSV (audit:read). */
export const auditRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  const policy = { policy: { permission: 'audit:read' as const } };
  const toQuery = (q: S.AuditQuerySchema) => ({
    ...(q.after !== undefined ? { after: q.after } : {}),
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
    ...(q.kind !== undefined ? { kind: q.kind } : {}),
    ...(q.outcome !== undefined ? { outcome: q.outcome } : {}),
    ...(q.actor !== undefined ? { actorId: q.actor } : {}),
    ...(q.since !== undefined ? { since: new Date(q.since).toISOString() } : {}),
    ...(q.until !== undefined ? { until: new Date(q.until).toISOString() } : {}),
  });

  app.get(
    '/api/audit',
    {
      config: policy,
      schema: { ...tag('audit'), querystring: S.AuditQuerySchema, response: { 200: S.AuditResponse } },
    },
    async (request) => queryAccessEvents(ctx, toQuery(request.query)),
  );

  app.get(
    '/api/audit.csv',
    {
      config: policy,
      schema: {
        ...tag('audit'),
        querystring: S.AuditQuerySchema,
        response: { 200: { type: 'string', description: 'CSV (RFC 4180), one event a row' } },
      },
    },
    async (request, reply) => {
      // Up to 100 000 rows per export, a page at a time; page further with `after`.
      const rows: string[] = [`${AUDIT_CSV_COLUMNS.join(',')}\r\n`];
      let query = { ...toQuery(request.query), limit: 1000 };
      for (let page = 0; page < 100; page++) {
        const { events, next } = await queryAccessEvents(ctx, query);
        for (const e of events) rows.push(auditCsvRow(e));
        if (next === null) break;
        query = { ...query, after: next };
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="access-audit.csv"')
        .send(rows.join(''));
    },
  );
};

/** ACCESS_ROUTES are registered by buildApp before the domain routes. */
export const ACCESS_ROUTES = [sessionRoutes, setupRoutes, adminRoutes, tokenRoutes, auditRoutes];
