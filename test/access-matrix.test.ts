/**
 * access-matrix.test.ts — every /api route × every role × inside/outside the protected
 * compartment, plus an anonymous caller, answered exactly as the permission table
 * (src/access/permissions.ts) and the route's `config.policy` say:
 *
 *   public route                       → never 401/403
 *   { authenticated }                  → anonymous 401; every role allowed
 *   { permission: p }                  → anonymous 401; a role without p 403; a role with p allowed
 *   { permission: p } and `scoped`     → …and the caller holding p only outside the resource's
 *                                        compartment gets 404 (its existence does not leak)
 *
 * "Allowed" means the status is not 401/403 (nor 404 for a scoped route inside its
 * compartment) and below 500. Routes are collected from the app itself (onRoute), so a route
 * added anywhere is covered; HEAD routes mirror their GET and are skipped.
 *
 * HOW TO ADD A ROUTE: add a row to SAMPLES below, keyed `METHOD /path/:param` exactly as the
 * route is registered, giving what a valid request needs: `params` (path parameters), `query`,
 * `body` (JSON) or `payload` + `headers` (anything else), `before` (set-up to run first), and
 * `scoped: true` when the route reads one resource that lives in the protected compartment
 * (use `fx.ern`, an item in WITNESS). Each function gets the fixture and the calling role's
 * caller (null for anonymous). The test fails while a registered route has no row.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  type ApiRoute,
  createApiToken,
  createUser,
  hashPassword,
  ROLE_PERMISSIONS,
  ROLES,
  type Role,
  resetPassword,
} from '../src/access/index.js';
import { createClaim, createEntity, createIncident } from '../src/analysis/index.js';
import { buildApp } from '../src/api/server.js';
import { queueExport } from '../src/cases/package/jobs.js';
import { createRfa, setJurisdiction } from '../src/cases/rfa.js';
import { addItems, createCase } from '../src/cases/service.js';
import { CLI_VIEWER } from '../src/cases/viewer.js';
import type { Ctx } from '../src/ctx.js';
import { deviceKeyFromSeed, planOperations, submitObservation } from '../src/ops/index.js';
import { saveSearch } from '../src/search/index.js';
import { createUpload } from '../src/vault/resumable.js';
import { addContent } from '../src/vault/service.js';
import { makeUser, sessionHeaders, TEST_HOST } from './support/access.js';
import { deviceFor, freshPlan, PNG_1PX, SMALL_OP, sighting, smallPlan } from './support/ops.js';
import { DIALECTS, openTestStore, type TestStore } from './support/stores.js';

/** The witness-protection compartment: the fixture item lives here. */
const WITNESS = 'witness';
/** Where "outside" callers hold their role. */
const GENERAL = 'general';
const PASSWORD = 'Ramouseh-checkpoint-1216';

interface Caller {
  readonly role: Role;
  readonly compartment: string;
  readonly userId: string;
}

interface Fixture {
  readonly ctx: Ctx;
  /** An item in WITNESS. */
  readonly ern: string;
  /** A user with password PASSWORD. */
  readonly loginName: string;
  /** hashPassword(PASSWORD), to give any user that password cheaply. */
  readonly passwordHash: string;
  /** A throw-away user id (for routes that change a user), a monitor in `compartment`. */
  throwaway(compartment?: string): Promise<string>;
  /** An evacuation operation in WITNESS, with a people-unaccounted alert. */
  readonly opId: string;
  readonly alertId: string;
}

type Fn<T> = (fx: Fixture, caller: Caller | null) => T | Promise<T>;

/** intakeJobOf returns the id of the intake job of the fixture's item (in WITNESS). */
async function intakeJobOf(fx: Fixture): Promise<string> {
  const row = await fx.ctx.db
    .selectFrom('job')
    .innerJoin('item', 'item.id', 'job.item_id')
    .select('job.id')
    .where('item.ern', '=', fx.ern)
    .executeTakeFirstOrThrow();
  return row.id;
}

interface Sample {
  readonly params?: Fn<Record<string, string>>;
  readonly query?: Fn<Record<string, string>>;
  readonly body?: Fn<unknown>;
  readonly payload?: Fn<{ body: Buffer; contentType: string }>;
  /** Extra request headers (e.g. tus's Tus-Resumable). */
  readonly headers?: Fn<Record<string, string>>;
  readonly before?: Fn<void>;
  /** The resource lives in WITNESS: a caller holding the permission only elsewhere gets 404. */
  readonly scoped?: boolean;
  /** Further checks on an allowed response (e.g. a list must not show what the caller cannot see). */
  readonly check?: (res: { statusCode: number; body: string }, fx: Fixture, caller: Caller) => void;
}

function multipart(fields: Record<string, string>, file: string): { body: Buffer; contentType: string } {
  const boundary = `----attest${randomBytes(8).toString('hex')}`;
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  parts.push(
    `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="obs.txt"\r\ncontent-type: text/plain\r\n\r\n${file}\r\n--${boundary}--\r\n`,
  );
  return { body: Buffer.from(parts.join('')), contentType: `multipart/form-data; boundary=${boundary}` };
}

const SAMPLES: Record<string, Sample> = {
  // meta and docs (public)
  'GET /api/version': {},
  'GET /api/openapi.json': {},
  'GET /api/docs': {},
  'GET /api/docs/': {},
  'GET /api/docs/json': {},
  'GET /api/docs/yaml': {},
  'GET /api/docs/static/index.html': {},
  'GET /api/docs/static/swagger-initializer.js': {},
  'GET /api/docs/static/*': { params: () => ({ '*': 'swagger-ui.css' }) },
  // session
  'POST /api/login': { body: (fx) => ({ username: fx.loginName, password: PASSWORD }) },
  'POST /api/logout': {},
  'POST /api/logout-everywhere': {},
  'GET /api/me': {},
  'POST /api/me/password': {
    before: async (fx, c) => {
      if (c)
        await fx.ctx.db
          .updateTable('app_user')
          .set({ password_hash: fx.passwordHash })
          .where('id', '=', c.userId)
          .execute();
    },
    body: () => ({ oldPassword: PASSWORD, newPassword: 'Khan-al-Asal-route-2016' }),
  },
  // setup and password links (public; the sample tokens are not valid, which is fine here)
  'GET /api/setup': {},
  'POST /api/setup': { body: () => ({ token: 'x'.repeat(43), username: 'first', password: PASSWORD }) },
  'POST /api/password-reset': { body: () => ({ token: 'x'.repeat(43), password: PASSWORD }) },
  // admin
  // Admins are compartment admins here (admin@witness, admin@general): each manages the users
  // and grants of its own compartment (src/access/grants/service.ts, AdminScope).
  'GET /api/admin/users': {
    check: (res, _fx, c) => {
      const users = JSON.parse(res.body).users as { grants: { compartment: string }[] }[];
      for (const u of users) {
        for (const g of u.grants) {
          assert.equal(g.compartment, c.compartment, 'a compartment admin lists only its own users');
        }
      }
    },
  },
  'POST /api/admin/users': {
    body: (_fx, c) => ({
      username: `new-${randomBytes(4).toString('hex')}`,
      role: 'monitor',
      compartment: c?.compartment ?? GENERAL,
    }),
  },
  'POST /api/admin/users/:id/disable': {
    params: async (fx, c) => ({ id: await fx.throwaway(c?.compartment) }),
  },
  'POST /api/admin/users/:id/password-link': {
    params: async (fx, c) => ({ id: await fx.throwaway(c?.compartment) }),
  },
  'POST /api/admin/users/:id/grants': {
    params: async (fx, c) => ({ id: await fx.throwaway(c?.compartment) }),
    body: (_fx, c) => ({ role: 'legal', compartment: c?.compartment ?? WITNESS }),
  },
  'DELETE /api/admin/users/:id/grants/:role/:compartment': {
    params: async (fx, c) => ({
      id: await fx.throwaway(c?.compartment),
      role: 'monitor',
      compartment: c?.compartment ?? GENERAL,
    }),
  },
  // tokens (own)
  'GET /api/tokens': {},
  'POST /api/tokens': {
    body: (_fx, c) => ({
      name: 'script',
      role: c?.role ?? 'monitor',
      compartments: [c?.compartment ?? GENERAL],
    }),
  },
  'DELETE /api/tokens/:id': {
    params: async (fx, c) => {
      const owner = c?.userId ?? (await fx.throwaway());
      const role = c?.role ?? 'monitor';
      const compartments = [c?.compartment ?? GENERAL];
      const { info } = await createApiToken(fx.ctx, owner, {
        name: 't',
        role,
        compartments,
        expiresInDays: 1,
      });
      return { id: info.id };
    },
  },
  // access audit
  'GET /api/audit': {
    query: () => ({ limit: '50' }),
    check: (res, _fx, c) => {
      // Compartment auditors and admins read only the events of their compartment.
      for (const e of JSON.parse(res.body).events as { compartment: string | null }[]) {
        assert.equal(e.compartment, c.compartment, 'a scoped audit reader sees its compartment only');
      }
    },
  },
  'GET /api/audit.csv': {},
  // custody log
  'GET /api/log/key': {},
  'GET /api/log/checkpoint': {},
  'GET /api/log/checkpoints/:size': { params: () => ({ size: '1' }) },
  'GET /api/log/entries/:index': { params: () => ({ index: '0' }) },
  'GET /api/log/proofs/inclusion': { query: () => ({ index: '0', size: '1' }) },
  'GET /api/log/proofs/consistency': { query: () => ({ old: '1', new: '1' }) },
  // evidence
  'GET /api/items': {
    check: (res, fx, c) => {
      const items = (JSON.parse(res.body) as { items: { ern: string }[] }).items;
      const sees = items.some((i) => i.ern === fx.ern);
      assert.equal(sees, c.compartment === WITNESS, `${c.role}@${c.compartment} sees ${fx.ern} in the list`);
    },
  },
  'GET /api/items/:ern': { params: (fx) => ({ ern: fx.ern }), scoped: true },
  // search and the gazetteer
  'GET /api/search': {
    query: () => ({ q: 'witness statement' }),
    check: (res, fx, c) => {
      const body = JSON.parse(res.body) as { results: { ern: string }[]; total: number };
      const sees = body.results.some((r) => r.ern === fx.ern);
      assert.equal(sees, c.compartment === WITNESS, `${c.role}@${c.compartment} finds ${fx.ern}`);
      assert.equal(body.total, sees ? 1 : 0, 'the total counts only what the caller may see');
    },
  },
  // analysis: entities, incidents, links, claims (fixture records in WITNESS; writes in the caller's own)
  'POST /api/entities': {
    body: (_fx, c) => ({ kind: 'unit', name: 'Checkpoint unit 4', compartment: c?.compartment ?? GENERAL }),
  },
  'GET /api/entities': {
    check: (res, fx, c) => {
      const ids = (JSON.parse(res.body) as { entities: { id: string }[] }).entities.map((e) => e.id);
      const a = analysisReady.get(fx.ctx)!;
      assert.equal(
        ids.includes(a.entityId),
        c.compartment === WITNESS,
        `${c.role}@${c.compartment} lists the witness`,
      );
    },
    before: async (fx) => {
      await analysisFixture(fx);
    },
  },
  'GET /api/entities/:id': {
    params: async (fx) => ({ id: (await analysisFixture(fx)).entityId }),
    scoped: true,
  },
  'PATCH /api/entities/:id': {
    params: async (fx) => ({ id: (await analysisFixture(fx)).entityId }),
    // Not the identity: changing a protected person's name or attributes needs persons:reveal too.
    body: () => ({ pseudonym: 'W-018' }),
    scoped: true,
  },
  'POST /api/incidents': {
    body: (_fx, c) => ({ type: 'detention', title: 'Detention', compartment: c?.compartment ?? GENERAL }),
  },
  'GET /api/incidents': {
    check: (res, fx, c) => {
      const ids = (JSON.parse(res.body) as { incidents: { id: string }[] }).incidents.map((i) => i.id);
      const a = analysisReady.get(fx.ctx)!;
      assert.equal(
        ids.includes(a.incidentId),
        c.compartment === WITNESS,
        `${c.role}@${c.compartment} lists the incident`,
      );
    },
    before: async (fx) => {
      await analysisFixture(fx);
    },
  },
  'GET /api/incidents/:id': {
    params: async (fx) => ({ id: (await analysisFixture(fx)).incidentId }),
    scoped: true,
  },
  'POST /api/links': {
    body: async (fx, c) => {
      const a = await analysisFixture(fx);
      const mine = c?.compartment === WITNESS ? a : a.general;
      return {
        from: { type: 'entity', id: mine.entityId },
        relation: 'witness-of',
        to: { type: 'incident', id: mine.incidentId },
        basis: mine.ern,
        compartment: c?.compartment ?? GENERAL,
      };
    },
  },
  'GET /api/links': {
    query: async (fx) => ({ type: 'incident', id: (await analysisFixture(fx)).incidentId }),
    scoped: true,
  },
  'POST /api/claims': {
    body: (_fx, c) => ({
      statement: 'The buses were held for six hours',
      compartment: c?.compartment ?? GENERAL,
    }),
  },
  'GET /api/claims/:id': {
    params: async (fx) => ({ id: (await analysisFixture(fx)).claimId }),
    scoped: true,
  },
  'PUT /api/claims/:id/stances/:ern': {
    params: async (fx) => ({ id: (await analysisFixture(fx)).claimId, ern: fx.ern }),
    body: () => ({ stance: 'supports' }),
    scoped: true,
  },
  // tags and notes on items (the fixture item is in WITNESS)
  'GET /api/items/:ern/annotations': { params: (fx) => ({ ern: fx.ern }), scoped: true },
  'PATCH /api/items/:ern/tags': {
    params: (fx) => ({ ern: fx.ern }),
    body: () => ({ add: ['matrix'] }),
    scoped: true,
  },
  'POST /api/items/:ern/notes': {
    params: (fx) => ({ ern: fx.ern }),
    body: () => ({ text: 'matrix note' }),
    scoped: true,
  },
  // saved searches: each caller's own
  'GET /api/saved-searches': {},
  'PUT /api/saved-searches': { body: () => ({ name: 'matrix', q: 'convoy' }) },
  'DELETE /api/saved-searches/:id': {
    params: async (fx, c) =>
      c
        ? {
            id: (
              await saveSearch(fx.ctx, c.userId, [], {
                name: `forget-${randomBytes(4).toString('hex')}`,
                q: 'convoy',
              })
            ).id,
          }
        : { id: 'srch-00000000-0000-0000-0000-000000000000' },
  },
  'GET /api/places': { query: () => ({ q: 'Foua' }) },
  'GET /api/places/:pcode': { params: () => ({ pcode: 'C3905' }) },
  'GET /api/items/:ern/places': { params: (fx) => ({ ern: fx.ern }), scoped: true },
  'GET /api/items/:ern/content': { params: (fx) => ({ ern: fx.ern }), scoped: true },
  'GET /api/items/:ern/custody': { params: (fx) => ({ ern: fx.ern }), scoped: true },
  'GET /api/items/:ern/intake': { params: (fx) => ({ ern: fx.ern }), scoped: true },
  'GET /api/items/:ern/near-duplicates': { params: (fx) => ({ ern: fx.ern }), scoped: true },
  'GET /api/jobs': {},
  'GET /api/jobs/depth': {},
  'GET /api/jobs/:id': { params: async (fx) => ({ id: await intakeJobOf(fx) }), scoped: true },
  'POST /api/jobs/:id/retry': { params: async (fx) => ({ id: await intakeJobOf(fx) }), scoped: true },
  'GET /api/admin/health': {},
  'POST /api/admin/jobs/:id/retry': { params: async (fx) => ({ id: await intakeJobOf(fx) }), scoped: true },
  // A loopback URL: allowed callers get 400 (captures of internal hosts are off), never a fetch.
  'POST /api/captures': {
    body: (_fx, c) => ({ url: 'http://127.0.0.1:9/', compartment: c?.compartment ?? GENERAL }),
  },
  'POST /api/items': {
    payload: (_fx, c) =>
      multipart(
        {
          source: 'matrix',
          collectedAt: '2016-12-15',
          collectedBy: 'monitor-01',
          compartment: c?.compartment ?? GENERAL,
        },
        `observation ${randomBytes(8).toString('hex')}`,
      ),
  },
  // resumable uploads (tus 1.0)
  'OPTIONS /api/uploads': {},
  'POST /api/uploads': {
    headers: (_fx, c) => ({
      ...TUS,
      'upload-length': '5',
      'upload-metadata': tusMetadata(c?.compartment ?? GENERAL),
    }),
  },
  'PATCH /api/uploads/:id': {
    params: (fx, c) => uploadFor(fx, c, 3),
    headers: () => ({ ...TUS, 'upload-offset': '0' }),
    payload: () => ({ body: Buffer.from(randomBytes(3)), contentType: 'application/offset+octet-stream' }),
  },
  'DELETE /api/uploads/:id': { params: (fx, c) => uploadFor(fx, c, 3), headers: () => TUS },
  // evacuation operations (the operation lives in WITNESS)
  'GET /api/ops/operations': {
    check: (res, fx, c) => {
      const ops = (JSON.parse(res.body) as { operations: { id: string }[] }).operations;
      assert.equal(
        ops.some((o) => o.id === fx.opId),
        c.compartment === WITNESS,
        `${c.role}@${c.compartment} sees the operation`,
      );
    },
  },
  'POST /api/ops/operations': { body: (_fx, c) => freshPlan(c?.compartment ?? GENERAL) },
  'GET /api/ops/operations/:id': { params: (fx) => ({ id: fx.opId }), scoped: true },
  'GET /api/ops/operations/:id/alerts': { params: (fx) => ({ id: fx.opId }), scoped: true },
  'GET /api/ops/operations/:id/events': {
    params: (fx) => ({ id: fx.opId }),
    query: () => ({ follow: 'false', lastEventId: '0' }),
    scoped: true,
  },
  'GET /api/ops/operations/:id/sitrep': {
    params: (fx) => ({ id: fx.opId }),
    query: () => ({ format: 'json' }),
    scoped: true,
  },
  'GET /api/ops/operations/:id/hxl': { params: (fx) => ({ id: fx.opId }), scoped: true },
  'GET /api/ops/operations/:id/monitor': { params: (fx) => ({ id: fx.opId }), scoped: true },
  'POST /api/ops/operations/:id/status': {
    params: (fx) => ({ id: fx.opId }),
    body: () => ({ status: 'suspended', reason: 'matrix' }),
    scoped: true,
  },
  'POST /api/ops/operations/:id/learn-transit-times': {
    params: (fx) => ({ id: fx.opId }),
    body: () => ({}),
    scoped: true,
  },
  'POST /api/ops/alerts/:id/acknowledge': {
    params: (fx) => ({ id: fx.alertId }),
    body: () => ({}),
    scoped: true,
  },
  'POST /api/ops/alerts/:id/resolve': {
    params: (fx) => ({ id: fx.alertId }),
    body: () => ({ note: 'matrix' }),
    scoped: true,
  },
  'PUT /api/ops/observations/:clientId/photos/:sha256': {
    params: async (fx, c) => {
      const sha256 = createHash('sha256').update(PNG_1PX).digest('hex');
      if (!c) return { clientId: 'none', sha256 };
      // Each caller's own observation (accepted only where the caller may observe: WITNESS).
      const device = await deviceFor(fx.ctx, c.userId);
      const wire = sighting('veh-car-102', 'pt-origin', 'departure', 2, 40, { photoSha256: [sha256] });
      await submitObservation(
        fx.ctx,
        { userId: c.userId, mayObserve: (comp) => comp === WITNESS },
        device.submission(wire),
      ).catch(() => undefined);
      return { clientId: wire.clientId, sha256 };
    },
    payload: () => ({ body: PNG_1PX, contentType: 'image/png' }),
    scoped: true,
  },
  'GET /api/ops/devices': {},
  'DELETE /api/ops/devices/:id': {
    params: async (fx, c) => ({
      id: c ? (await deviceFor(fx.ctx, c.userId)).deviceKeyId : 'dk-00000000-0000-0000-0000-000000000000',
    }),
  },
  'POST /api/ops/devices': {
    body: () => ({ publicKey: deviceKeyFromSeed(randomBytes(32)).publicKeyRawB64, label: 'matrix phone' }),
  },
  'GET /api/ops/operations/:id/observation-conflicts': { params: (fx) => ({ id: fx.opId }), scoped: true },
  'POST /api/ops/observation-conflicts/resolve': {
    body: () => ({ deviceKeyId: 'dk-none', clientId: 'none', chosenSha256: null, reason: 'matrix' }),
  },
  'GET /api/admin/device-keys': {},
  'POST /api/admin/device-keys/:id/revoke': {
    params: async (fx, c) => ({ id: (await deviceFor(fx.ctx, c?.userId ?? 'nobody')).deviceKeyId }),
  },
  'POST /api/ops/observations': {
    body: async (fx, c) => {
      const device = await deviceFor(fx.ctx, c?.userId ?? 'nobody');
      return device.submission(sighting('veh-car-101', 'pt-origin', 'departure', 3, 30));
    },
    scoped: true,
  },
  // cases (the case, its RFA and export live in WITNESS; src/cases)
  'GET /api/cases': {
    before: async (fx) => {
      await casesFixture(fx);
    },
    check: (res, fx, c) => {
      const caseRef = casesReady.get(fx.ctx)?.caseRef;
      const cases = (JSON.parse(res.body) as { cases: { ref: string }[] }).cases;
      assert.equal(
        cases.some((x) => x.ref === caseRef),
        c.compartment === WITNESS,
        `${c.role}@${c.compartment} sees the case`,
      );
    },
  },
  'POST /api/cases': { body: (_fx, c) => ({ title: 'Matrix case', compartment: c?.compartment ?? GENERAL }) },
  'GET /api/cases/:ref': { params: async (fx) => ({ ref: (await casesFixture(fx)).caseRef }), scoped: true },
  'POST /api/cases/:ref/items': {
    params: async (fx) => ({ ref: (await casesFixture(fx)).caseRef }),
    body: (fx) => ({ erns: [fx.ern] }),
    scoped: true,
  },
  'DELETE /api/cases/:ref/items/:ern': {
    before: async (fx) => {
      await addItems(fx.ctx, CLI_VIEWER, (await casesFixture(fx)).caseRef, [fx.ern]);
    },
    params: async (fx) => ({ ref: (await casesFixture(fx)).caseRef, ern: fx.ern }),
    scoped: true,
  },
  'POST /api/cases/:ref/entities': {
    params: async (fx) => ({ ref: (await casesFixture(fx)).caseRef }),
    body: () => ({ kind: 'witness', name: 'Synthetic Witness', pseudonym: 'W-001', protected: true }),
    scoped: true,
  },
  'POST /api/cases/:ref/incidents': {
    params: async (fx) => ({ ref: (await casesFixture(fx)).caseRef }),
    body: () => ({ title: 'Convoy held at Ramouseh', occurredOn: '2016-12-16' }),
    scoped: true,
  },
  'POST /api/cases/:ref/notes': {
    params: async (fx) => ({ ref: (await casesFixture(fx)).caseRef }),
    body: () => ({ body: 'matrix note' }),
    scoped: true,
  },
  'PUT /api/cases/:ref/team/:userId': {
    params: async (fx, c) => ({ ref: (await casesFixture(fx)).caseRef, userId: c?.userId ?? 'nobody' }),
    body: () => ({ role: 'member' }),
    scoped: true,
  },
  'POST /api/cases/:ref/crimes': {
    params: async (fx) => ({ ref: (await casesFixture(fx)).caseRef }),
    body: () => ({ crime: 'rs-eoc/7-1-d' }),
    scoped: true,
  },
  'POST /api/cases/:ref/links': {
    before: async (fx) => {
      await addItems(fx.ctx, CLI_VIEWER, (await casesFixture(fx)).caseRef, [fx.ern]);
    },
    params: async (fx) => ({ ref: (await casesFixture(fx)).caseRef }),
    body: (fx) => ({
      elementId: 'rs-eoc/7-1-d/1',
      targetKind: 'item',
      target: fx.ern,
      stance: 'supports',
      note: 'matrix',
    }),
    scoped: true,
  },
  'GET /api/cases/:ref/coverage': {
    params: async (fx) => ({ ref: (await casesFixture(fx)).caseRef }),
    scoped: true,
  },
  'GET /api/checklists': {},
  'GET /api/jurisdictions': {},
  'PUT /api/jurisdictions/:code': {
    params: () => ({ code: 'XM' }),
    body: () => ({ name: 'Synthetic M', deathPenalty: false }),
  },
  'GET /api/rfas': {},
  'POST /api/rfas': {
    body: async (fx) => ({
      caseRef: (await casesFixture(fx)).caseRef,
      authority: 'Synthetic prosecutor',
      jurisdiction: 'XN',
      purpose: 'prosecution',
      scope: 'matrix',
      receivedOn: '2017-01-01',
    }),
    scoped: true,
  },
  'GET /api/rfas/:ref': { params: async (fx) => ({ ref: (await casesFixture(fx)).rfaRef }), scoped: true },
  'POST /api/rfas/:ref/status': {
    params: async (fx) => ({ ref: (await casesFixture(fx)).rfaRef }),
    body: () => ({ status: 'in-review' }),
    scoped: true,
  },
  'POST /api/rfas/:ref/overrides': {
    params: async (fx) => ({ ref: (await casesFixture(fx)).rfaRef }),
    body: (fx) => ({ ern: fx.ern, reason: 'matrix: court order compels release' }),
    scoped: true,
  },
  'GET /api/consent-conditions': {},
  'POST /api/consent-conditions': {
    body: (fx) => ({ subjectKind: 'item', subject: fx.ern, noDeathPenalty: true }),
    scoped: true,
  },
  'GET /api/items/:ern/redactions': { params: (fx) => ({ ern: fx.ern }), scoped: true },
  'POST /api/items/:ern/redactions': {
    params: (fx) => ({ ern: fx.ern }),
    body: () => ({ spans: [{ start: 0, end: 9 }] }),
    scoped: true,
  },
  'POST /api/exports': { body: async (fx) => ({ target: (await casesFixture(fx)).caseRef }), scoped: true },
  'GET /api/exports': {},
  // A package is its requester's (it holds what they may read): each caller asks for its own.
  'GET /api/exports/:id': {
    params: async (fx, caller) => ({ id: await exportOf(fx, caller) }),
    scoped: true,
  },
  'GET /api/exports/:id/download': {
    params: async (fx, caller) => ({ id: await exportOf(fx, caller) }),
    scoped: true,
  },
};

const TUS = { 'tus-resumable': '1.0.0' };
const casesReady = new WeakMap<Ctx, { caseRef: string; rfaRef: string; exportId: string }>();
const casesFixtures = new WeakMap<Ctx, Promise<{ caseRef: string; rfaRef: string; exportId: string }>>();

/** casesFixture makes (once per store) a case in WITNESS holding fx.ern, an RFA and an export of it. */
function casesFixture(fx: Fixture): Promise<{ caseRef: string; rfaRef: string; exportId: string }> {
  let made = casesFixtures.get(fx.ctx);
  if (!made) {
    made = (async () => {
      const c = await createCase(fx.ctx, CLI_VIEWER, { title: 'Matrix case', compartment: WITNESS });
      await addItems(fx.ctx, CLI_VIEWER, c.ref, [fx.ern]);
      await setJurisdiction(fx.ctx, { code: 'XN', name: 'Synthetic N', deathPenalty: false });
      const rfa = await createRfa(fx.ctx, CLI_VIEWER, {
        caseRef: c.ref,
        authority: 'Synthetic prosecutor',
        jurisdiction: 'XN',
        purpose: 'prosecution',
        scope: 'matrix',
        receivedOn: '2017-01-01',
      });
      const exportId = await queueExport(fx.ctx, CLI_VIEWER, c.ref, false);
      const ready = { caseRef: c.ref, rfaRef: rfa.ref, exportId };
      casesReady.set(fx.ctx, ready);
      return ready;
    })();
    casesFixtures.set(fx.ctx, made);
  }
  return made;
}

/**
 * exportOf queues an export of the fixture's case as if `caller` had asked for it (the package is
 * theirs: only its requester opens it), or returns the fixture's own for an anonymous caller.
 */
async function exportOf(fx: Fixture, caller: Caller | null): Promise<string> {
  const { caseRef, exportId } = await casesFixture(fx);
  if (!caller) return exportId;
  return queueExport(fx.ctx, { ...CLI_VIEWER, actor: caller.userId }, caseRef, false);
}

interface AnalysisRecords {
  readonly entityId: string;
  readonly incidentId: string;
  readonly ern: string;
}
type AnalysisFixture = AnalysisRecords & { readonly claimId: string; readonly general: AnalysisRecords };
const analysisReady = new WeakMap<Ctx, AnalysisFixture>();
const analysisFixtures = new WeakMap<Ctx, Promise<AnalysisFixture>>();

/**
 * analysisFixture makes (once per store) a protected witness, an incident and a claim in WITNESS
 * resting on fx.ern, and an entity, an incident and an item in GENERAL for callers there.
 */
function analysisFixture(fx: Fixture): Promise<AnalysisFixture> {
  let made = analysisFixtures.get(fx.ctx);
  if (!made) {
    made = (async () => {
      const op = { id: 'test', read: 'all', write: 'all', reveal: 'all' } as const;
      const records = async (compartment: string, ern: string): Promise<AnalysisRecords> => {
        const entity = await createEntity(fx.ctx, op, {
          kind: 'person',
          name: 'Synthetic witness',
          compartment,
          protection: 'protected',
          pseudonym: `W-${compartment}`,
        });
        const incident = await createIncident(fx.ctx, op, { type: 'detention', title: 'Held', compartment });
        return { entityId: entity.id, incidentId: incident.id, ern };
      };
      const general = await addContent(fx.ctx, Readable.from([Buffer.from('general report')]), {
        originalName: 'general.txt',
        provenance: { source: 'synthetic', collectedAt: '2016-12-15', collectedBy: 'monitor-01' },
        compartment: GENERAL,
        actor: 'test',
      });
      const witness = await records(WITNESS, fx.ern);
      const claim = await createClaim(fx.ctx, op, {
        statement: 'The witness was held',
        incidentId: witness.incidentId,
        compartment: WITNESS,
      });
      const ready = { ...witness, claimId: claim.id, general: await records(GENERAL, general.item.ern) };
      analysisReady.set(fx.ctx, ready);
      return ready;
    })();
    analysisFixtures.set(fx.ctx, made);
  }
  return made;
}

function tusMetadata(compartment: string): string {
  const b64 = (v: string) => Buffer.from(v).toString('base64');
  return `filename ${b64('f.bin')},source ${b64('matrix')},collectedAt ${b64('2016-12-15')},collectedBy ${b64('monitor-01')},compartment ${b64(compartment)}`;
}

/** uploadFor opens a tus upload owned by the caller (anonymous callers get a well-formed unknown id). */
async function uploadFor(fx: Fixture, c: Caller | null, length: number): Promise<Record<string, string>> {
  if (!c) return { id: '0'.repeat(32) };
  const compartment = c.compartment;
  const metadata = {
    filename: 'f.bin',
    source: 'matrix',
    collectedAt: '2016-12-15',
    collectedBy: 'monitor-01',
    compartment,
  };
  const upload = await createUpload(fx.ctx, { userId: c.userId, length, metadata });
  return { id: upload.id };
}

type Expectation = 'allowed' | 'allowed-in-compartment' | 401 | 403 | 404;

function expected(route: ApiRoute, sample: Sample, caller: Caller | null): Expectation {
  const policy = route.policy;
  if ('public' in policy) return 'allowed';
  if (!caller) return 401;
  if ('authenticated' in policy) return 'allowed';
  if (!ROLE_PERMISSIONS[caller.role].includes(policy.permission)) return 403;
  if (!sample.scoped) return 'allowed';
  return caller.compartment === WITNESS ? 'allowed-in-compartment' : 404;
}

function fill(url: string, params: Record<string, string>): string {
  return url.replace(/:([A-Za-z0-9_]+)|\*$/g, (m, name: string | undefined) => {
    const v = params[name ?? '*'];
    if (v === undefined) throw new Error(`sample for ${url} has no value for ${m}`);
    return name ? encodeURIComponent(v) : v;
  });
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: access matrix`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let fx: Fixture;
    const callers: Caller[] = [];

    before(async () => {
      s = await openTestStore(dialect);
      s.setTime('2016-12-15T12:00:00.000Z'); // after the fixture's observations
      app = await buildApp(s.ctx);
      const added = await addContent(s.ctx, Readable.from([Buffer.from('protected witness statement')]), {
        originalName: 'statement.txt',
        provenance: { source: 'synthetic', collectedAt: '2016-12-15', collectedBy: 'monitor-01' },
        compartment: WITNESS,
        actor: 'test',
      });
      const login = await createUser(
        s.ctx,
        { username: 'matrix-login', role: 'monitor', compartment: GENERAL },
        { actorId: 'test' },
      );
      await resetPassword(s.ctx, { token: login.passwordToken, password: PASSWORD }, { actorId: null });
      const ctx = s.ctx;
      await planOperations(ctx, smallPlan(WITNESS), 'test');
      const fieldDevice = await deviceFor(ctx, 'matrix-monitor');
      for (const wire of [
        sighting('veh-bus-017', 'pt-origin', 'departure', 50, 0),
        sighting('veh-bus-017', 'pt-ramouseh', 'checkpoint', 42, 50),
      ]) {
        await submitObservation(
          ctx,
          { userId: 'matrix-monitor', mayObserve: () => true },
          fieldDevice.submission(wire),
        );
      }
      const alert = await ctx.db
        .selectFrom('alert')
        .select('id')
        .where('kind', '=', 'people-unaccounted')
        .executeTakeFirstOrThrow();
      fx = {
        ctx,
        opId: SMALL_OP,
        alertId: alert.id,
        ern: added.item.ern,
        loginName: 'matrix-login',
        passwordHash: await hashPassword(PASSWORD),
        throwaway: async (compartment = GENERAL) => {
          const u = await makeUser(ctx, 'monitor', [compartment]);
          return u.userId;
        },
      };
      for (const role of ROLES) {
        for (const compartment of [WITNESS, GENERAL]) {
          const { userId } = await makeUser(s.ctx, role, [compartment]);
          callers.push({ role, compartment, userId });
        }
      }
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    it('has a sample for every registered /api route (add new routes to SAMPLES)', () => {
      const missing = app.apiRoutes
        .filter((r) => r.method !== 'HEAD')
        .map((r) => `${r.method} ${r.url}`)
        .filter((k) => !(k in SAMPLES));
      assert.deepEqual(missing, [], 'routes without a row in SAMPLES (test/access-matrix.test.ts)');
    });

    it('answers every route × role × compartment as the permission table says', async () => {
      const failures: string[] = [];
      let checked = 0;
      for (const route of app.apiRoutes) {
        if (route.method === 'HEAD') continue;
        const sample = SAMPLES[`${route.method} ${route.url}`];
        if (!sample) continue;
        for (const caller of [null, ...callers]) {
          await sample.before?.(fx, caller);
          const params = (await sample.params?.(fx, caller)) ?? {};
          const query = (await sample.query?.(fx, caller)) ?? undefined;
          const headers: Record<string, string> = caller
            ? await sessionHeaders(s.ctx, caller.userId)
            : { host: TEST_HOST };
          Object.assign(headers, (await sample.headers?.(fx, caller)) ?? {});
          let payload: string | Buffer | undefined;
          if (sample.payload) {
            const p = await sample.payload(fx, caller);
            payload = p.body;
            headers['content-type'] = p.contentType;
          } else if (sample.body) {
            payload = JSON.stringify(await sample.body(fx, caller));
            headers['content-type'] = 'application/json';
          }
          const res = await app.inject({
            method: route.method as 'GET',
            url: fill(route.url, params),
            ...(query ? { query } : {}),
            headers,
            ...(payload !== undefined ? { payload } : {}),
          });
          checked++;
          const want = expected(route, sample, caller);
          const who = caller ? `${caller.role}@${caller.compartment}` : 'anonymous';
          const got = res.statusCode;
          const ok =
            typeof want === 'number'
              ? got === want
              : got !== 401 &&
                got !== 403 &&
                got < 500 &&
                !(want === 'allowed-in-compartment' && got === 404);
          if (!ok) {
            failures.push(
              `${route.method} ${route.url} as ${who} = ${got}, want ${want}: ${res.body.slice(0, 200)}`,
            );
          } else if (typeof want !== 'number' && sample.check && caller && got < 300) {
            try {
              sample.check(res, fx, caller);
            } catch (err) {
              failures.push(`${route.method} ${route.url} as ${who}: ${(err as Error).message}`);
            }
          }
        }
      }
      assert.deepEqual(failures, []);
      assert.ok(checked > 100, `checked ${checked} requests`);
    });

    it('refuses to build an app with an /api route that declares no policy', async () => {
      await assert.rejects(
        buildApp(s.ctx, {
          plugins: [
            async (a) => {
              a.get('/api/oops', async () => ({ open: true }));
            },
          ],
        }),
        /GET \/api\/oops has no valid config\.policy/,
      );
    });

    it('refuses a policy naming an unknown permission', async () => {
      await assert.rejects(
        buildApp(s.ctx, {
          plugins: [
            async (a) => {
              a.get(
                '/api/oops',
                { config: { policy: { permission: 'items:everything' as 'items:read' } } },
                async () => ({}),
              );
            },
          ],
        }),
        /has no valid config\.policy/,
      );
    });
  });
}
