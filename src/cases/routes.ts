/**
 * routes.ts — cases over HTTP: cases and their items, entities, incidents, notes, team and
 * element links; checklists and coverage; jurisdictions, requests for assistance and consent
 * conditions with overrides; redactions; exports as background jobs with progress and a
 * download. Everything outside the caller's compartments answers 404, as if absent.
 */
import { createReadStream } from 'node:fs';
import type { AttestPlugin } from '../api/type-provider.js';
import type { Ctx } from '../ctx.js';
import { CHECKLISTS } from './checklists/checklists.js';
import { addCondition, decide, listConditions, overrideConsent } from './consent.js';
import { addCrime, coverage, linkElement } from './elements.js';
import { exportArchive, getExport, listExports, queueExport } from './package/jobs.js';
import { redactItem } from './redaction/service.js';
import { createRfa, getRfa, listJurisdictions, listRfas, setJurisdiction, setRfaStatus } from './rfa.js';
import * as S from './schemas.js';
import {
  addEntity,
  addIncident,
  addItems,
  addNote,
  createCase,
  getCase,
  listCases,
  removeItem,
  setMember,
} from './service.js';
import { viewerOf } from './viewer.js';

const doc = (operationId: string, summary: string) => ({ operationId, summary, tags: ['cases'] });

export const casesRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  // Bodies are taken exactly as sent: an unknown field is an error, not silently dropped
  // (a mistyped "noDeathPenalty" must not record consent without the restriction).
  const read = { policy: { permission: 'cases:read' as const } };
  const write = { policy: { permission: 'cases:write' as const } };

  app.get(
    '/api/cases',
    {
      config: read,
      schema: { ...doc('listCases', 'Cases in your compartments'), response: { 200: S.CaseListSchema } },
    },
    async (req) => ({
      cases: await listCases(ctx, viewerOf(req.access)),
    }),
  );
  app.post(
    '/api/cases',
    {
      config: write,
      schema: {
        ...doc('createCase', 'Open a case'),
        body: S.CaseBody,
        response: { 201: S.CaseSummarySchema },
      },
    },
    async (req, reply) => reply.code(201).send(await createCase(ctx, viewerOf(req.access), req.body)),
  );
  app.get(
    '/api/cases/:ref',
    {
      config: read,
      schema: {
        ...doc('getCase', 'A case with what you may see of it'),
        params: S.CaseParam,
        response: { 200: S.CaseDetailSchema },
      },
    },
    async (req) => getCase(ctx, viewerOf(req.access), req.params.ref),
  );
  app.post(
    '/api/cases/:ref/items',
    {
      config: write,
      schema: {
        ...doc('addCaseItems', 'Add items to a case'),
        params: S.CaseParam,
        body: S.ItemsBody,
        response: { 200: S.AddItemsResult },
      },
    },
    async (req) => addItems(ctx, viewerOf(req.access), req.params.ref, req.body.erns),
  );
  app.delete(
    '/api/cases/:ref/items/:ern',
    {
      config: write,
      schema: {
        ...doc('removeCaseItem', 'Take an item out of a case'),
        params: S.CaseItemParams,
        response: { 204: { type: 'null' } },
      },
    },
    async (req, reply) => {
      await removeItem(ctx, viewerOf(req.access), req.params.ref, req.params.ern);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/cases/:ref/entities',
    {
      config: write,
      schema: {
        ...doc('addCaseEntity', 'Add a suspect, unit, witness, victim or organisation'),
        params: S.CaseParam,
        body: S.EntityBody,
        response: { 201: S.IdResult },
      },
    },
    async (req, reply) =>
      reply.code(201).send({
        id: await addEntity(
          ctx,
          viewerOf(req.access),
          req.params.ref,
          req.body as Parameters<typeof addEntity>[3],
        ),
      }),
  );
  app.post(
    '/api/cases/:ref/incidents',
    {
      config: write,
      schema: {
        ...doc('addCaseIncident', 'Add an incident'),
        params: S.CaseParam,
        body: S.IncidentBody,
        response: { 201: S.IdResult },
      },
    },
    async (req, reply) =>
      reply.code(201).send({ id: await addIncident(ctx, viewerOf(req.access), req.params.ref, req.body) }),
  );
  app.post(
    '/api/cases/:ref/notes',
    {
      config: write,
      schema: {
        ...doc('addCaseNote', "Add an analyst's note"),
        params: S.CaseParam,
        body: S.NoteBody,
        response: { 201: S.IdResult },
      },
    },
    async (req, reply) =>
      reply.code(201).send({ id: await addNote(ctx, viewerOf(req.access), req.params.ref, req.body.body) }),
  );
  app.put(
    '/api/cases/:ref/team/:userId',
    {
      config: write,
      schema: {
        ...doc('setCaseMember', 'Add a user to the case team'),
        params: S.UserParams,
        body: S.MemberBody,
        response: { 204: { type: 'null' } },
      },
    },
    async (req, reply) => {
      await setMember(ctx, viewerOf(req.access), req.params.ref, req.params.userId, req.body.role as 'lead');
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/cases/:ref/crimes',
    {
      config: write,
      schema: {
        ...doc('addCaseCrime', 'Pursue a crime: its elements join the checklist'),
        params: S.CaseParam,
        body: S.CrimeBody,
        response: { 204: { type: 'null' } },
      },
    },
    async (req, reply) => {
      await addCrime(ctx, viewerOf(req.access), req.params.ref, req.body.crime);
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/cases/:ref/links',
    {
      config: write,
      schema: {
        ...doc('linkElement', 'Link an element to supporting or contradicting evidence'),
        params: S.CaseParam,
        body: S.LinkBody,
        response: { 201: S.IdResult },
      },
    },
    async (req, reply) =>
      reply.code(201).send({ id: await linkElement(ctx, viewerOf(req.access), req.params.ref, req.body) }),
  );
  app.get(
    '/api/cases/:ref/coverage',
    {
      config: read,
      schema: {
        ...doc('caseCoverage', 'Every element with its evidence; gaps marked'),
        params: S.CaseParam,
        response: { 200: S.CoverageSchema },
      },
    },
    async (req) => coverage(ctx, viewerOf(req.access), req.params.ref),
  );
  app.get(
    '/api/checklists',
    {
      config: read,
      schema: {
        ...doc('listChecklists', 'The legal-element checklists with citations'),
        response: { 200: S.ChecklistsSchema },
      },
    },
    async () => ({ checklists: [...CHECKLISTS.values()] }),
  );

  app.get(
    '/api/jurisdictions',
    {
      config: read,
      schema: {
        ...doc('listJurisdictions', 'Jurisdictions and their death-penalty flag'),
        response: { 200: S.JurisdictionListSchema },
      },
    },
    async () => ({ jurisdictions: await listJurisdictions(ctx) }),
  );
  // The death-penalty flag decides what consent allows: only the legal role sets it.
  app.put(
    '/api/jurisdictions/:code',
    {
      config: { policy: { permission: 'consent:override' } },
      schema: {
        ...doc('setJurisdiction', 'Record a jurisdiction'),
        params: S.JurisdictionParam,
        body: S.JurisdictionBody,
        response: { 200: S.JurisdictionSchema },
      },
    },
    async (req) => setJurisdiction(ctx, { code: req.params.code, ...req.body }),
  );
  app.get(
    '/api/rfas',
    {
      config: read,
      schema: { ...doc('listRfas', 'Requests for assistance'), response: { 200: S.RfaListSchema } },
    },
    async (req) => ({
      rfas: await listRfas(ctx, viewerOf(req.access)),
    }),
  );
  app.post(
    '/api/rfas',
    {
      config: write,
      schema: {
        ...doc('createRfa', 'Record a request for assistance'),
        body: S.RfaBody,
        response: { 201: S.RfaSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await createRfa(ctx, viewerOf(req.access), req.body)),
  );
  app.get(
    '/api/rfas/:ref',
    {
      config: read,
      schema: {
        ...doc('getRfa', 'An RFA and, item by item, whether consent covers it'),
        params: S.RfaParam,
        response: { 200: S.RfaDetailSchema },
      },
    },
    async (req) => {
      const viewer = viewerOf(req.access);
      const rfa = await getRfa(ctx, viewer, req.params.ref);
      const c = await getCase(ctx, viewer, rfa.caseRef);
      const items = c.items.length
        ? await ctx.db
            .selectFrom('item')
            .select(['id', 'ern', 'source', 'parent_item_id'])
            .where(
              'ern',
              'in',
              c.items.map((i) => i.ern),
            )
            .orderBy('ern_seq')
            .execute()
        : [];
      const decisions = await decide(
        ctx,
        rfa,
        items.map((i) => ({ id: i.id, ern: i.ern, source: i.source, parentId: i.parent_item_id })),
      );
      return { rfa, decisions: decisions.map(({ itemId: _, ...d }) => d) };
    },
  );
  app.post(
    '/api/rfas/:ref/status',
    {
      config: write,
      schema: {
        ...doc('setRfaStatus', 'Move an RFA along its lifecycle'),
        params: S.RfaParam,
        body: S.StatusBody,
        response: { 200: S.RfaSchema },
      },
    },
    async (req) => setRfaStatus(ctx, viewerOf(req.access), req.params.ref, req.body.status),
  );
  app.post(
    '/api/rfas/:ref/overrides',
    {
      config: { policy: { permission: 'consent:override' } },
      schema: {
        ...doc('overrideConsent', 'Release a blocked item to this RFA (legal role; logged)'),
        params: S.RfaParam,
        body: S.OverrideBody,
        response: { 201: S.IdResult },
      },
    },
    async (req, reply) => {
      const viewer = viewerOf(req.access);
      const rfa = await getRfa(ctx, viewer, req.params.ref);
      return reply
        .code(201)
        .send({ id: await overrideConsent(ctx, viewer, rfa, req.body.ern, req.body.reason, req.id) });
    },
  );
  app.get(
    '/api/consent-conditions',
    {
      config: read,
      schema: {
        ...doc('listConsentConditions', 'Consent and sharing conditions'),
        response: { 200: S.ConditionListSchema },
      },
    },
    async (req) => ({ conditions: await listConditions(ctx, viewerOf(req.access)) }),
  );
  app.post(
    '/api/consent-conditions',
    {
      config: write,
      schema: {
        ...doc('addConsentCondition', 'Record a consent or sharing condition'),
        body: S.ConditionBody,
        response: { 201: S.ConditionSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await addCondition(ctx, viewerOf(req.access), req.body)),
  );

  app.post(
    '/api/items/:ern/redactions',
    {
      config: write,
      schema: {
        ...doc('redactItem', 'Make a redacted derivative (the original is untouched)'),
        params: S.ErnParam,
        body: S.RedactionBody,
        response: { 201: S.RedactionResultSchema },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await redactItem(ctx, viewerOf(req.access), req.params.ern, req.body)),
  );

  app.post(
    '/api/exports',
    {
      config: write,
      schema: {
        ...doc('startExport', 'Build a BagIt package of a case or RFA (a background job)'),
        body: S.ExportBody,
        response: { 202: S.ExportSchema },
      },
    },
    async (req, reply) => {
      const viewer = viewerOf(req.access);
      const id = await queueExport(ctx, viewer, req.body.target, req.body.redacted === true, (err) =>
        req.log.error({ err, exportId: id }, 'export failed'),
      );
      return reply
        .code(202)
        .header('location', `/api/exports/${id}`)
        .send(await getExport(ctx, viewer, id));
    },
  );
  app.get(
    '/api/exports',
    {
      config: write,
      schema: {
        ...doc('listExports', 'Export packages of your cases'),
        response: { 200: S.ExportListSchema },
      },
    },
    async (req) => ({
      exports: await listExports(ctx, viewerOf(req.access)),
    }),
  );
  app.get(
    '/api/exports/:id',
    {
      config: write,
      schema: {
        ...doc('getExport', 'An export: progress, exclusions, archive hash'),
        params: S.ExportParam,
        response: { 200: S.ExportSchema },
      },
    },
    async (req) => getExport(ctx, viewerOf(req.access), req.params.id),
  );
  app.get(
    '/api/exports/:id/download',
    {
      config: write,
      schema: { ...doc('downloadExport', 'The finished package as a ZIP'), params: S.ExportParam },
    },
    async (req, reply) => {
      const a = await exportArchive(ctx, viewerOf(req.access), req.params.id);
      return reply
        .type('application/zip')
        .header('content-length', a.size)
        .header('content-disposition', `attachment; filename="${a.name}"`)
        .header('repr-digest', `sha-256=:${Buffer.from(a.sha256, 'hex').toString('base64')}:`)
        .send(createReadStream(a.path));
    },
  );
};
