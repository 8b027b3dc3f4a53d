/**
 * sessions/routes.ts — sign in and out, the caller's profile and password. The session id rides
 * in an HttpOnly, SameSite=Strict cookie; the CSRF token in the JSON body of login and /api/me.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AttestPlugin } from '../../api/type-provider.js';
import type { Ctx } from '../../ctx.js';
import { markAudited } from '../auth-plugin.js';
import { SMALL_BODY, sourceOf } from '../http.js';
import * as S from '../schemas.js';
import { csrfTokenFor } from '../secrets.js';
import { changeOwnPassword, profile, signIn, signOut, signOutEverywhere } from './service.js';
import { SESSION_ABSOLUTE_SECONDS, SESSION_COOKIE } from './store.js';

const tags = ['session'];

function cookieOptions(request: FastifyRequest) {
  return {
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/',
    secure: request.protocol === 'https',
    maxAge: SESSION_ABSOLUTE_SECONDS,
  };
}

function clearCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { ...cookieOptions(request), maxAge: 0 });
}

export const sessionRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.post(
    '/api/login',
    {
      config: { policy: { public: true } },
      bodyLimit: SMALL_BODY,
      schema: {
        operationId: 'login',
        summary: 'Sign in with a username and password; starts a new session',
        tags,
        body: S.LoginBody,
        response: { 200: S.MeResponse },
      },
    },
    async (request, reply) => {
      markAudited(request); // signIn records every outcome itself
      const { session, profile } = await signIn(ctx, request.body, { ...sourceOf(request), ip: request.ip });
      reply.setCookie(SESSION_COOKIE, session.id, cookieOptions(request));
      return profile;
    },
  );

  app.post(
    '/api/logout',
    {
      config: { policy: { authenticated: true } },
      schema: {
        operationId: 'logout',
        summary: 'End this session',
        tags,
        response: { 204: S.NoContent },
      },
    },
    async (request, reply) => {
      await signOut(ctx, request.access, sourceOf(request));
      clearCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/logout-everywhere',
    {
      config: { policy: { authenticated: true } },
      schema: {
        operationId: 'logoutEverywhere',
        summary: 'End every session of the caller',
        tags,
        response: { 204: S.NoContent },
      },
    },
    async (request, reply) => {
      await signOutEverywhere(ctx, request.access, sourceOf(request));
      clearCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/me',
    {
      config: { policy: { authenticated: true } },
      schema: {
        operationId: 'getMe',
        summary: 'Who the caller is, its grants and permissions (and the CSRF token of its session)',
        tags,
        response: { 200: S.MeResponse },
      },
    },
    async (request) => {
      const sid = request.access.via === 'session' ? request.cookies[SESSION_COOKIE] : undefined;
      return profile(request.access, sid ? csrfTokenFor(sid) : undefined);
    },
  );

  app.post(
    '/api/me/password',
    {
      config: { policy: { authenticated: true } },
      bodyLimit: SMALL_BODY,
      schema: {
        operationId: 'changeOwnPassword',
        summary: "Change the caller's password (ends its other sessions)",
        tags,
        body: S.PasswordChangeBody,
        response: { 204: S.NoContent },
      },
    },
    async (request, reply) => {
      await changeOwnPassword(ctx, request.access, request.body, sourceOf(request));
      return reply.code(204).send(null);
    },
  );
};
