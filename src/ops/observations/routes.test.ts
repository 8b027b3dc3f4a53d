/**
 * routes.test.ts — the monitor's routes on both databases: signed observations (accepted,
 * duplicate, forged, altered, re-used client id), device keys, photos, and bad input answered with
 * problem+json and nothing stored.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { loginAs, type TestCaller } from '../../../test/support/access.js';
import { deviceFor, PNG_1PX, SMALL_OP, sighting } from '../../../test/support/ops.js';
import { OPS_COMPARTMENT as COMPARTMENT, opsApp } from '../../../test/support/ops-http.js';
import { DIALECTS } from '../../../test/support/stores.js';
import { addContent } from '../../vault/index.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: observations over HTTP`, () => {
    const t = opsApp(dialect);

    it('accepts a signed observation once, logs it in custody, and answers a re-send as a duplicate', async () => {
      const { s, monitor, device, post } = t;
      const before = await t.counts();
      const body = device.submission(sighting('veh-bus-017', 'pt-origin', 'departure', 50, 0));
      const first = await post('/api/ops/observations', monitor, body);
      assert.equal(first.statusCode, 201, first.body);
      assert.equal(first.json().status, 'accepted');
      const again = await post('/api/ops/observations', monitor, body);
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json().status, 'duplicate');
      assert.equal(again.json().seq, first.json().seq);
      const afterCounts = await t.counts();
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
      const { s, monitor, device, post } = t;
      const before = await t.counts();
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
      assert.deepEqual(await t.counts(), before);
      const audited = await s.ctx.db
        .selectFrom('access_event')
        .selectAll()
        .where('kind', '=', 'signature-rejected')
        .execute();
      assert.equal(audited.length, 3);
      assert.equal(audited[0]!.target_id, device.deviceKeyId);
    });

    it('lists and revokes your own device keys; a revoked key signs no more', async () => {
      const { s, app, monitor, device, post, get } = t;
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
      const { s, app, device, post } = t;
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
      const { app, monitor, device, post } = t;
      const before = await t.counts();
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
      assert.deepEqual(await t.counts(), before);
    });

    it('stores a photo whose SHA-256 the observation signed, as evidence in the operation compartment', async () => {
      const { s, app, monitor, device, post } = t;
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
      // Issue 17: titled by vehicle, point and time, not by the observation's UUID.
      assert.match(
        item.title,
        /^Photo of [A-Z]+-[A-Z0-9-]+ at .+, \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/,
        item.title,
      );
      assert.ok(!item.title.includes(wire.clientId), `title ${item.title}: want no client id`);
    });

    it('records a photo whose bytes a hidden witness item holds as a new item, with the reply of new bytes (issue 12.1)', async () => {
      const { s, app, monitor, device, post } = t;
      const photo = Buffer.concat([PNG_1PX, Buffer.from('issue 12.1: held in witness')]);
      const fresh = Buffer.concat([PNG_1PX, Buffer.from('issue 12.1: new bytes')]);
      const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      const held = await addContent(s.ctx, Readable.from([photo]), {
        originalName: 'witness-photo.png',
        title: 'protected witness photo',
        provenance: { source: 'witness interview', collectedAt: '2016-12-14', collectedBy: 'investigator-w' },
        compartment: 'witness',
        actor: 'test',
      });
      const wire = sighting('veh-car-101', 'pt-origin', 'departure', 2, 3, {
        photoSha256: [hash(photo), hash(fresh)],
      });
      assert.equal((await post('/api/ops/observations', monitor, device.submission(wire))).statusCode, 201);
      const put = (body: Buffer) =>
        app.inject({
          method: 'PUT',
          url: `/api/ops/observations/${wire.clientId}/photos/${hash(body)}`,
          headers: { ...monitor.headers, 'content-type': 'image/png' },
          payload: body,
        });
      const res = await put(photo);
      const control = await put(fresh);
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.statusCode, control.statusCode);
      assert.deepEqual(Object.keys(res.json()).sort(), Object.keys(control.json()).sort());
      assert.equal(res.json().status, 'added');
      assert.notEqual(res.json().ern, held.item.ern, 'never the witness ERN');
      const item = await s.ctx.db
        .selectFrom('item')
        .selectAll()
        .where('ern', '=', res.json().ern)
        .executeTakeFirstOrThrow();
      assert.equal(item.compartment, COMPARTMENT);
      assert.equal(item.blob_sha256, held.item.sha256, 'the same blob');
      assert.match(item.source, new RegExp(wire.clientId), 'its own provenance');
      const again = await put(photo);
      assert.equal(again.statusCode, 200, 'a re-send is a duplicate of the monitor’s own item');
      assert.equal(again.json().ern, res.json().ern);
    });

    it('keeps both bodies of a conflict, holds them, raises conflicting-reports, audits it; a coordinator chooses (issue 13.1)', async () => {
      const { s, monitor, coordinator, device, post, get } = t;
      const wire = sighting('veh-car-102', 'pt-origin', 'departure', 5, 12);
      assert.equal((await post('/api/ops/observations', monitor, device.submission(wire))).statusCode, 201);
      const entriesBefore = (await t.counts()).entries;
      const res = await post('/api/ops/observations', monitor, device.submission({ ...wire, headcount: 6 }));
      assert.equal(res.statusCode, 202, res.body);
      assert.equal(res.json().status, 'held');
      assert.equal((await t.counts()).entries, entriesBefore + 1, 'the second body is in the custody log');
      const rows = await s.ctx.db
        .selectFrom('observation')
        .select(['status', 'body_sha256', 'headcount'])
        .where('client_id', '=', wire.clientId)
        .execute();
      assert.deepEqual(rows.map((r) => r.status).sort(), ['held', 'held']);
      const audit = await s.ctx.db
        .selectFrom('access_event')
        .selectAll()
        .where('kind', '=', 'observation-conflict')
        .execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.target_id, device.deviceKeyId);
      const alerts = (await get(`/api/ops/operations/${SMALL_OP}/alerts`, coordinator)).json().alerts;
      const conflict = alerts.find((a: { kind: string }) => a.kind === 'conflicting-reports');
      assert.ok(conflict, JSON.stringify(alerts.map((a: { kind: string }) => a.kind)));
      assert.equal(conflict.evidence.figures.bodies, 2);
      // A re-send of either body is a duplicate, not a third body.
      assert.equal((await post('/api/ops/observations', monitor, device.submission(wire))).statusCode, 200);
      const six = rows.find((r) => Number(r.headcount) === 6)!.body_sha256;
      // The coordinator's list: both bodies side by side, the device, each signature checked.
      const conflictsUrl = `/api/ops/operations/${SMALL_OP}/observation-conflicts`;
      const listed = await get(conflictsUrl, coordinator);
      assert.equal(listed.statusCode, 200, listed.body);
      const [open1, ...others] = listed.json().conflicts;
      assert.equal(others.length, 0, listed.body);
      assert.equal(open1.state, 'open');
      assert.equal(open1.clientId, wire.clientId);
      assert.equal(open1.deviceKeyId, device.deviceKeyId);
      assert.deepEqual(open1.device, { label: 'test phone', revokedAt: null });
      assert.equal(open1.monitorName, monitor.username);
      assert.equal(open1.resolution, null);
      assert.deepEqual(
        open1.bodies.map((b: { headcount: number; status: string; signatureValid: boolean }) => [
          b.headcount,
          b.status,
          b.signatureValid,
        ]),
        [
          [5, 'held', true],
          [6, 'held', true],
        ],
      );
      assert.deepEqual(open1.bodies[0].vehicles, [{ id: 'veh-car-102', marking: 'ALP-102' }]);
      assert.equal((await get(`${conflictsUrl}?state=resolved`, coordinator)).json().conflicts.length, 0);
      assert.equal((await get(`${conflictsUrl}?state=maybe`, coordinator)).statusCode, 400);
      assert.equal((await get(conflictsUrl, monitor)).statusCode, 403, 'a monitor does not choose');
      const elsewhere = await loginAs(t.app, s.ctx, 'coordinator', ['elsewhere']);
      const hidden = await get(conflictsUrl, elsewhere);
      assert.equal(hidden.statusCode, 404, 'outside the compartment: no such operation');
      assert.doesNotMatch(hidden.body, new RegExp(wire.clientId));
      // A stored signature that no longer verifies is shown as such (the bytes are checked, not trusted).
      const five = rows.find((r) => Number(r.headcount) === 5)!.body_sha256;
      const stored = await s.ctx.db
        .selectFrom('observation')
        .select('signature')
        .where('body_sha256', '=', five)
        .executeTakeFirstOrThrow();
      const flipped = `${stored.signature.startsWith('A') ? 'B' : 'A'}${stored.signature.slice(1)}`;
      await s.ctx.db
        .updateTable('observation')
        .set({ signature: flipped })
        .where('body_sha256', '=', five)
        .execute();
      const checked = (await get(conflictsUrl, coordinator)).json().conflicts[0].bodies;
      assert.deepEqual(
        checked.map((b: { signatureValid: boolean }) => b.signatureValid),
        [false, true],
      );
      await s.ctx.db
        .updateTable('observation')
        .set({ signature: stored.signature })
        .where('body_sha256', '=', five)
        .execute();
      const choose = (caller: typeof coordinator, body: object) =>
        post('/api/ops/observation-conflicts/resolve', caller, body);
      const choice = {
        deviceKeyId: device.deviceKeyId,
        clientId: wire.clientId,
        chosenSha256: six,
        reason: 'the monitor corrected the count on the phone',
      };
      assert.equal((await choose(monitor, choice)).statusCode, 403);
      const outsider = await loginAs(t.app, s.ctx, 'coordinator', ['elsewhere']);
      assert.equal(
        (await choose(outsider, choice)).statusCode,
        404,
        'outside the compartment: no such conflict',
      );
      assert.equal((await choose(coordinator, { ...choice, chosenSha256: 'f'.repeat(64) })).statusCode, 400);
      const ok = await choose(coordinator, choice);
      assert.equal(ok.statusCode, 200, ok.body);
      const after = await s.ctx.db
        .selectFrom('observation')
        .select(['status', 'headcount'])
        .where('client_id', '=', wire.clientId)
        .execute();
      assert.deepEqual(after.map((r) => [Number(r.headcount), r.status]).sort(), [
        [5, 'set-aside'],
        [6, 'chosen'],
      ]);
      const resolved = await s.ctx.db
        .selectFrom('observation_conflict')
        .selectAll()
        .executeTakeFirstOrThrow();
      assert.equal(resolved.resolved_by, coordinator.userId);
      assert.equal(resolved.reason, choice.reason);
      assert.equal((await get(conflictsUrl, coordinator)).json().conflicts.length, 0, 'none open');
      const decided = (await get(`${conflictsUrl}?state=resolved`, coordinator)).json().conflicts;
      assert.equal(decided.length, 1);
      assert.deepEqual(
        decided[0].bodies.map((b: { headcount: number; status: string }) => [b.headcount, b.status]),
        [
          [5, 'set-aside'],
          [6, 'chosen'],
        ],
      );
      assert.equal(decided[0].resolution.chosenSha256, six);
      assert.equal(decided[0].resolution.reason, choice.reason);
      assert.equal(decided[0].resolution.resolvedByName, coordinator.username);
      // A second decision on a decided conflict is refused unless it says it replaces the first.
      const again = await choose(coordinator, { ...choice, chosenSha256: five, reason: 'the first count' });
      assert.equal(again.statusCode, 409, again.body);
      assert.equal(again.json().type, 'https://attest.example/problems/conflict');
      const still = (await get(`${conflictsUrl}?state=resolved`, coordinator)).json().conflicts[0];
      assert.equal(still.resolution.chosenSha256, six, 'the refused decision changed nothing');
      const replaced = await choose(coordinator, {
        ...choice,
        chosenSha256: five,
        reason: 'the first count, after a call',
        replace: true,
      });
      assert.equal(replaced.statusCode, 200, replaced.body);
      const now = (await get(`${conflictsUrl}?state=resolved`, coordinator)).json().conflicts[0];
      assert.equal(now.resolution.chosenSha256, five);
      assert.deepEqual(
        now.bodies.map((b: { status: string }) => b.status),
        ['chosen', 'set-aside'],
      );
      const open = (await get(`/api/ops/operations/${SMALL_OP}/alerts?state=open`, coordinator)).json()
        .alerts;
      assert.ok(
        !open.some((a: { kind: string }) => a.kind === 'conflicting-reports'),
        'the alert is cleared',
      );
    });

    it('lets another device use the same client id without silencing the first (issue 13.1)', async () => {
      const { s, monitor, device, post } = t;
      const other = await deviceFor(s.ctx, monitor.userId);
      const wire = sighting('veh-bus-018', 'pt-origin', 'departure', 30, 20, {
        clientId: 'shared-client-id',
      });
      assert.equal((await post('/api/ops/observations', monitor, device.submission(wire))).statusCode, 201);
      const second = await post(
        '/api/ops/observations',
        monitor,
        other.submission({ ...wire, headcount: 31 }),
      );
      assert.equal(second.statusCode, 201, second.body);
      const rows = await s.ctx.db
        .selectFrom('observation')
        .select(['status'])
        .where('client_id', '=', 'shared-client-id')
        .execute();
      assert.deepEqual(
        rows.map((r) => r.status),
        ['accepted', 'accepted'],
      );
    });

    it('audits the use of a revoked device key (issue 13.9, 12.17)', async () => {
      const { s, app, monitor, post } = t;
      const lost = await deviceFor(s.ctx, monitor.userId);
      await app.inject({
        method: 'DELETE',
        url: `/api/ops/devices/${lost.deviceKeyId}`,
        headers: monitor.headers,
      });
      const res = await post(
        '/api/ops/observations',
        monitor,
        lost.submission(sighting('veh-bus-018', 'pt-origin', 'departure', 30, 21)),
      );
      assert.equal(res.json().type, 'https://attest.example/problems/unknown-device-key');
      const audit = await s.ctx.db
        .selectFrom('access_event')
        .selectAll()
        .where('kind', '=', 'device-key-revoked')
        .where('target_id', '=', lost.deviceKeyId)
        .execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.target_id, lost.deviceKeyId);
      assert.equal(audit[0]!.actor_id, monitor.userId);
    });

    it("puts revoked-key use and conflicts in the audit of the operation's compartment (issue 12.17 with 12.4)", async () => {
      const { s, app, monitor, post, get } = t;
      const lost = await deviceFor(s.ctx, monitor.userId);
      await app.inject({
        method: 'DELETE',
        url: `/api/ops/devices/${lost.deviceKeyId}`,
        headers: monitor.headers,
      });
      const refused = await post(
        '/api/ops/observations',
        monitor,
        lost.submission(sighting('veh-bus-018', 'pt-origin', 'departure', 30, 22)),
      );
      assert.equal(refused.statusCode, 422);
      const phone = await deviceFor(s.ctx, monitor.userId);
      const wire = sighting('veh-car-102', 'pt-origin', 'departure', 3, 23);
      assert.equal((await post('/api/ops/observations', monitor, phone.submission(wire))).statusCode, 201);
      const conflicting = await post(
        '/api/ops/observations',
        monitor,
        phone.submission({ ...wire, headcount: 4 }),
      );
      assert.equal(conflicting.statusCode, 202, conflicting.body);
      const read = async (kind: string, compartment: string) => {
        const auditor = await loginAs(app, s.ctx, 'auditor', [compartment]);
        const res = await get(`/api/audit?kind=${kind}&limit=1000`, auditor);
        assert.equal(res.statusCode, 200, res.body);
        return res.json().events as Array<{ target_id: string; compartment: string | null }>;
      };
      const revoked = await read('device-key-revoked', COMPARTMENT);
      assert.ok(revoked.some((e) => e.target_id === lost.deviceKeyId && e.compartment === COMPARTMENT));
      const conflict = await read('observation-conflict', COMPARTMENT);
      assert.ok(conflict.some((e) => e.target_id === phone.deviceKeyId && e.compartment === COMPARTMENT));
      assert.deepEqual(
        await read('device-key-revoked', 'elsewhere'),
        [],
        "another compartment's auditor sees none",
      );
      assert.deepEqual(await read('observation-conflict', 'elsewhere'), []);
    });
  });
}
