import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parsePayload } from '../src/custody/entry.js';
import { leafHashOf, treeRoot } from '../src/custody/service.js';
import { generateAleppo2016, REFERENCE } from '../src/demo/aleppo-2016.js';
import { EAST_ID, FUAH_ID } from '../src/demo/aleppo-2016-operations.js';
import { DEMO_COMPARTMENT, loadAleppo2016 } from '../src/demo/load.js';
import { rootFromLeafHashes } from '../src/lib/merkle.js';
import {
  ALERT_KINDS,
  buildSitrep,
  OpsEngine,
  planOperations,
  storeObservation,
  storeObservations,
  verifySignedText,
} from '../src/ops/index.js';
import { DIALECTS, openTestStore, type TestStore } from './support/stores.js';

const scenario = generateAleppo2016();

for (const dialect of DIALECTS) {
  describe(`${dialect}: loading the Aleppo 2016 demo`, () => {
    let store: TestStore;
    before(async () => {
      store = await openTestStore(dialect);
      store.setTime(scenario.now);
      const started = performance.now();
      const result = await loadAleppo2016(store.ctx, scenario);
      const ms = Math.round(performance.now() - started);
      process.stderr.write(`${dialect}: demo load of ${result.observations} observations took ${ms} ms\n`);
    });
    after(() => store.close());

    it('reconciles from the store to the reference totals exactly', async () => {
      // A new engine rebuilds from what was stored, not from the loader's in-memory state.
      const totals = await new OpsEngine(store.ctx).read((state) => ({
        east: buildSitrep(state, { operationId: EAST_ID }).totals,
        fuah: buildSitrep(state, { operationId: FUAH_ID }).totals,
      }));
      assert.deepEqual(
        {
          people: totals.east.people,
          buses: totals.east.buses,
          ambulances: totals.east.ambulances,
          privateVehicles: totals.east.privateVehicles,
        },
        {
          people: REFERENCE.eastPeople,
          buses: REFERENCE.buses,
          ambulances: REFERENCE.ambulances,
          privateVehicles: REFERENCE.privateVehicles,
        },
      );
      assert.equal(totals.fuah.people, REFERENCE.fuahPeople);
      assert.equal(totals.fuah.buses, 26);
    });

    it('stores alerts of every kind', async () => {
      const rows = await store.ctx.db.selectFrom('alert').select('kind').execute();
      const kinds = new Set(rows.map((r) => r.kind));
      for (const kind of ALERT_KINDS.filter(
        (k) => k !== 'conflicting-reports' && k !== 'point-not-reporting' && k !== 'operation-no-news',
      ))
        assert.ok(kinds.has(kind), `no stored alert of kind ${kind}`);
    });

    it('puts the operations in the compartment and the monitors’ device keys under their ids', async () => {
      const ops = await store.ctx.db
        .selectFrom('operation')
        .select(['id', 'compartment'])
        .orderBy('id')
        .execute();
      assert.deepEqual(ops, [
        { id: EAST_ID, compartment: DEMO_COMPARTMENT },
        { id: FUAH_ID, compartment: DEMO_COMPARTMENT },
      ]);
      const keys = await store.ctx.db.selectFrom('device_key').selectAll().orderBy('id').execute();
      assert.deepEqual(
        keys.map((k) => [k.id, k.user_id, k.public_key, k.label]),
        [...scenario.monitors]
          .sort((a, b) => (a.deviceKeyId < b.deviceKeyId ? -1 : 1))
          .map((m) => [m.deviceKeyId, m.id, m.publicKeyRawB64, 'synthetic demo device']),
      );
    });

    it('stores every observation verbatim, in receipt order, with a signature that verifies', async () => {
      const rows = await store.ctx.db
        .selectFrom('observation')
        .innerJoin('device_key', 'device_key.id', 'observation.device_key_id')
        .select(['client_id', 'seq', 'signed_text', 'signature', 'public_key'])
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        rows.map((r) => r.client_id),
        scenario.observations.map((o) => o.clientId),
      );
      assert.deepEqual(
        rows.map((r) => Number(r.seq)),
        rows.map((_, i) => i + 1),
      );
      for (const r of rows.filter((_, i) => i % 50 === 0)) {
        assert.ok(verifySignedText(r.signed_text, r.signature, r.public_key), r.client_id);
      }
    });

    it('logs one custody entry per observation, dated its receipt, in a consistent tree', async () => {
      const entries = await store.ctx.db
        .selectFrom('custody_entry')
        .select(['seq', 'leaf_hash', 'payload', 'at'])
        .orderBy('seq')
        .execute();
      const observed = entries.map((e) => parsePayload(e.payload)).filter((e) => e.kind === 'observation');
      assert.equal(observed.length, scenario.observations.length);
      assert.deepEqual(
        observed.map((e) => [e.data?.clientId, e.at]),
        scenario.observations.map((o) => [o.clientId, o.receivedTime]),
      );
      for (const e of entries) assert.equal(e.leaf_hash, leafHashOf(e.payload).toString('hex'));
      const leaves = entries.map((e) => Buffer.from(e.leaf_hash, 'hex'));
      assert.deepEqual(await treeRoot(store.ctx.db, leaves.length), rootFromLeafHashes(leaves));
    });
  });

  describe(`${dialect}: storeObservations`, () => {
    const stores: TestStore[] = [];
    after(() => Promise.all(stores.map((s) => s.close())));

    it('writes exactly what storeObservation writes one at a time', async () => {
      const sample = scenario.observations.slice(0, 40);
      const rows = sample.map((o) => ({
        observation: o,
        signedText: `signed ${o.clientId}`,
        signature: `signature ${o.clientId}`,
        actorId: o.monitorId,
      }));
      const dumps = [];
      for (const mode of ['one by one', 'batch'] as const) {
        const s = await openTestStore(dialect);
        stores.push(s);
        await planOperations(
          s.ctx,
          { ...scenario, operations: scenario.operations.map((op) => ({ ...op, compartment: 'x' })) },
          'test',
        );
        if (mode === 'batch')
          assert.deepEqual(
            await storeObservations(s.ctx, rows),
            rows.map((_, i) => i + 1),
          );
        else {
          for (const [i, r] of rows.entries()) {
            const seq = await storeObservation(s.ctx, r.observation, r.signedText, r.signature, r.actorId);
            assert.equal(seq, i + 1);
          }
        }
        dumps.push({
          observations: await s.ctx.db.selectFrom('observation').selectAll().orderBy('seq').execute(),
          // Each entry has its own random salt (issue 12.5), so leaf and node hashes differ
          // between runs; everything the salt does not touch must be identical.
          entries: (await s.ctx.db.selectFrom('custody_entry').selectAll().orderBy('seq').execute()).map(
            ({ leaf_hash: _leaf, payload, ...row }) => ({
              ...row,
              payload: { ...parsePayload(payload), salt: '' },
            }),
          ),
        });
      }
      assert.equal(dumps[0]!.entries.length, sample.length);
      assert.deepEqual(dumps[1], dumps[0]);
    });
  });
}
