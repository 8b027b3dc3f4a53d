import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  ALERT_KINDS,
  applyObservation,
  buildSitrep,
  createReconcileState,
  reconcileAll,
  snapshotState,
  tick,
  validateMandate,
  validateObservation,
  verifyObservationSignature,
} from '../ops/index.js';
import { generateAleppo2016, REFERENCE } from './aleppo-2016.js';
import { EAST_ID, FUAH_ID } from './aleppo-2016-operations.js';

const scenario = generateAleppo2016();
const state = reconcileAll(scenario, scenario.observations, Date.parse(scenario.now));
const east = buildSitrep(state, { operationId: EAST_ID, mandates: scenario.mandates });
const fuah = buildSitrep(state, { operationId: FUAH_ID });

describe('aleppo-2016 scenario', () => {
  it('reproduces the reference totals exactly after reconciliation', () => {
    assert.deepEqual(
      {
        people: east.totals.people,
        buses: east.totals.buses,
        ambulances: east.totals.ambulances,
        privateVehicles: east.totals.privateVehicles,
      },
      {
        people: REFERENCE.eastPeople,
        buses: REFERENCE.buses,
        ambulances: REFERENCE.ambulances,
        privateVehicles: REFERENCE.privateVehicles,
      },
    );
    assert.equal(fuah.totals.people, REFERENCE.fuahPeople);
    assert.equal(fuah.totals.buses, 26);
    assert.ok(east.totals.medicalEvacuations > 61, `medical evacuations ${east.totals.medicalEvacuations}`);
  });

  it('raises every alert kind at least once', () => {
    const raised = new Set([...state.alerts.values()].map((a) => a.kind));
    // conflicting-reports comes from ingest (two bodies under one client id), point-not-reporting
    // from late syncs and operation-no-news from phones all silent while an operation is on: the
    // generated record (both operations completed by its end) has none of them standing.
    for (const kind of ALERT_KINDS.filter(
      (k) => k !== 'conflicting-reports' && k !== 'point-not-reporting' && k !== 'operation-no-news',
    ))
      assert.ok(raised.has(kind), `alert kind ${kind} not raised`);
    for (const incident of scenario.incidents) assert.ok(raised.has(incident.alert), incident.description);
  });

  it('gives byte-identical output for the same seed and different output for another', () => {
    const digest = (s: unknown) => createHash('sha256').update(JSON.stringify(s)).digest('hex');
    assert.equal(digest(generateAleppo2016({ seed: 2016 })), digest(scenario));
    assert.notEqual(
      digest(generateAleppo2016({ seed: 2017, sign: false })),
      digest(generateAleppo2016({ sign: false })),
    );
  });

  it('has the mandates with their recorded votes', () => {
    const tallies = scenario.mandates.map((m) => [m.instrument, validateMandate(m)?.nonVoting ?? null]);
    assert.deepEqual(tallies.slice(0, 2), [
      ['S/RES/2328 (2016)', 0],
      ['A/RES/71/248', 21],
    ]);
  });

  it('makes only observations the server would accept, each signed by its monitor', () => {
    const vehicles = new Map(scenario.vehicles.map((v) => [v.id, v]));
    const keys = new Map(scenario.monitors.map((m) => [m.id, m.publicKeyRawB64]));
    for (const obs of scenario.observations) {
      const operation = scenario.operations.find((o) => o.id === obs.operationId)!;
      const errors = validateObservation(obs, {
        operation,
        vehicleById: (id) => vehicles.get(id),
        nowMs: Date.parse(obs.receivedTime),
      });
      assert.deepEqual(
        errors.map((e) => e.message),
        [],
        obs.clientId,
      );
    }
    for (const obs of scenario.observations.filter((_, i) => i % 97 === 0)) {
      assert.ok(
        verifyObservationSignature(obs, scenario.signatures[obs.clientId]!, keys.get(obs.monitorId)!),
        obs.clientId,
      );
    }
  });

  it('reconciles to the same state when observations arrive one by one in order of receipt', () => {
    const live = createReconcileState(scenario, Date.parse(scenario.observations[0]!.receivedTime));
    for (const obs of scenario.observations) applyObservation(live, obs, Date.parse(obs.receivedTime));
    tick(live, Date.parse(scenario.now));
    assert.equal(JSON.stringify(snapshotState(live)), JSON.stringify(snapshotState(state)));
  });

  it('names monitors by pseudonym only', () => {
    for (const m of scenario.monitors) assert.match(m.pseudonym, /^Monitor [A-Z][a-z]+$/);
  });
});
