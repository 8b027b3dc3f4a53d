/**
 * routes.ts — intake over HTTP: each item's intake state (its job, what was derived, its
 * duplicate links), near-duplicate search for an item, the job queue (list, depth, one job,
 * re-run on demand). Everything is scoped to the caller's compartments in the query: jobs, counts
 * and matches outside them do not exist for the caller (DESIGN.md rule 7).
 */
import { type Access, compartmentFilter, type Permission } from '../access/index.js';
import type { AttestPlugin } from '../api/type-provider.js';
import type { Ctx } from '../ctx.js';
import { getJob, type Job, listJobs, queueDepth, retryJob } from '../store/jobs.js';
import type { Item } from '../vault/index.js';
import { DEFAULT_COMPARTMENT, getItem } from '../vault/index.js';
import { captureUrl } from './capture/service.js';
import { IntakeError } from './errors.js';
import { nearDuplicatesForItem } from './near-duplicates.js';
import {
  CaptureBody,
  CaptureSchema,
  ErnParam,
  IntakeStateSchema,
  JobListQuery,
  JobListSchema,
  JobParam,
  JobSchema,
  NearDuplicateListSchema,
  NearDuplicateQuery,
  QueueDepthSchema,
} from './schemas.js';
import { intakeState } from './service.js';

/** visibleItem reads the item within the caller's compartments (filtered in the query): outside them it is not found. */
function visibleItem(ctx: Ctx, access: Access, ern: string, permission: Permission): Promise<Item> {
  return getItem(ctx, ern, { compartments: compartmentFilter(access, permission) });
}

/** apiJob drops what clients do not need (lease owner, compartment, payload). */
function apiJob(job: Job) {
  const { leaseOwner: _o, leaseUntil: _u, compartment: _c, payload: _p, ...rest } = job;
  return rest;
}

export const intakeRoutes: AttestPlugin<{ ctx: Ctx }> = async (app, { ctx }) => {
  app.get(
    '/api/items/:ern/intake',
    {
      config: { policy: { permission: 'items:read' } },
      schema: {
        operationId: 'getItemIntake',
        summary: "The item's intake: job state and reason, derived items, duplicate links",
        tags: ['intake'],
        params: ErnParam,
        response: { 200: IntakeStateSchema },
      },
    },
    async (req) => {
      const item = await visibleItem(ctx, req.access, req.params.ern, 'items:read');
      const s = await intakeState(ctx, item);
      return {
        ern: s.ern,
        state: s.state,
        job: s.job ? apiJob(s.job) : null,
        derived: s.derived.map((d) => ({
          ern: d.item.ern,
          kind: d.kind,
          key: d.key,
          tool: d.tool,
          toolVersion: d.toolVersion,
          mediaType: d.item.mediaType,
          size: d.item.size,
          sha256: d.item.sha256,
        })),
        links: s.nearDuplicates.map((n) => ({ ern: n.ern, relation: n.relation, distance: n.distance })),
      };
    },
  );

  app.get(
    '/api/items/:ern/near-duplicates',
    {
      config: { policy: { permission: 'items:read' } },
      schema: {
        operationId: 'findNearDuplicates',
        summary:
          "Items of the same compartment whose image or keyframe is within a PDQ distance of this item's",
        tags: ['intake'],
        params: ErnParam,
        querystring: NearDuplicateQuery,
        response: { 200: NearDuplicateListSchema },
      },
    },
    async (req) => {
      const item = await visibleItem(ctx, req.access, req.params.ern, 'items:read');
      return nearDuplicatesForItem(ctx, item, req.query.maxDistance ?? 31);
    },
  );

  app.get(
    '/api/jobs',
    {
      config: { policy: { permission: 'items:read' } },
      schema: {
        operationId: 'listJobs',
        summary: 'Jobs on items in your compartments, oldest first',
        tags: ['intake'],
        querystring: JobListQuery,
        response: { 200: JobListSchema },
      },
    },
    async (req) => {
      const compartments = compartmentFilter(req.access, 'items:read');
      const jobs = await listJobs(ctx, {
        compartments: compartments ?? undefined,
        limit: req.query.limit ?? 100,
        ...(req.query.state ? { state: req.query.state } : {}),
        ...(req.query.kind ? { kind: req.query.kind } : {}),
      });
      return { jobs: jobs.map(apiJob) };
    },
  );

  app.get(
    '/api/jobs/depth',
    {
      config: { policy: { permission: 'items:read' } },
      schema: {
        operationId: 'getQueueDepth',
        summary: 'How many jobs on items in your compartments are queued, running, done and failed',
        tags: ['intake'],
        response: { 200: QueueDepthSchema },
      },
    },
    async (req) => queueDepth(ctx, { compartments: compartmentFilter(req.access, 'items:read') }),
  );

  app.get(
    '/api/jobs/:id',
    {
      config: { policy: { permission: 'items:read' } },
      schema: {
        operationId: 'getJob',
        summary: 'One job: state, progress, attempts and the reason it failed',
        tags: ['intake'],
        params: JobParam,
        response: { 200: JobSchema },
      },
    },
    async (req) => {
      const job = await getJob(ctx, req.params.id, {
        compartments: compartmentFilter(req.access, 'items:read'),
      });
      if (!job) throw new IntakeError('NOT_FOUND', 'no such job');
      return apiJob(job);
    },
  );

  app.post(
    '/api/jobs/:id/retry',
    {
      config: { policy: { permission: 'items:write' } },
      schema: {
        operationId: 'retryJob',
        summary: 'Run a failed or finished job again now (attempts start over)',
        tags: ['intake'],
        params: JobParam,
        response: { 200: JobSchema },
      },
    },
    async (req) => {
      const scope = { compartments: compartmentFilter(req.access, 'items:write') };
      const job = await retryJob(ctx, req.params.id, scope);
      if (job) return apiJob(job);
      const exists = await getJob(ctx, req.params.id, scope);
      if (!exists) throw new IntakeError('NOT_FOUND', 'no such job');
      throw new IntakeError(
        'JOB_NOT_RETRYABLE',
        `the job is ${exists.state}; only failed or done jobs are re-run`,
      );
    },
  );

  app.post(
    '/api/captures',
    {
      config: { policy: { permission: 'items:write' } },
      schema: {
        operationId: 'captureWebPage',
        summary: 'Fetch a web page now and store it as a WARC 1.1 item (its text is extracted by intake)',
        tags: ['intake'],
        body: CaptureBody,
        response: { 201: CaptureSchema },
      },
    },
    async (req, reply) => {
      const compartment = req.body.compartment ?? DEFAULT_COMPARTMENT;
      if (!req.access.can('items:write', compartment))
        throw new IntakeError('FORBIDDEN', `no permission to add items to ${compartment}`);
      const actor = req.access.userId ?? 'anonymous';
      const r = await captureUrl(ctx, {
        url: req.body.url,
        actor,
        collectedBy: actor,
        compartment,
        ...(req.body.source ? { source: req.body.source } : {}),
        ...(req.body.title ? { title: req.body.title } : {}),
      });
      return reply.status(201).send({
        ern: r.item.ern,
        sha256: r.item.sha256,
        size: r.bytes,
        mediaType: r.item.mediaType,
        url: r.url,
        finalUrl: r.finalUrl,
        status: r.status,
        redirects: r.redirects,
      });
    },
  );
};
