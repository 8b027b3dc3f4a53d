/**
 * routes.ts — entities, incidents, links and claims over HTTP. Reads are scoped to the caller's
 * compartments (analysis:read, and items:read for the items they touch); a record outside them
 * is "not found". Every change appends to the custody log (ids and hashes only).
 */
import type { FastifyRequest } from 'fastify';
import type { AttestPlugin } from '../api/type-provider.js';
import type { Ctx } from '../ctx.js';
import { createClaim, getClaim, setStance } from './claims.js';
import { createEntity, getEntity, listEntities, updateEntity } from './entities.js';
import { createIncident, getIncident, listIncidents } from './incidents.js';
import { createLink, linksOf } from './links.js';
import { type Actor, intersect } from './records.js';
import * as S from './schemas.js';

const tags = ['analysis'];

/**
 * actorOf: analysis records rest on items, so reading them needs analysis:read and items:read in
 * a compartment, writing analysis:write there as well, and a protected person's identity
 * persons:reveal as well.
 */
export function actorOf(request: FastifyRequest): Actor {
  const access = request.access;
  const read = intersect(access.compartmentsFor('analysis:read'), access.compartmentsFor('items:read'));
  return {
    id: access.userId ?? 'anonymous',
    read,
    write: intersect(access.compartmentsFor('analysis:write'), read),
    reveal: intersect(access.compartmentsFor('persons:reveal'), read),
  };
}

const read = { policy: { permission: 'analysis:read' as const } };
const write = { policy: { permission: 'analysis:write' as const } };

export const analysisRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.post(
    '/api/entities',
    {
      config: write,
      schema: {
        operationId: 'createEntity',
        summary: 'Record a person, organisation, unit, place or vehicle',
        tags,
        body: S.EntityBody,
        response: { 201: S.EntitySchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createEntity(ctx, actorOf(request), request.body)),
  );
  app.get(
    '/api/entities',
    {
      config: read,
      schema: {
        operationId: 'listEntities',
        summary: "Entities of the caller's compartments",
        tags,
        querystring: S.EntityQuery,
        response: { 200: S.EntityListSchema },
      },
    },
    async (request) => listEntities(ctx, actorOf(request), request.query),
  );
  app.get(
    '/api/entities/:id',
    {
      config: read,
      schema: {
        operationId: 'getEntity',
        summary: 'One entity (a protected person outside their compartment: by pseudonym)',
        tags,
        params: S.IdParam('ent'),
        querystring: S.RevealQuery,
        response: { 200: S.EntitySchema },
      },
    },
    async (request) => getEntity(ctx, actorOf(request), request.params.id, request.query.reveal === true),
  );
  app.patch(
    '/api/entities/:id',
    {
      config: write,
      schema: {
        operationId: 'updateEntity',
        summary: "Change an entity's names, protection or attributes",
        tags,
        params: S.IdParam('ent'),
        body: S.EntityPatchBody,
        response: { 200: S.EntitySchema },
      },
    },
    async (request) => updateEntity(ctx, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/incidents',
    {
      config: write,
      schema: {
        operationId: 'createIncident',
        summary: 'Record an incident (type, uncertain time range, place)',
        tags,
        body: S.IncidentBody,
        response: { 201: S.IncidentSummarySchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createIncident(ctx, actorOf(request), request.body)),
  );
  app.get(
    '/api/incidents',
    {
      config: read,
      schema: {
        operationId: 'listIncidents',
        summary: 'Incidents by type, place area and time',
        tags,
        querystring: S.IncidentQuery,
        response: { 200: S.IncidentListSchema },
      },
    },
    async (request) => ({ incidents: await listIncidents(ctx, actorOf(request).read, request.query) }),
  );
  app.get(
    '/api/incidents/:id',
    {
      config: read,
      schema: {
        operationId: 'getIncident',
        summary: 'An incident with its links, claims and corroboration status',
        tags,
        params: S.IdParam('inc'),
        response: { 200: S.IncidentDetailSchema },
      },
    },
    async (request) => getIncident(ctx, actorOf(request).read, request.params.id),
  );

  app.post(
    '/api/links',
    {
      config: write,
      schema: {
        operationId: 'createLink',
        summary: 'Link two records, with the relation and the item that is its basis',
        tags,
        body: S.LinkBody,
        response: { 201: S.LinkSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createLink(ctx, actorOf(request), request.body)),
  );
  app.get(
    '/api/links',
    {
      config: read,
      schema: {
        operationId: 'listLinks',
        summary: 'The links from or to one record',
        tags,
        querystring: S.LinkQuery,
        response: { 200: S.LinkListSchema },
      },
    },
    async (request) => ({ links: await linksOf(ctx, actorOf(request).read, request.query) }),
  );

  app.post(
    '/api/claims',
    {
      config: write,
      schema: {
        operationId: 'createClaim',
        summary: 'Record a claim (of an incident or alone)',
        tags,
        body: S.ClaimBody,
        response: { 201: S.ClaimSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await createClaim(ctx, actorOf(request), request.body)),
  );
  app.get(
    '/api/claims/:id',
    {
      config: read,
      schema: {
        operationId: 'getClaim',
        summary: 'A claim, the stances of the items on it, and its corroboration',
        tags,
        params: S.IdParam('clm'),
        response: { 200: S.ClaimSchema },
      },
    },
    async (request) => getClaim(ctx, actorOf(request).read, request.params.id),
  );
  app.put(
    '/api/claims/:id/stances/:ern',
    {
      config: write,
      schema: {
        operationId: 'setStance',
        summary: "An item's stance on a claim: supports, contradicts or silent",
        tags,
        params: S.StanceParams,
        body: S.StanceBody,
        response: { 200: S.ClaimSchema },
      },
    },
    async (request) =>
      setStance(ctx, actorOf(request), request.params.id, request.params.ern, request.body.stance),
  );
};
