/**
 * rfa-routes.ts — jurisdictions (with their death-penalty flag), requests for assistance,
 * consent and sharing conditions, and consent overrides. Setting a jurisdiction and overriding a
 * block need `consent:override` (the legal role): both decide what leaves in a package.
 */
import { addCondition, listConditions, overrideConsent, rfaDecisions } from '../consent.js';
import { createRfa, getRfa, listJurisdictions, listRfas, setJurisdiction, setRfaStatus } from '../rfa.js';
import * as S from '../schemas.js';
import { type CaseRoute, caseRoute } from './case-route.js';
import { READ, WRITE } from './case-routes.js';

const LEGAL = { permission: 'consent:override' } as const;

export const RFA_ROUTES: readonly CaseRoute[] = [
  caseRoute({
    method: 'GET',
    url: '/api/jurisdictions',
    policy: READ,
    operationId: 'listJurisdictions',
    summary: 'Jurisdictions and their death-penalty flag',
    response: S.JurisdictionListSchema,
    handle: async ({ ctx }) => ({ jurisdictions: await listJurisdictions(ctx) }),
  }),
  caseRoute({
    method: 'PUT',
    url: '/api/jurisdictions/:code',
    policy: LEGAL,
    operationId: 'setJurisdiction',
    summary: 'Record a jurisdiction',
    params: S.JurisdictionParam,
    body: S.JurisdictionBody,
    response: S.JurisdictionSchema,
    handle: ({ ctx, params, body }) => setJurisdiction(ctx, { code: params.code, ...body }),
  }),
  caseRoute({
    method: 'GET',
    url: '/api/rfas',
    policy: READ,
    operationId: 'listRfas',
    summary: 'Requests for assistance',
    response: S.RfaListSchema,
    handle: async ({ ctx, viewer }) => ({ rfas: await listRfas(ctx, viewer) }),
  }),
  caseRoute({
    method: 'POST',
    url: '/api/rfas',
    policy: WRITE,
    operationId: 'createRfa',
    summary: 'Record a request for assistance',
    body: S.RfaBody,
    status: 201,
    response: S.RfaSchema,
    handle: ({ ctx, viewer, body }) => createRfa(ctx, viewer, body),
  }),
  caseRoute({
    method: 'GET',
    url: '/api/rfas/:ref',
    policy: READ,
    operationId: 'getRfa',
    summary: 'An RFA and, item by item, whether consent covers it',
    params: S.RfaParam,
    response: S.RfaDetailSchema,
    handle: ({ ctx, viewer, params }) => rfaDecisions(ctx, viewer, params.ref),
  }),
  caseRoute({
    method: 'POST',
    url: '/api/rfas/:ref/status',
    policy: WRITE,
    operationId: 'setRfaStatus',
    summary: 'Move an RFA along its lifecycle',
    params: S.RfaParam,
    body: S.StatusBody,
    response: S.RfaSchema,
    handle: ({ ctx, viewer, params, body }) => setRfaStatus(ctx, viewer, params.ref, body.status),
  }),
  caseRoute({
    method: 'POST',
    url: '/api/rfas/:ref/overrides',
    policy: LEGAL,
    operationId: 'overrideConsent',
    summary: 'Release a blocked item to this RFA (legal role; logged)',
    params: S.RfaParam,
    body: S.OverrideBody,
    status: 201,
    response: S.IdResult,
    handle: async ({ ctx, viewer, params, body, request }) => {
      const rfa = await getRfa(ctx, viewer, params.ref);
      return { id: await overrideConsent(ctx, viewer, rfa, body.ern, body.reason, request.id) };
    },
  }),
  caseRoute({
    method: 'GET',
    url: '/api/consent-conditions',
    policy: READ,
    operationId: 'listConsentConditions',
    summary: 'Consent and sharing conditions',
    response: S.ConditionListSchema,
    handle: async ({ ctx, viewer }) => ({ conditions: await listConditions(ctx, viewer) }),
  }),
  caseRoute({
    method: 'POST',
    url: '/api/consent-conditions',
    policy: WRITE,
    operationId: 'addConsentCondition',
    summary: 'Record a consent or sharing condition',
    body: S.ConditionBody,
    status: 201,
    response: S.ConditionSchema,
    handle: ({ ctx, viewer, body }) => addCondition(ctx, viewer, body),
  }),
];
