/**
 * ops-stub.ts — an in-memory stand-in for the operations API (src/ops routes), implementing
 * the HTTP contract the web app is built against, for the browser tests while the real routes
 * are not registered by buildApp. It keeps the contract's essentials honest: each route's
 * permission, Ed25519 signatures checked over canonicalJson(observation) with the registered
 * device key, idempotent client ids (200 duplicate), totals and per-point counts, a critical
 * `people-unaccounted` alert when a vehicle's headcount drops between points, SSE events with
 * sequence ids, and alert acknowledge / resolve.
 *
 * `opsRoutesRegistered(app)` tells the tests whether to use it: when the real routes exist the
 * stub is not mounted (and the tests seed the real store instead).
 */
import { randomUUID, verify } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { HttpProblem } from '../../../src/api/problems.js';
import { type CanonicalValue, canonicalJson } from '../../../src/lib/canonical-json.js';

const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

export interface StubPoint {
  id: string;
  order: number;
  name: string;
  nameAr: string;
  lat: number;
  lon: number;
  kind: 'origin' | 'checkpoint' | 'destination';
}

export interface StubVehicle {
  id: string;
  kind: string;
  marking: string;
}

interface Observation {
  clientId: string;
  operationId: string;
  routePointId: string;
  deviceTime: string;
  kind: string;
  vehicleIds: string[];
  headcount: number;
  categories: Record<string, number>;
}

interface StubAlert {
  id: string;
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  state: 'open' | 'acknowledged' | 'resolved';
  operationId: string;
  subject: { type: string; id: string };
  summary: string;
  evidence: { observationIds: string[]; figures: Record<string, number> };
  raisedAt: string;
  updatedAt: string;
  note: string | null;
}

export interface OpsStub {
  readonly plugin: FastifyPluginAsync;
  /** Observations accepted (not duplicates), in arrival order. */
  readonly accepted: Observation[];
  /** Every POST /api/ops/observations received, duplicates included. */
  readonly submissions: string[];
}

const OP = 'op-eastern-aleppo';
const LINKED = 'op-fuah-kafraya';

export const STUB_POINTS: StubPoint[] = [
  {
    id: 'pt-origin',
    order: 0,
    name: 'Eastern Aleppo',
    nameAr: 'حلب الشرقية',
    lat: 36.2,
    lon: 37.18,
    kind: 'origin',
  },
  {
    id: 'pt-ramouseh',
    order: 1,
    name: 'Ramouseh',
    nameAr: 'الراموسة',
    lat: 36.167,
    lon: 37.143,
    kind: 'checkpoint',
  },
  {
    id: 'pt-rashideen',
    order: 2,
    name: 'al-Rashideen',
    nameAr: 'الراشدين',
    lat: 36.183,
    lon: 37.06,
    kind: 'checkpoint',
  },
  {
    id: 'pt-khan-al-asal',
    order: 3,
    name: 'Khan al-Asal',
    nameAr: 'خان العسل',
    lat: 36.17,
    lon: 36.98,
    kind: 'destination',
  },
];

export const STUB_VEHICLES: StubVehicle[] = [
  { id: 'veh-bus-017', kind: 'bus', marking: 'BUS-017' },
  { id: 'veh-bus-018', kind: 'bus', marking: 'BUS-018' },
  { id: 'veh-amb-004', kind: 'ambulance', marking: 'AMB-004' },
];

/** opsRoutesRegistered says whether buildApp mounted the real operations API. */
export function opsRoutesRegistered(app: FastifyInstance): boolean {
  return app.apiRoutes.some((r) => r.method === 'GET' && r.url === '/api/ops/operations');
}

/** createOpsStub returns the stub plugin and what it received. `now` gives server time. */
export function createOpsStub(now: () => Date = () => new Date()): OpsStub {
  const devices = new Map<string, string>();
  const observations = new Map<string, Observation>();
  const accepted: Observation[] = [];
  const submissions: string[] = [];
  const alerts: StubAlert[] = [];
  const streams = new Set<ServerResponse>();
  let seq = 0;

  const totals = (opId: string) => {
    const departed = accepted.filter((o) => o.operationId === opId && o.kind === 'departure');
    const buses = new Set(departed.flatMap((o) => o.vehicleIds).filter((v) => v.includes('bus'))).size;
    const ambulances = new Set(departed.flatMap((o) => o.vehicleIds).filter((v) => v.includes('amb'))).size;
    const people = departed.reduce((n, o) => n + o.headcount, 0);
    return { people, buses, ambulances, privateVehicles: 0, medicalEvacuations: 0 };
  };
  const expected = { people: 35000, buses: 308, ambulances: 61, privateVehicles: 1231 };
  const mandates = [
    { id: 'm-2328', body: 'security-council', instrument: 'S/RES/2328 (2016)', date: '2016-12-19' },
  ];
  const summary = (id: string) =>
    id === OP
      ? {
          id: OP,
          name: 'Eastern Aleppo evacuation',
          status: 'active',
          compartment: 'ops',
          mandates,
          linkedOperationIds: [LINKED],
          totals: totals(OP),
          expected,
        }
      : {
          id: LINKED,
          name: "al-Fu'ah and Kafraya evacuation",
          status: 'active',
          compartment: 'ops',
          mandates: [],
          linkedOperationIds: [OP],
          totals: { people: 750, buses: 20, ambulances: 4, privateVehicles: 0, medicalEvacuations: 0 },
          expected: { people: 1300, buses: 35, ambulances: 6, privateVehicles: 0 },
        };

  const send = (event: string, data: unknown) => {
    seq += 1;
    for (const res of streams) res.write(`id: ${seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  const vehicleState = (vehicleId: string) => {
    const seen = accepted
      .filter((o) => o.vehicleIds.includes(vehicleId))
      .sort((a, b) => a.deviceTime.localeCompare(b.deviceTime));
    const last = seen.at(-1);
    return {
      last,
      state: !last ? 'planned' : last.kind === 'arrival' ? 'arrived' : 'in-transit',
    };
  };

  const checkDrop = (obs: Observation) => {
    for (const v of obs.vehicleIds) {
      const earlier = accepted.filter(
        (o) =>
          o !== obs && o.vehicleIds.length === 1 && o.vehicleIds[0] === v && o.deviceTime <= obs.deviceTime,
      );
      const before = earlier.at(-1);
      if (obs.vehicleIds.length === 1 && before && obs.headcount < before.headcount) {
        const at = now().toISOString();
        const alert: StubAlert = {
          id: randomUUID(),
          kind: 'people-unaccounted',
          severity: 'critical',
          state: 'open',
          operationId: obs.operationId,
          subject: { type: 'vehicle', id: v },
          summary: `${before.headcount - obs.headcount} fewer people on ${v} at ${obs.routePointId} than at ${before.routePointId}`,
          evidence: {
            observationIds: [before.clientId, obs.clientId],
            figures: { before: before.headcount, after: obs.headcount },
          },
          raisedAt: obs.deviceTime,
          updatedAt: at,
          note: null,
        };
        alerts.push(alert);
        send('alert', alert);
      }
    }
  };

  const plugin: FastifyPluginAsync = async (app) => {
    const read = { policy: { permission: 'ops:read' as const } };
    const submit = { policy: { permission: 'observations:submit' as const } };
    const manage = { policy: { permission: 'alerts:manage' as const } };

    app.addHook('onClose', async () => {
      for (const res of streams) res.end();
    });

    app.get('/api/ops/operations', { config: read }, async () => ({
      operations: [summary(OP), summary(LINKED)],
    }));

    app.get<{ Params: { id: string } }>('/api/ops/operations/:id', { config: read }, async (request) => {
      const id = request.params.id;
      if (id !== OP && id !== LINKED) throw new HttpProblem('not-found');
      const ops = accepted.filter((o) => o.operationId === id);
      const vehicleList = STUB_VEHICLES.map((v) => {
        const s = vehicleState(v.id);
        return {
          ...v,
          convoyId: 'convoy-1',
          lastPointId: s.last?.routePointId ?? null,
          lastSeenAt: s.last?.deviceTime ?? null,
          state: s.state,
        };
      });
      return {
        operation: {
          ...summary(id),
          origin: { name: 'Eastern Aleppo', lat: 36.2, lon: 37.18 },
          destination: { name: 'Khan al-Asal', lat: 36.17, lon: 36.98 },
          statusHistory: [
            { status: 'planned', at: '2016-12-13T12:00:00Z', reason: 'agreement announced' },
            { status: 'active', at: '2016-12-15T05:00:00Z', reason: 'first convoy left' },
          ],
        },
        routePoints: STUB_POINTS.map((p) => {
          const here = ops.filter((o) => o.routePointId === p.id);
          return {
            ...p,
            pcode: null,
            monitored: true,
            counts: {
              people: here.reduce((n, o) => n + o.headcount, 0),
              vehicles: new Set(here.flatMap((o) => o.vehicleIds)).size,
            },
          };
        }),
        vehicles: {
          inTransit: vehicleList.filter((v) => v.state === 'in-transit').length,
          overdue: 0,
          arrived: vehicleList.filter((v) => v.state === 'arrived').length,
          total: vehicleList.length,
        },
        vehicleList,
        alerts: alerts.filter((a) => a.operationId === id),
        linked: (id === OP ? [LINKED] : [OP]).map((l) => {
          const s = summary(l);
          return { id: s.id, name: s.name, status: s.status, totals: s.totals };
        }),
      };
    });

    app.get<{ Params: { id: string } }>(
      '/api/ops/operations/:id/events',
      { config: read },
      async (request, reply) => {
        reply.hijack();
        reply.raw.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        });
        reply.raw.write(': connected\n\n');
        streams.add(reply.raw);
        request.raw.on('close', () => streams.delete(reply.raw));
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/ops/operations/:id/monitor',
      { config: submit },
      async (request) => {
        if (request.params.id !== OP) throw new HttpProblem('not-found');
        return {
          operation: { id: OP, name: 'Eastern Aleppo evacuation' },
          routePoints: STUB_POINTS.map((p) => ({
            ...p,
            pcode: null,
            monitored: true,
            counts: { people: 0, vehicles: 0 },
          })),
          vehicles: STUB_VEHICLES,
        };
      },
    );

    app.get('/api/ops/operations/:id/sitrep', { config: read }, async (_request, reply) =>
      reply.type('text/markdown; charset=utf-8').send('# Situation report\n'),
    );
    app.get('/api/ops/operations/:id/hxl', { config: read }, async (_request, reply) =>
      reply.type('text/csv; charset=utf-8').send('Operation,People\n#operation+id,#affected+num\n'),
    );

    app.post<{ Body: { publicKey: string; label: string } }>(
      '/api/ops/devices',
      { config: submit },
      async (request, reply) => {
        const raw = Buffer.from(request.body.publicKey, 'base64');
        if (raw.length !== 32) throw new HttpProblem('invalid-request', 'publicKey must be 32 bytes');
        const deviceKeyId = `dk-${randomUUID()}`;
        devices.set(deviceKeyId, request.body.publicKey);
        return reply.code(201).send({ deviceKeyId });
      },
    );

    app.post<{ Body: { deviceKeyId: string; signature: string; observation: Observation } }>(
      '/api/ops/observations',
      { config: submit },
      async (request, reply) => {
        const { deviceKeyId, signature, observation } = request.body;
        submissions.push(observation.clientId);
        const key = devices.get(deviceKeyId);
        const text = Buffer.from(canonicalJson(observation as unknown as CanonicalValue), 'utf8');
        const ok =
          key !== undefined &&
          verify(
            null,
            text,
            { key: Buffer.concat([SPKI_ED25519, Buffer.from(key, 'base64')]), format: 'der', type: 'spki' },
            Buffer.from(signature, 'base64'),
          );
        if (!ok) throw new HttpProblem('invalid-request', 'invalid-signature');
        const existing = observations.get(observation.clientId);
        if (existing) return reply.code(200).send({ status: 'duplicate', id: existing.clientId });
        observations.set(observation.clientId, observation);
        accepted.push(observation);
        send('observation', { id: observation.clientId, routePointId: observation.routePointId });
        checkDrop(observation);
        send('totals', totals(observation.operationId));
        return reply.code(201).send({ status: 'accepted', id: observation.clientId });
      },
    );

    const transition = (id: string, state: StubAlert['state'], note: string | null) => {
      const alert = alerts.find((a) => a.id === id);
      if (!alert) throw new HttpProblem('not-found');
      alert.state = state;
      if (note !== null) alert.note = note;
      alert.updatedAt = now().toISOString();
      send('alert', alert);
      return { alert };
    };
    app.post<{ Params: { id: string } }>(
      '/api/ops/alerts/:id/acknowledge',
      { config: manage },
      async (request) => transition(request.params.id, 'acknowledged', null),
    );
    app.post<{ Params: { id: string }; Body: { note: string } }>(
      '/api/ops/alerts/:id/resolve',
      { config: manage },
      async (request) => transition(request.params.id, 'resolved', request.body.note),
    );
  };

  return { plugin, accepted, submissions };
}
