/** routes.test.ts — the operations list, an operation's view, a monitor's assignment, sitrep and HXL. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loginAs } from '../../../test/support/access.js';
import { SMALL_OP, sighting } from '../../../test/support/ops.js';
import { opsApp } from '../../../test/support/ops-http.js';
import { DIALECTS } from '../../../test/support/stores.js';
import { parseHxl } from '../../lib/hxl.js';
import { listAlerts } from '../alerts/service.js';
import { opsEngine } from '../reconcile/engine.js';
import { operationSitrep } from './service.js';
import { operationView } from './views.js';

const OPS_OPERATION_IDS = [
  'acknowledgeAlert',
  'attachObservationPhoto',
  'changeOperationStatus',
  'getMonitorAssignment',
  'getOperation',
  'getOperationHxl',
  'getOperationSitrep',
  'learnTransitTimes',
  'listDeviceKeys',
  'listObservationConflicts',
  'listOperationAlerts',
  'listOperations',
  'planOperations',
  'registerDeviceKey',
  'resolveAlert',
  'resolveObservationConflict',
  'revokeDeviceKey',
  'streamOperationEvents',
  'submitObservation',
];

for (const dialect of DIALECTS) {
  describe(`${dialect}: reports over HTTP`, () => {
    const t = opsApp(dialect);

    it('lists the operation with its mandate and zero totals', async () => {
      const { s, app, coordinator, get } = t;
      const res = await get('/api/ops/operations', coordinator);
      assert.equal(res.statusCode, 200, res.body);
      const [op] = res.json().operations;
      assert.equal(op.id, SMALL_OP);
      assert.equal(op.status, 'active');
      assert.equal(op.nameAr, 'إجلاء شرق حلب');
      assert.equal(op.mandates[0].instrument, 'S/RES/2328 (2016)');
      assert.deepEqual(op.totals, {
        people: 0,
        vehicles: 0,
        byKind: { bus: 0, ambulance: 0, private: 0, truck: 0 },
        buses: 0,
        ambulances: 0,
        privateVehicles: 0,
        trucks: 0,
        medicalEvacuations: 0,
      });
      const outsider = await loginAs(app, s.ctx, 'coordinator', ['elsewhere']);
      assert.deepEqual((await get('/api/ops/operations', outsider)).json().operations, []);
      assert.equal((await get(`/api/ops/operations/${SMALL_OP}`, outsider)).statusCode, 404);
    });

    it('gives a monitor its assignment to cache offline', async () => {
      const { monitor, get } = t;
      const res = await get(`/api/ops/operations/${SMALL_OP}/monitor`, monitor);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.deepEqual(
        body.routePoints.map((p: { id: string }) => p.id),
        ['pt-origin', 'pt-ramouseh', 'pt-rashideen', 'pt-destination'],
      );
      assert.ok(body.vehicles.some((v: { marking: string }) => v.marking === 'BUS-017'));
      // Convoys, so the app can group a long list and record a whole convoy (issue 16.3).
      assert.deepEqual(body.convoys, [{ id: 'convoy-1', label: 'Convoy 1' }]);
      assert.equal(body.vehicles.find((v: { id: string }) => v.id === 'veh-bus-017').convoyId, 'convoy-1');
      assert.equal(body.routePoints[1].nameAr, 'الراموسة');
    });

    it('reports a sitrep as Markdown, JSON and PDF, and HXL that parses back', async () => {
      const { monitor, coordinator, device, post, get } = t;
      const arrive = device.submission(sighting('veh-bus-017', 'pt-destination', 'arrival', 42, 150));
      assert.equal((await post('/api/ops/observations', monitor, arrive)).statusCode, 201);
      const json = await get(`/api/ops/operations/${SMALL_OP}/sitrep?format=json`, coordinator);
      assert.equal(json.statusCode, 200, json.body);
      assert.equal(json.json().totals.people, 42);
      assert.equal(json.json().totals.buses, 1);
      const md = await get(`/api/ops/operations/${SMALL_OP}/sitrep`, coordinator);
      assert.match(md.headers['content-type'] as string, /text\/markdown/);
      assert.match(md.body, /Eastern Aleppo evacuation/);
      const pdf = await get(`/api/ops/operations/${SMALL_OP}/sitrep?format=pdf`, coordinator);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
      const early = await get(
        `/api/ops/operations/${SMALL_OP}/sitrep?format=json&to=2016-12-15T07:00:00Z`,
        coordinator,
      );
      assert.equal(early.json().totals.people, 0, 'the arrival at 08:30 is outside a period ending 07:00');
      const bad = await get(
        `/api/ops/operations/${SMALL_OP}/sitrep?from=2016-12-16&to=2016-12-15`,
        coordinator,
      );
      assert.equal(bad.statusCode, 400);
      const hxl = await get(`/api/ops/operations/${SMALL_OP}/hxl`, coordinator);
      assert.match(hxl.headers['content-type'] as string, /text\/csv/);
      const table = parseHxl(hxl.body);
      assert.ok(table.rows.length > 0);
      const totals = parseHxl(
        (await get(`/api/ops/operations/${SMALL_OP}/hxl?table=totals`, coordinator)).body,
      );
      assert.equal(totals.rows.length, 1);
    });

    it("reports in the reader's language: ?lang=ar, else Accept-Language, else English (issue 16.4)", async () => {
      const { app, coordinator, get } = t;
      const ar = await get(`/api/ops/operations/${SMALL_OP}/sitrep?lang=ar`, coordinator);
      assert.equal(ar.statusCode, 200, ar.body);
      assert.equal(ar.headers['content-language'], 'ar');
      assert.match(ar.body, /^# تقرير الوضع: إجلاء شرق حلب/);
      const byHeader = await app.inject({
        method: 'GET',
        url: `/api/ops/operations/${SMALL_OP}/sitrep?format=pdf`,
        headers: { ...coordinator.headers, 'accept-language': 'ar-SY,ar;q=0.9,en;q=0.5' },
      });
      assert.equal(byHeader.headers['content-language'], 'ar');
      assert.match(byHeader.rawPayload.toString('latin1'), /\/Lang \(ar\)/);
      const en = await get(`/api/ops/operations/${SMALL_OP}/sitrep`, coordinator);
      assert.equal(en.headers['content-language'], 'en');
      const bad = await get(`/api/ops/operations/${SMALL_OP}/sitrep?lang=fr`, coordinator);
      assert.equal(bad.statusCode, 400);
    });

    it('sends every field of the view and the sitrep: the response schemas drop nothing (issue 11.2)', async () => {
      const { s, get, coordinator } = t;
      const viaHttp = (await get(`/api/ops/operations/${SMALL_OP}?vehicles=all`, coordinator)).json();
      const alerts = await listAlerts(s.ctx, SMALL_OP);
      const direct = await opsEngine(s.ctx).read((state, registry) =>
        operationView(state, registry, registry.operations.find((o) => o.id === SMALL_OP)!, alerts, {
          allVehicles: true,
        }),
      );
      assert.deepEqual(viaHttp, JSON.parse(JSON.stringify(direct)));
      const sitrep = (await get(`/api/ops/operations/${SMALL_OP}/sitrep?format=json`, coordinator)).json();
      assert.deepEqual(sitrep, JSON.parse(JSON.stringify(await operationSitrep(s.ctx, SMALL_OP))));
    });

    it('documents every ops route with an operationId, a summary, tags and its success responses', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      const ops = Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)
        .filter(([path]) => path.startsWith('/api/ops/'))
        .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
      // The operations API as a contract: a route added or removed changes this list on purpose.
      assert.deepEqual(ops.map(({ op }) => String(op.operationId)).sort(), OPS_OPERATION_IDS);
      for (const { path, method, op } of ops) {
        const name = `${method.toUpperCase()} ${path}`;
        assert.match(String(op.operationId), /^[a-z][A-Za-z]+$/, name);
        assert.ok(typeof op.summary === 'string' && op.summary.length > 0, name);
        assert.deepEqual(op.tags, ['operations'], name);
        const responses = op.responses as Record<string, { content?: Record<string, { schema?: unknown }> }>;
        const success = Object.entries(responses).filter(([code]) => code.startsWith('2'));
        assert.ok(success.length > 0, `${name} documents its success response`);
        for (const [code, r] of success) {
          if (code === '204') continue;
          assert.ok(
            r.content && Object.values(r.content).every((c) => c.schema),
            `${name} ${code} has a schema`,
          );
        }
      }
    });
  });
}
