/**
 * ops-http.test.ts — evacuation operations over HTTP on both databases: signed observations
 * (accepted, duplicate, forged, altered, re-used client id), bad input answered with problem+json
 * and nothing stored, alerts and their lifecycle, the live event stream with Last-Event-ID, the
 * situation report (md, json, pdf), HXL, and offline replay (1,000 observations delivered twice,
 * shuffled, with duplicates) giving the same state as one clean delivery.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/server.js';
import { parseHxl } from '../src/lib/hxl.js';
import { opsEngine } from '../src/ops/engine.js';
import { reconcileAll, snapshotState } from '../src/ops/index.js';
import { planOperations, submitObservation } from '../src/ops/service.js';
import { MAX_STREAMS_PER_USER } from '../src/ops/sse.js';
import { loginAs, type TestCaller } from './support/access.js';
import {
  deviceFor,
  freshPlan,
  PNG_1PX,
  SMALL_OP,
  sighting,
  smallPlan,
  type TestDevice,
} from './support/ops.js';
import { DIALECTS, openTestStore, type TestStore } from './support/stores.js';

const COMPARTMENT = 'aleppo';

async function counts(s: TestStore) {
  const one = async (table: 'observation' | 'custody_entry') =>
    Number(
      (
        await s.ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { observations: await one('observation'), entries: await one('custody_entry') };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: operations over HTTP`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let monitor: TestCaller;
    let coordinator: TestCaller;
    let device: TestDevice;

    const post = (url: string, caller: TestCaller, body: unknown) =>
      app.inject({ method: 'POST', url, headers: caller.headers, payload: body as object });
    const get = (url: string, caller: TestCaller) =>
      app.inject({ method: 'GET', url, headers: caller.headers });

    before(async () => {
      s = await openTestStore(dialect);
      s.setTime('2016-12-15T10:00:00.000Z');
      await planOperations(s.ctx, smallPlan(COMPARTMENT), 'test');
      app = await buildApp(s.ctx);
      monitor = await loginAs(app, s.ctx, 'monitor', [COMPARTMENT]);
      coordinator = await loginAs(app, s.ctx, 'coordinator', [COMPARTMENT]);
      device = await deviceFor(s.ctx, monitor.userId);
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    it('lists the operation with its mandate and zero totals', async () => {
      const res = await get('/api/ops/operations', coordinator);
      assert.equal(res.statusCode, 200, res.body);
      const [op] = res.json().operations;
      assert.equal(op.id, SMALL_OP);
      assert.equal(op.status, 'active');
      assert.equal(op.nameAr, 'إجلاء شرق حلب');
      assert.equal(op.mandates[0].instrument, 'S/RES/2328 (2016)');
      assert.deepEqual(op.totals, {
        people: 0,
        buses: 0,
        ambulances: 0,
        privateVehicles: 0,
        medicalEvacuations: 0,
      });
      const outsider = await loginAs(app, s.ctx, 'coordinator', ['elsewhere']);
      assert.deepEqual((await get('/api/ops/operations', outsider)).json().operations, []);
      assert.equal((await get(`/api/ops/operations/${SMALL_OP}`, outsider)).statusCode, 404);
    });

    it('gives a monitor its assignment to cache offline', async () => {
      const res = await get(`/api/ops/operations/${SMALL_OP}/monitor`, monitor);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.deepEqual(
        body.routePoints.map((p: { id: string }) => p.id),
        ['pt-origin', 'pt-ramouseh', 'pt-rashideen', 'pt-destination'],
      );
      assert.ok(body.vehicles.some((v: { marking: string }) => v.marking === 'BUS-017'));
      assert.equal(body.routePoints[1].nameAr, 'الراموسة');
    });

    it('accepts a signed observation once, logs it in custody, and answers a re-send as a duplicate', async () => {
      const before = await counts(s);
      const body = device.submission(sighting('veh-bus-017', 'pt-origin', 'departure', 50, 0));
      const first = await post('/api/ops/observations', monitor, body);
      assert.equal(first.statusCode, 201, first.body);
      assert.equal(first.json().status, 'accepted');
      const again = await post('/api/ops/observations', monitor, body);
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json().status, 'duplicate');
      assert.equal(again.json().seq, first.json().seq);
      const afterCounts = await counts(s);
      assert.equal(afterCounts.observations, before.observations + 1);
      assert.equal(afterCounts.entries, before.entries + 1);
      const entry = await s.ctx.db
        .selectFrom('custody_entry')
        .selectAll()
        .where('kind', '=', 'observation')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      const payload = JSON.parse(entry.payload);
      assert.equal(payload.clientId, body.observation.clientId);
      assert.match(payload.signedSha256, /^[0-9a-f]{64}$/);
      assert.ok(!entry.payload.includes('"headcount"'), 'custody entries carry ids and hashes only');
    });

    it('rejects forged and altered signatures with invalid-signature, stores nothing, and audits it', async () => {
      const before = await counts(s);
      const good = device.submission(sighting('veh-bus-018', 'pt-origin', 'departure', 40, 5));
      const altered = { ...good, observation: { ...good.observation, headcount: 41 } };
      const forger = await deviceFor(s.ctx, monitor.userId);
      const forged = { ...forger.submission(good.observation), deviceKeyId: device.deviceKeyId };
      const garbage = { ...good, signature: 'not base64!' };
      for (const [name, body] of [
        ['altered', altered],
        ['forged', forged],
        ['garbage', garbage],
      ] as const) {
        const res = await post('/api/ops/observations', monitor, body);
        assert.equal(res.statusCode, 422, `${name}: ${res.body}`);
        assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
        assert.equal(res.json().type, 'https://attest.example/problems/invalid-signature', name);
      }
      assert.deepEqual(await counts(s), before);
      const audited = await s.ctx.db
        .selectFrom('access_event')
        .selectAll()
        .where('kind', '=', 'signature-rejected')
        .execute();
      assert.equal(audited.length, 3);
      assert.equal(audited[0]!.target_id, device.deviceKeyId);
    });

    it('lists and revokes your own device keys; a revoked key signs no more', async () => {
      const spare = await deviceFor(s.ctx, monitor.userId);
      const list = (await get('/api/ops/devices', monitor)).json().devices;
      assert.ok(list.some((d: { id: string }) => d.id === spare.deviceKeyId));
      const other = await loginAs(app, s.ctx, 'monitor', [COMPARTMENT]);
      const del = (caller: TestCaller) =>
        app.inject({
          method: 'DELETE',
          url: `/api/ops/devices/${spare.deviceKeyId}`,
          headers: caller.headers,
        });
      assert.equal((await del(other)).statusCode, 404, "another monitor's key");
      assert.equal((await del(monitor)).statusCode, 204);
      assert.equal((await del(monitor)).statusCode, 404, 'already revoked');
      const res = await post(
        '/api/ops/observations',
        monitor,
        spare.submission(sighting('veh-bus-018', 'pt-origin', 'departure', 40, 5)),
      );
      assert.equal(res.json().type, 'https://attest.example/problems/unknown-device-key');
      const again = await post('/api/ops/devices', monitor, {
        publicKey: spare.key.publicKeyRawB64,
        label: 'found it',
      });
      assert.equal(again.statusCode, 409, 'a revoked key cannot be registered again');
      assert.equal(again.json().type, 'https://attest.example/problems/device-key-revoked');
      const stolen = await post('/api/ops/devices', other, {
        publicKey: device.key.publicKeyRawB64,
        label: 'mine',
      });
      assert.equal(stolen.statusCode, 422, "another monitor's key");
    });

    it("refuses another monitor's device key", async () => {
      const other = await loginAs(app, s.ctx, 'monitor', [COMPARTMENT]);
      const res = await post(
        '/api/ops/observations',
        other,
        device.submission(sighting('veh-bus-018', 'pt-origin', 'departure', 40, 5)),
      );
      assert.equal(res.statusCode, 422, res.body);
      assert.equal(res.json().type, 'https://attest.example/problems/unknown-device-key');
    });

    it('answers bad input with problem+json and stores nothing', async () => {
      const before = await counts(s);
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ['negative headcount', { headcount: -3 }, 'negative-count'],
        ['negative category', { categories: { adults: -1 } }, 'negative-count'],
        ['unknown vehicle', { vehicleIds: ['veh-nowhere'] }, 'unknown-vehicle'],
        ['time far in the future', { deviceTime: '2017-01-01T00:00:00.000Z' }, 'time-in-future'],
        ['point off the route', { routePointId: 'pt-damascus' }, 'point-not-on-route'],
        ['departure at a checkpoint', { routePointId: 'pt-ramouseh' }, 'kind-does-not-match-point'],
        [
          'categories above the headcount',
          { headcount: 10, categories: { adults: 8, children: 8 } },
          'categories-exceed-headcount',
        ],
        ['malformed time', { deviceTime: 'yesterday' }, 'invalid-observation'],
        ['unknown operation', { operationId: 'op-elsewhere' }, 'not-found'],
      ];
      for (const [name, change, type] of cases) {
        const wire = { ...sighting('veh-car-101', 'pt-origin', 'departure', 4, 10), ...change };
        const res = await post('/api/ops/observations', monitor, device.submission(wire as never));
        assert.match(res.headers['content-type'] as string, /application\/problem\+json/, name);
        assert.equal(res.json().type, `https://attest.example/problems/${type}`, `${name}: ${res.body}`);
      }
      for (const [name, body, status] of [
        [
          'extra field',
          { ...device.submission(sighting('veh-car-101', 'pt-origin', 'departure', 4, 10)), extra: 1 },
          400,
        ],
        [
          'extra observation field',
          device.submission({
            ...sighting('veh-car-101', 'pt-origin', 'departure', 4, 10),
            monitorId: 'x',
          } as never),
          400,
        ],
        [
          'string headcount',
          device.submission({
            ...sighting('veh-car-101', 'pt-origin', 'departure', 4, 10),
            headcount: '4',
          } as never),
          400,
        ],
      ] as const) {
        const res = await post('/api/ops/observations', monitor, body);
        assert.equal(res.statusCode, status, `${name}: ${res.body}`);
      }
      const huge = await app.inject({
        method: 'POST',
        url: '/api/ops/observations',
        headers: { ...monitor.headers, 'content-type': 'application/json' },
        payload: JSON.stringify({ x: 'y'.repeat(100_000) }),
      });
      assert.equal(huge.statusCode, 413);
      assert.deepEqual(await counts(s), before);
    });

    it('stores a photo whose SHA-256 the observation signed, as evidence in the operation compartment', async () => {
      const sha = createHash('sha256').update(PNG_1PX).digest('hex');
      const other = createHash('sha256').update('not signed').digest('hex');
      const wire = sighting('veh-amb-03', 'pt-origin', 'departure', 2, 14, { photoSha256: [sha] });
      const put = (clientId: string, hash: string, body: Buffer, caller = monitor, type = 'image/png') =>
        app.inject({
          method: 'PUT',
          url: `/api/ops/observations/${clientId}/photos/${hash}`,
          headers: { ...caller.headers, 'content-type': type },
          payload: body,
        });
      assert.equal((await put(wire.clientId, sha, PNG_1PX)).statusCode, 404, 'before the observation exists');
      assert.equal((await post('/api/ops/observations', monitor, device.submission(wire))).statusCode, 201);
      const notSigned = await put(wire.clientId, other, Buffer.from('not signed'));
      assert.equal(notSigned.json().type, 'https://attest.example/problems/photo-not-in-observation');
      const swapped = await put(wire.clientId, sha, Buffer.concat([PNG_1PX, Buffer.from('x')]));
      assert.equal(swapped.statusCode, 422, swapped.body);
      assert.equal(swapped.json().type, 'https://attest.example/problems/photo-hash-mismatch');
      const someoneElse = await loginAs(app, s.ctx, 'monitor', [COMPARTMENT]);
      assert.equal((await put(wire.clientId, sha, PNG_1PX, someoneElse)).statusCode, 404);
      const ok = await put(wire.clientId, sha, PNG_1PX);
      assert.equal(ok.statusCode, 201, ok.body);
      const again = await put(wire.clientId, sha, PNG_1PX);
      assert.equal(again.statusCode, 200);
      assert.equal(again.json().ern, ok.json().ern);
      const item = await s.ctx.db
        .selectFrom('item')
        .selectAll()
        .where('ern', '=', ok.json().ern)
        .executeTakeFirstOrThrow();
      assert.equal(item.compartment, COMPARTMENT);
      assert.equal(item.media_type, 'image/png');
      assert.match(item.source, new RegExp(wire.clientId));
    });

    it('answers a different observation under a used client id with client-id-reused', async () => {
      const wire = sighting('veh-car-102', 'pt-origin', 'departure', 5, 12);
      assert.equal((await post('/api/ops/observations', monitor, device.submission(wire))).statusCode, 201);
      const res = await post('/api/ops/observations', monitor, device.submission({ ...wire, headcount: 6 }));
      assert.equal(res.statusCode, 409, res.body);
      assert.equal(res.json().type, 'https://attest.example/problems/client-id-reused');
    });

    it('raises people-unaccounted on a headcount drop; a coordinator acknowledges then resolves it', async () => {
      for (const wire of [
        sighting('veh-bus-017', 'pt-ramouseh', 'checkpoint', 50, 50),
        sighting('veh-bus-017', 'pt-rashideen', 'checkpoint', 42, 100),
      ]) {
        assert.equal((await post('/api/ops/observations', monitor, device.submission(wire))).statusCode, 201);
      }
      const view = (await get(`/api/ops/operations/${SMALL_OP}`, coordinator)).json();
      const rashideen = view.routePoints.find((p: { id: string }) => p.id === 'pt-rashideen');
      assert.deepEqual(rashideen.counts, { people: 42, vehicles: 1 });
      const alert = view.alerts.find((a: { kind: string }) => a.kind === 'people-unaccounted');
      assert.ok(alert, JSON.stringify(view.alerts));
      assert.equal(alert.severity, 'critical');
      assert.equal(alert.evidence.figures.missing, 8);
      assert.equal(alert.summary, 'BUS-017: 8 fewer people at al-Rashideen than at Ramouseh (50 → 42).');
      const bus = view.vehicleList.find((v: { id: string }) => v.id === 'veh-bus-017');
      assert.equal(bus.lastPointId, 'pt-rashideen');
      assert.ok(['in-transit', 'overdue'].includes(bus.state), bus.state);
      assert.ok(
        !view.vehicleList.some((v: { state: string }) => v.state === 'planned'),
        'only vehicles on the road',
      );
      const all = (await get(`/api/ops/operations/${SMALL_OP}?vehicles=all`, coordinator)).json();
      assert.equal(all.vehicleList.length, all.vehicles.total);

      assert.equal(
        (await post(`/api/ops/alerts/${alert.id}/resolve`, monitor, { note: 'x' })).statusCode,
        403,
      );
      const ack = await post(`/api/ops/alerts/${alert.id}/acknowledge`, coordinator, {});
      assert.equal(ack.statusCode, 200, ack.body);
      assert.equal(ack.json().alert.state, 'acknowledged');
      assert.equal((await post(`/api/ops/alerts/${alert.id}/resolve`, coordinator, {})).statusCode, 400);
      const resolved = await post(`/api/ops/alerts/${alert.id}/resolve`, coordinator, {
        note: 'Eight people left with ICRC.',
      });
      assert.equal(resolved.json().alert.state, 'resolved');
      const again = await post(`/api/ops/alerts/${alert.id}/acknowledge`, coordinator, {});
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().type, 'https://attest.example/problems/invalid-alert-transition');
      const open = (await get(`/api/ops/operations/${SMALL_OP}/alerts?state=open`, coordinator)).json()
        .alerts;
      assert.ok(!open.some((a: { id: string }) => a.id === alert.id));
      const outsider = await loginAs(app, s.ctx, 'coordinator', ['elsewhere']);
      assert.equal((await post(`/api/ops/alerts/${alert.id}/acknowledge`, outsider, {})).statusCode, 404);
    });

    it('changes status with a reason; a suspension without one is refused', async () => {
      const bad = await post(`/api/ops/operations/${SMALL_OP}/status`, coordinator, {
        status: 'suspended',
        reason: '',
      });
      assert.equal(bad.statusCode, 409, bad.body);
      assert.equal(bad.json().type, 'https://attest.example/problems/invalid-status-change');
      const ok = await post(`/api/ops/operations/${SMALL_OP}/status`, coordinator, {
        status: 'suspended',
        reason: 'shooting near Ramouseh',
      });
      assert.equal(ok.statusCode, 200, ok.body);
      const resumed = await post(`/api/ops/operations/${SMALL_OP}/status`, coordinator, {
        status: 'resumed',
        reason: 'agreement restored',
      });
      assert.equal(resumed.statusCode, 200);
      const view = (await get(`/api/ops/operations/${SMALL_OP}`, coordinator)).json();
      assert.deepEqual(
        view.operation.statusHistory.map((c: { status: string }) => c.status),
        ['active', 'suspended', 'resumed'],
      );
      assert.equal(
        (await post(`/api/ops/operations/${SMALL_OP}/status`, monitor, { status: 'completed', reason: '' }))
          .statusCode,
        403,
      );
    });

    it('reports a sitrep as Markdown, JSON and PDF, and HXL that parses back', async () => {
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

    it('plans an operation over HTTP where the caller may write, refusing bad plans whole', async () => {
      const plan = freshPlan(COMPARTMENT);
      const ok = await post('/api/ops/operations', coordinator, plan);
      assert.equal(ok.statusCode, 201, ok.body);
      const again = await post('/api/ops/operations', coordinator, plan);
      assert.equal(again.statusCode, 422, again.body);
      assert.equal(again.json().type, 'https://attest.example/problems/invalid-operation');
      const elsewhere = await post('/api/ops/operations', coordinator, freshPlan('elsewhere'));
      assert.equal(elsewhere.statusCode, 403);
      const backwards = freshPlan(COMPARTMENT);
      const op = backwards.operations[0]!;
      const reversed = {
        ...backwards,
        operations: [{ ...op, route: [...op.route].reverse().map((p, i) => ({ ...p, order: i })) }],
      };
      const bad = await post('/api/ops/operations', coordinator, reversed);
      assert.equal(bad.statusCode, 422, bad.body);
      const badVote = {
        ...freshPlan(COMPARTMENT),
        mandates: [
          {
            id: 'ga-bad',
            body: 'general-assembly',
            instrument: 'A/RES/71/248',
            date: '2016-12-21',
            textRef: 'x',
            vote: { yes: 105, no: 15, abstain: 80, membership: 193 },
          },
        ],
      };
      const vote = await post('/api/ops/operations', coordinator, badVote);
      assert.equal(vote.json().type, 'https://attest.example/problems/invalid-mandate');
      const offGlobe = freshPlan(COMPARTMENT);
      const o2 = offGlobe.operations[0]!;
      const off = { ...offGlobe, operations: [{ ...o2, origin: { name: 'x', lat: 91, lon: 0 } }] };
      assert.equal((await post('/api/ops/operations', coordinator, off)).statusCode, 400);
      const listed = (await get('/api/ops/operations', coordinator)).json().operations;
      assert.equal(listed.length, 2, 'only the good plan was stored');
    });

    it('learns expected transit times from traffic where none was planned', async () => {
      const plan = freshPlan(COMPARTMENT);
      const op = plan.operations[0]!;
      const unplanned = {
        ...plan,
        operations: [{ ...op, route: op.route.map(({ expectedMinutesToNext: _, ...p }) => p) }],
      };
      assert.equal((await post('/api/ops/operations', coordinator, unplanned)).statusCode, 201);
      const minutes = [20, 30, 40];
      for (const [i, v] of plan.vehicles.slice(0, 3).entries()) {
        for (const [point, kind, at] of [
          ['pt-origin', 'departure', i],
          ['pt-ramouseh', 'checkpoint', i + minutes[i]!],
        ] as const) {
          const wire = { ...sighting(v.id, point, kind, 10, at), operationId: op.id };
          assert.equal(
            (await post('/api/ops/observations', monitor, device.submission(wire))).statusCode,
            201,
          );
        }
      }
      const learn = await post(`/api/ops/operations/${op.id}/learn-transit-times`, coordinator, {
        minSamples: 3,
      });
      assert.equal(learn.statusCode, 200, learn.body);
      assert.deepEqual(learn.json().applied, ['pt-origin']);
      assert.equal(learn.json().learned[0].medianMinutes, 30);
      const row = await s.ctx.db
        .selectFrom('route_point')
        .select('expected_minutes_to_next')
        .where('operation_id', '=', op.id)
        .where('id', '=', 'pt-origin')
        .executeTakeFirstOrThrow();
      assert.equal(Number(row.expected_minutes_to_next), 45);
      const denied = await post(`/api/ops/operations/${op.id}/learn-transit-times`, monitor, {});
      assert.equal(denied.statusCode, 403);
    });

    it('streams live events and resumes from Last-Event-ID', async () => {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const port = (app.server.address() as AddressInfo).port;
      const open = (lastEventId?: string) =>
        new Promise<{ chunks: string[]; close: () => void }>((resolve, reject) => {
          const chunks: string[] = [];
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port,
              path: `/api/ops/operations/${SMALL_OP}/events`,
              headers: { ...coordinator.headers, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
            },
            (res) => {
              assert.equal(res.statusCode, 200);
              assert.match(res.headers['content-type'] as string, /text\/event-stream/);
              res.setEncoding('utf8');
              res.on('data', (c: string) => chunks.push(c));
              resolve({ chunks, close: () => req.destroy() });
            },
          );
          req.on('error', (e) => (chunks.length ? undefined : reject(e)));
          req.end();
        });
      const waitFor = async (chunks: string[], re: RegExp) => {
        for (let i = 0; i < 100 && !re.test(chunks.join('')); i++)
          await new Promise((r) => setTimeout(r, 50));
        assert.match(chunks.join(''), re);
      };
      const live = await open();
      try {
        await waitFor(live.chunks, /retry: 3000/);
        const wire = sighting('veh-amb-03', 'pt-origin', 'departure', 3, 160, { categories: { medical: 2 } });
        assert.equal((await post('/api/ops/observations', monitor, device.submission(wire))).statusCode, 201);
        await waitFor(live.chunks, new RegExp(`event: observation\\ndata: [^\\n]*${wire.clientId}`));
        await waitFor(live.chunks, /event: totals/);
      } finally {
        live.close();
      }
      const sent = live.chunks.join('');
      const ids = [...sent.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      assert.ok(ids.length >= 2);
      // Resuming after the first event replays the rest, in order, whatever their types.
      const resumed = await open(String(ids[0]));
      try {
        await waitFor(resumed.chunks, new RegExp(`id: ${ids.at(-1)}\\n`));
        const replayed = [...resumed.chunks.join('').matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
        assert.deepEqual(replayed, ids.slice(1));
      } finally {
        resumed.close();
      }
      // A user may hold MAX_STREAMS_PER_USER streams; one more is refused until one closes.
      const streams = [];
      try {
        for (let i = 0; i < MAX_STREAMS_PER_USER; i++) streams.push(await open());
        const backlog = `/api/ops/operations/${SMALL_OP}/events?follow=false&lastEventId=0`;
        const refused = await get(backlog, coordinator);
        assert.equal(refused.statusCode, 429);
        assert.equal(refused.json().type, 'https://attest.example/problems/too-many-streams');
        streams.pop()!.close();
        for (let i = 0; i < 50 && (await get(backlog, coordinator)).statusCode === 429; i++) {
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal((await get(backlog, coordinator)).statusCode, 200);
      } finally {
        for (const stream of streams) stream.close();
      }
    });
  });

  describe(`${dialect}: offline replay`, () => {
    it('1,000 observations delivered twice, shuffled, with duplicates, give one clean state', async () => {
      const s = await openTestStore(dialect);
      try {
        s.setTime('2016-12-16T12:00:00.000Z');
        const plan = smallPlan(COMPARTMENT);
        const vehicles = Array.from({ length: 200 }, (_, i) => ({
          id: `veh-r-${i}`,
          operationId: SMALL_OP,
          kind: 'bus' as const,
          marking: `R-${i}`,
          capacity: 60,
        }));
        await planOperations(s.ctx, { ...plan, vehicles: [...plan.vehicles, ...vehicles] }, 'test');
        const userId = 'monitor-replay';
        const device = await deviceFor(s.ctx, userId);
        const points = ['pt-origin', 'pt-ramouseh', 'pt-rashideen', 'pt-destination', 'pt-ramouseh'] as const;
        const kinds = ['departure', 'checkpoint', 'checkpoint', 'arrival', 'checkpoint'] as const;
        const wires = vehicles.flatMap((v, i) =>
          points.map((p, k) =>
            sighting(
              v.id,
              p,
              kinds[k]!,
              50 - (i % 7 === 0 && k >= 2 ? 3 : 0) + (k === 4 ? 1 : 0),
              i + k * 40,
              {
                clientId: `replay-${i}-${k}`,
              },
            ),
          ),
        );
        assert.equal(wires.length, 1000);
        let seed = 42;
        const random = () => {
          seed = (seed * 1103515245 + 12345) % 2 ** 31;
          return seed / 2 ** 31;
        };
        const shuffled = (list: typeof wires) =>
          list
            .map((w) => [random(), w] as const)
            .sort((a, b) => a[0] - b[0])
            .map(([, w]) => w);
        const delivery = [...shuffled(wires), ...shuffled(wires), ...wires.slice(0, 100)];
        const who = { userId, mayObserve: () => true };
        const statuses = { accepted: 0, duplicate: 0 };
        for (const wire of delivery) {
          const result = await submitObservation(s.ctx, who, device.submission(wire));
          statuses[result.status] += 1;
        }
        assert.deepEqual(statuses, { accepted: 1000, duplicate: 1100 });
        const stored = await s.ctx.db.selectFrom('observation').select('client_id').execute();
        assert.equal(stored.length, 1000);
        const engine = opsEngine(s.ctx);
        const [live, observations] = await engine.read(
          (state) => [snapshotState(state), [...state.observations.values()]] as const,
        );
        const registry = await engine.read((_, r) => r);
        const clean = reconcileAll(registry, observations, s.ctx.clock().getTime());
        assert.deepEqual(live, snapshotState(clean));
        const alerts = await s.ctx.db.selectFrom('alert').select('key').execute();
        assert.equal(alerts.length, new Set(alerts.map((a) => a.key)).size);
        assert.ok(alerts.some((a) => a.key.startsWith('people-unaccounted')));
      } finally {
        await s.close();
      }
    });
  });
}
