/**
 * compartment-walls.test.ts — issue 12.2, 12.9 and 12.10 tried as an attacker would, over HTTP:
 * two compartments, `witness` (the small operation, its monitor and coordinator) and `alpha` (an
 * attacker's own operation and accounts). Each test is the attack from the issue and now gets
 * the answer an outsider would get if the hidden record did not exist.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loginAs } from '../../test/support/access.js';
import { deviceFor, freshPlan, SMALL_OP, sighting } from '../../test/support/ops.js';
import { opsApp } from '../../test/support/ops-http.js';
import { DIALECTS } from '../../test/support/stores.js';
import type { OperationPlan } from './index.js';
import { opsEngine } from './reconcile/engine.js';
import { bumpRegistry } from './repo/operations.js';

const WITNESS = 'witness';
const ALPHA = 'alpha';

/** answer is a problem reply without what differs between any two requests (id, request id). */
const answer = (body: string, id: string) => {
  const { requestId: _, ...rest } = JSON.parse(body) as Record<string, unknown>;
  return JSON.stringify(rest).replaceAll(id, '<id>');
};

for (const dialect of DIALECTS) {
  describe(`${dialect}: compartment walls in operations (issue 12.2, 12.9, 12.10)`, () => {
    const t = opsApp(dialect, WITNESS);

    it('12.2: a link to an operation the planner cannot read is refused like a link to none, and nothing is stored', async () => {
      const { s, app, post, get } = t;
      const attacker = await loginAs(app, s.ctx, 'coordinator', [ALPHA]);
      const linking = (other: string) => {
        const plan = freshPlan(ALPHA);
        const op = plan.operations[0]!;
        return {
          plan,
          body: { ...plan, operations: [{ ...op, links: [{ kind: 'gates', other, maxLeadPercent: 5 }] }] },
        };
      };
      const hidden = linking(SMALL_OP);
      const toHidden = await post('/api/ops/operations', attacker, hidden.body);
      const missing = linking('op-that-does-not-exist');
      const toMissing = await post('/api/ops/operations', attacker, missing.body);
      assert.equal(toHidden.statusCode, 422, toHidden.body);
      assert.equal(
        answer(toHidden.body, SMALL_OP),
        answer(toMissing.body, 'op-that-does-not-exist'),
        'the same reply whether the linked operation is hidden or absent',
      );
      const mine = hidden.plan.operations[0]!.id;
      assert.equal((await get(`/api/ops/operations/${mine}`, attacker)).statusCode, 404, 'nothing stored');
      const view = (await get(`/api/ops/operations/${SMALL_OP}`, t.coordinator)).json();
      assert.deepEqual(view.linked, []);
    });

    it('12.2: linked operations share a compartment; a cross link from before is shown to neither side', async () => {
      const { s, app, post, get } = t;
      // A coordinator of both compartments may read both, and is still refused a link across them.
      const both = await loginAs(app, s.ctx, 'coordinator', [ALPHA, WITNESS]);
      const plan = freshPlan(ALPHA);
      const op = plan.operations[0]!;
      const across = await post('/api/ops/operations', both, {
        ...plan,
        operations: [{ ...op, links: [{ kind: 'reciprocal', other: SMALL_OP }] }],
      });
      assert.equal(across.statusCode, 422, across.body);
      assert.match(across.json().detail, /another compartment/);
      // A store may hold a cross link made before plans refused them: the views leave it out.
      const alphaPlan: OperationPlan = freshPlan(ALPHA);
      const alphaOp = alphaPlan.operations[0]!;
      assert.equal((await post('/api/ops/operations', both, alphaPlan)).statusCode, 201);
      await s.ctx.db
        .updateTable('operation')
        .set({ links: JSON.stringify([{ kind: 'gates', other: alphaOp.id, maxLeadPercent: 0 }]) })
        .where('id', '=', SMALL_OP)
        .execute();
      await bumpRegistry(s.ctx.db);
      await opsEngine(s.ctx).sync();
      const witnessSide = (await get(`/api/ops/operations/${SMALL_OP}`, t.coordinator)).json();
      assert.deepEqual(witnessSide.linked, []);
      assert.deepEqual(witnessSide.operation.linkedOperationIds, []);
      const sitrep = (await get(`/api/ops/operations/${SMALL_OP}/sitrep?format=json`, t.coordinator)).json();
      assert.deepEqual(sitrep.linked, []);
      const md = (await get(`/api/ops/operations/${SMALL_OP}/sitrep`, t.coordinator)).body;
      assert.doesNotMatch(md, new RegExp(alphaOp.id.replaceAll('-', '\\\\?-')));
      const alphaReader = await loginAs(app, s.ctx, 'coordinator', [ALPHA]);
      const alphaSide = (await get(`/api/ops/operations/${alphaOp.id}`, alphaReader)).json();
      assert.deepEqual(alphaSide.linked, [], 'the alpha side does not see the witness operation either');
      const listed = (await get('/api/ops/operations', alphaReader)).json().operations;
      assert.ok(listed.every((o: { linkedOperationIds: string[] }) => o.linkedOperationIds.length === 0));
      assert.ok(
        !witnessSide.alerts.some((a: { kind: string }) => a.kind === 'linked-operation-out-of-step'),
        'no out-of-step alert carries the other compartment’s progress',
      );
      await s.ctx.db.updateTable('operation').set({ links: '[]' }).where('id', '=', SMALL_OP).execute();
      await bumpRegistry(s.ctx.db);
    });

    it('12.9: an id taken by a hidden record gets the answer an id taken by one of your own gets', async () => {
      const { s, app, post } = t;
      const attacker = await loginAs(app, s.ctx, 'coordinator', [ALPHA]);
      const own = freshPlan(ALPHA);
      assert.equal((await post('/api/ops/operations', attacker, own)).statusCode, 201);
      const ownOp = own.operations[0]!.id;
      const withOpId = (id: string) => {
        const plan = freshPlan(ALPHA);
        const op = plan.operations[0]!;
        return {
          ...plan,
          operations: [{ ...op, id }],
          convoys: plan.convoys.map((c) => ({ ...c, operationId: id })),
          vehicles: plan.vehicles.map((v) => ({ ...v, operationId: id })),
        };
      };
      const hiddenOp = await post('/api/ops/operations', attacker, withOpId(SMALL_OP));
      const ownOpAgain = await post('/api/ops/operations', attacker, withOpId(ownOp));
      assert.equal(hiddenOp.statusCode, 409, hiddenOp.body);
      assert.equal(answer(hiddenOp.body, SMALL_OP), answer(ownOpAgain.body, ownOp));
      assert.doesNotMatch(hiddenOp.body, /operation|witness/i, 'names no kind of record and no compartment');

      const withVehicleId = (id: string) => {
        const plan = freshPlan(ALPHA);
        const [first, ...rest] = plan.vehicles;
        return { ...plan, vehicles: [{ ...first!, id }, ...rest] };
      };
      const hiddenVehicle = await post('/api/ops/operations', attacker, withVehicleId('veh-bus-017'));
      const ownVehicle = await post('/api/ops/operations', attacker, withVehicleId(own.vehicles[0]!.id));
      assert.equal(hiddenVehicle.statusCode, 409, hiddenVehicle.body);
      assert.equal(answer(hiddenVehicle.body, 'veh-bus-017'), answer(ownVehicle.body, own.vehicles[0]!.id));
      assert.equal(
        answer(hiddenVehicle.body, 'veh-bus-017'),
        answer(hiddenOp.body, SMALL_OP),
        'a vehicle id and an operation id in use read the same',
      );
    });

    it('12.9: another compartment’s vehicle in an observation is "not registered", like a vehicle that does not exist', async () => {
      const { s, app, post } = t;
      const planner = await loginAs(app, s.ctx, 'coordinator', [ALPHA]);
      const plan = freshPlan(ALPHA);
      assert.equal((await post('/api/ops/operations', planner, plan)).statusCode, 201);
      const monitor = await loginAs(app, s.ctx, 'monitor', [ALPHA]);
      const device = await deviceFor(s.ctx, monitor.userId);
      const opId = plan.operations[0]!.id;
      const naming = (vehicleId: string) =>
        post(
          '/api/ops/observations',
          monitor,
          device.submission(sighting(vehicleId, 'pt-origin', 'departure', 10, 60, { operationId: opId })),
        );
      const hidden = await naming('veh-bus-017');
      const absent = await naming('veh-nowhere-1');
      assert.equal(hidden.statusCode, 422, hidden.body);
      const strip = (body: string, id: string) => {
        const { clientId: _, ...details } = JSON.parse(body).details ?? {};
        return answer(JSON.stringify({ ...JSON.parse(body), details }), id);
      };
      assert.equal(strip(hidden.body, 'veh-bus-017'), strip(absent.body, 'veh-nowhere-1'));
    });

    it('12.9: acknowledging a hidden operation’s alert is "no such alert", like an alert id that never existed', async () => {
      const { s, app, monitor, device, post, get } = t;
      for (const wire of [
        sighting('veh-bus-018', 'pt-ramouseh', 'checkpoint', 50, 50),
        sighting('veh-bus-018', 'pt-rashideen', 'checkpoint', 40, 100),
      ]) {
        assert.equal((await post('/api/ops/observations', monitor, device.submission(wire))).statusCode, 201);
      }
      const alerts = (await get(`/api/ops/operations/${SMALL_OP}/alerts`, t.coordinator)).json().alerts;
      const hidden = alerts.find((a: { kind: string }) => a.kind === 'people-unaccounted');
      assert.ok(hidden, JSON.stringify(alerts));
      const attacker = await loginAs(app, s.ctx, 'coordinator', [ALPHA]);
      const ack = (id: string) => post(`/api/ops/alerts/${id}/acknowledge`, attacker, {});
      const toHidden = await ack(hidden.id);
      const never = `alert-${'0'.repeat(20)}`;
      const toNone = await ack(never);
      assert.equal(toHidden.statusCode, 404);
      assert.equal(answer(toHidden.body, hidden.id), answer(toNone.body, never));
      assert.doesNotMatch(toHidden.body, new RegExp(SMALL_OP));
    });

    it('12.9: a client id used in another compartment is not "reused" (ids are per device key)', async () => {
      const { s, app, monitor, device, post } = t;
      const clientId = 'shared-client-id-1';
      const first = sighting('veh-car-101', 'pt-origin', 'departure', 5, 30, { clientId });
      assert.equal((await post('/api/ops/observations', monitor, device.submission(first))).statusCode, 201);
      const planner = await loginAs(app, s.ctx, 'coordinator', [ALPHA]);
      const plan = freshPlan(ALPHA);
      assert.equal((await post('/api/ops/operations', planner, plan)).statusCode, 201);
      const attacker = await loginAs(app, s.ctx, 'monitor', [ALPHA]);
      const phone = await deviceFor(s.ctx, attacker.userId);
      const wire = sighting(plan.vehicles[0]!.id, 'pt-origin', 'departure', 7, 31, {
        clientId,
        operationId: plan.operations[0]!.id,
      });
      const res = await post('/api/ops/observations', attacker, phone.submission(wire));
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().status, 'accepted');
    });

    it('12.10: the Markdown sitrep escapes every free-text field (name, mandate instrument, notes)', async () => {
      const { s, app, post, get } = t;
      const planner = await loginAs(app, s.ctx, 'coordinator', [ALPHA]);
      const plan = freshPlan(ALPHA);
      const op = plan.operations[0]!;
      const hostile = {
        ...plan,
        mandates: [
          {
            id: `m-${op.id}`,
            body: 'parties-agreement',
            instrument: '[click](javascript:alert(1)) <img src=x onerror=alert(1)>',
            date: '2016-12-18',
            textRef: 'x',
          },
        ],
        operations: [
          {
            ...op,
            name: '# Pwned\n<script>alert(1)</script> | **x** ![t](https://evil.example/t.png)',
            mandateIds: [`m-${op.id}`],
          },
        ],
      };
      const planned = await post('/api/ops/operations', planner, hostile);
      assert.equal(planned.statusCode, 201, planned.body);
      const md = (await get(`/api/ops/operations/${op.id}/sitrep`, planner)).body;
      const lines = md.split('\n');
      assert.deepEqual(
        lines.filter((l) => l.startsWith('#')).map((l) => l.replace(/ .*/, '')),
        ['#', '##', '##', '##', '##'],
        'only the report’s own headings',
      );
      // Every link, image, HTML or emphasis opener from the input is backslash-escaped
      // (CommonMark §2.4): with the escaped characters taken out, none of them is left.
      const bare = md.replace(/\\[!-/:-@[-`{-~]/g, '');
      for (const construct of [
        '[click](',
        '![t](',
        '<script>',
        '<img',
        '**x**',
        '# Pwned',
        'javascript:alert(',
      ]) {
        assert.ok(!bare.includes(construct), `${construct} survived:\n${md}`);
      }
      assert.match(md, /\\\[click\\\]\\\(javascript:alert\\\(1\\\)\\\)/);
      assert.match(md, /\\<script\\>alert\\\(1\\\)\\<\/script\\>/);
    });
  });
}
