/**
 * exercise-security.test.ts — an exercise replay's accounts are its own, see only the exercise,
 * sign with keys nobody can compute, and are closed when the exercise ends. The attack these pin:
 * a compartment admin elsewhere pre-created `exercise-monitor-01`, set its password, and was handed
 * `monitor` in the exercise's compartment by the replay (seeing the real operations there), while
 * the exercise devices' keys were sha256 of a public string. Both dialects, stepped clock.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loginAs, sessionHeaders, TEST_ACTOR } from '../../test/support/access.js';
import { runCli } from '../../test/support/cli.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { AccessError, EXERCISE_ACTOR, grantRole, hashPassword, issuePasswordLink } from '../access/index.js';
import { buildApp } from '../api/server.js';
import {
  deviceKeyFromSeed,
  planOperations,
  registerDeviceKey,
  signSignedText,
  wireSigningText,
} from '../ops/index.js';
import { generateAleppo2016 } from './aleppo-2016.js';
import {
  type ExerciseClock,
  ExerciseRefused,
  exerciseUsername,
  type PostObservation,
  type PreparedExercise,
  prepareExercise,
  runExercise,
} from './replay.js';

const scenario = generateAleppo2016({ sign: false });
const START = Date.parse('2030-03-01T08:00:00.000Z');
const small = { ...scenario, observations: scenario.observations.slice(0, 6) };

function steppedClock(s: TestStore, startMs: number): ExerciseClock {
  let now = startMs;
  s.setTime(new Date(now).toISOString());
  return {
    now: () => now,
    until: async (ms: number) => {
      if (ms > now) {
        now = ms;
        s.setTime(new Date(now).toISOString());
      }
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: exercise accounts are the replay's own, least privilege, closed at the end`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let clock: ExerciseClock;
    let post: PostObservation;
    let t = START;
    /** A fresh clock an hour after the last one (each exercise starts at its own now). */
    const nextClock = () => {
      t += 3_600_000;
      clock = steppedClock(s, t);
      return clock;
    };
    const prepare = (tag: string, compartment = 'exercise') =>
      prepareExercise(s.ctx, small, { speed: 60, tag, compartment, clock: nextClock() });
    const userRow = (username: string) =>
      s.ctx.db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirst();
    const grantsOfUser = (userId: string) =>
      s.ctx.db.selectFrom('access_grant').selectAll().where('user_id', '=', userId).execute();

    before(async () => {
      s = await openTestStore(dialect);
      app = await buildApp(s.ctx);
      post = async (token, body) => {
        const res = await app.inject({
          method: 'POST',
          url: '/api/ops/observations',
          headers: { authorization: `Bearer ${token}` },
          payload: body,
        });
        return { status: res.statusCode, body: res.body };
      };
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    it('refuses exercise names to an admin of another compartment (POST /api/admin/users)', async () => {
      const otherAdmin = await loginAs(app, s.ctx, 'admin', ['other']);
      for (const username of ['exercise-monitor-01', exerciseUsername('abc', 'monitor-01'), 'exercise-x1']) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/admin/users',
          headers: otherAdmin.headers,
          payload: { username, role: 'monitor', compartment: 'other' },
        });
        assert.equal(res.statusCode, 422, res.body);
        assert.equal(res.json().type, 'https://attest.example/problems/reserved-username');
        assert.equal(await userRow(username), undefined);
      }
    });

    it('never grants an account it did not make: a name already taken stops the replay', async () => {
      // An account holding the name the replay will use (made before the namespace was reserved),
      // with a password its maker knows and a grant elsewhere.
      const tag = 'tk1';
      const monitors = buildMonitors();
      const taken = exerciseUsername(tag, monitors.at(-1)!);
      const attackerId = randomUUID();
      await s.ctx.db
        .insertInto('app_user')
        .values({
          id: attackerId,
          username: taken,
          password_hash: await hashPassword('correct horse battery staple'),
          created_at: new Date(t).toISOString(),
          created_by: 'someone-else',
          disabled_at: null,
        })
        .execute();
      await s.ctx.db
        .insertInto('access_grant')
        .values({
          user_id: attackerId,
          role: 'monitor',
          compartment: 'other',
          created_at: new Date(t).toISOString(),
          created_by: 'someone-else',
        })
        .execute();
      const opsBefore = await s.ctx.db.selectFrom('operation').select('id').execute();
      await assert.rejects(prepare(tag), (err: Error) => {
        assert.ok(err instanceof ExerciseRefused, String(err));
        assert.match(err.message, new RegExp(`${taken} already exists`));
        return true;
      });
      assert.deepEqual(
        (await grantsOfUser(attackerId)).map((g) => g.compartment),
        ['other'],
        'the existing account got nothing',
      );
      // The accounts this run had made before it met the name are closed; nothing was planned.
      for (const m of monitors.slice(0, -1)) {
        const made = (await userRow(exerciseUsername(tag, m)))!;
        assert.notEqual(made.disabled_at, null, `${m} closed`);
        assert.deepEqual(await grantsOfUser(made.id), []);
      }
      assert.deepEqual(await s.ctx.db.selectFrom('operation').select('id').execute(), opsBefore);
    });

    it('gives an old-style exercise-monitor-NN account nothing, and its holder sees no exercise', async () => {
      const attackerId = randomUUID();
      await s.ctx.db
        .insertInto('app_user')
        .values({
          id: attackerId,
          username: 'exercise-monitor-01',
          password_hash: await hashPassword('correct horse battery staple'),
          created_at: new Date(t).toISOString(),
          created_by: 'someone-else',
          disabled_at: null,
        })
        .execute();
      const prepared = await prepare('tk2');
      assert.deepEqual(await grantsOfUser(attackerId), []);
      assert.ok([...prepared.accounts.values()].every((a) => a.userId !== attackerId));
      const res = await app.inject({
        method: 'GET',
        url: '/api/ops/operations',
        headers: await sessionHeaders(s.ctx, attackerId),
      });
      assert.notEqual(res.statusCode, 200, 'no ops permission anywhere');
      await runExercise(s.ctx, prepared, { clock, post });
    });

    it('runs only in a compartment with no real operation, and its monitors see only the exercise', async () => {
      const first = await prepare('tk3');
      await runExercise(s.ctx, first, { clock, post });
      const real = {
        ...structuredClone(first.exercise.plan.operations[1]!),
        id: `op-real-${dialect}`,
        name: 'A real operation',
        exercise: false,
        links: [],
        compartment: 'realwork',
      };
      await planOperations(
        s.ctx,
        { mandates: [], operations: [real], convoys: [], vehicles: [], manifests: [] },
        'test',
      );
      await assert.rejects(prepare('tk4', 'realwork'), /holds real operations/);
      await assert.rejects(prepare('tk5', '*'), ExerciseRefused);
      assert.equal(await userRow(exerciseUsername('tk4', buildMonitors()[0]!)), undefined, 'nothing made');
      const prepared = await prepare('tk6');
      const who = [...prepared.accounts.values()][0]!;
      const res = await app.inject({
        method: 'GET',
        url: '/api/ops/operations',
        headers: { authorization: `Bearer ${who.token}` },
      });
      assert.equal(res.statusCode, 200, res.body);
      const ops = res.json().operations as Array<{ id: string; exercise: boolean }>;
      assert.ok(ops.length > 0 && ops.every((o) => o.exercise), JSON.stringify(ops.map((o) => o.id)));
      assert.deepEqual(
        (await grantsOfUser(who.userId)).map((g) => [g.role, g.compartment, g.created_by]),
        [['monitor', 'exercise', EXERCISE_ACTOR]],
      );
      // Nobody grants it more or gives it a password.
      await assert.rejects(grantRole(s.ctx, who.userId, 'coordinator', 'exercise', TEST_ACTOR), {
        code: 'RESERVED_USERNAME',
      });
      await assert.rejects(issuePasswordLink(s.ctx, who.userId, TEST_ACTOR), (err: unknown) => {
        assert.ok(err instanceof AccessError && err.code === 'RESERVED_USERNAME');
        return true;
      });
      await runExercise(s.ctx, prepared, { clock, post });
    });

    it('refuses a signature made with the key derived from the public seed', async () => {
      const prepared = await prepare('tk7');
      const event = prepared.exercise.events.find((e) => e.type === 'observation')!;
      if (event.type !== 'observation') throw new Error('an observation first');
      await clock.until(event.atMs);
      const who = prepared.accounts.get(event.monitorId)!;
      const derived = deviceKeyFromSeed(
        createHash('sha256')
          .update(`attest-exercise:aleppo-2016:${scenario.seed}:${event.monitorId}`)
          .digest(),
      );
      assert.notEqual(who.key.publicKeyRawB64, derived.publicKeyRawB64);
      const forged = await post(who.token, {
        deviceKeyId: who.deviceKeyId,
        signature: signSignedText(wireSigningText(event.wire), derived),
        observation: event.wire,
      });
      assert.equal(forged.status, 422, forged.body);
      assert.equal(JSON.parse(forged.body).type, 'https://attest.example/problems/invalid-signature');
      // Two runs, two different keys for the same monitor.
      const again = await prepare('tk8');
      assert.notEqual(again.accounts.get(event.monitorId)!.key.publicKeyRawB64, who.key.publicKeyRawB64);
      await runExercise(s.ctx, prepared, { clock, post });
      await runExercise(s.ctx, again, { clock, post });
    });

    it('closes its accounts at the end: grants, tokens, sessions and device keys revoked, audited', async () => {
      const prepared = await prepare('tk9');
      const first = [...prepared.accounts.values()][0]!;
      const session = await sessionHeaders(s.ctx, first.userId);
      const progress = await runExercise(s.ctx, prepared, { clock, post });
      assert.deepEqual(progress.refusals, []);
      assert.ok(progress.accepted > 0);
      assert.equal(progress.ended.accounts, prepared.accounts.size);
      assert.equal(progress.ended.sessions, 1);
      await assertClosed(prepared);
      for (const headers of [{ authorization: `Bearer ${first.token}` }, session]) {
        const me = await app.inject({ method: 'GET', url: '/api/me', headers });
        assert.equal(me.statusCode, 401, me.body);
      }
      const ended = await post(first.token, {
        deviceKeyId: first.deviceKeyId,
        signature: 'x',
        observation: {},
      });
      assert.equal(ended.status, 401);
    });

    it('attest ops exercise-end closes a killed run and undoes older replays’ grants', async () => {
      const crashed = await prepare('tkx');
      // What a replay before the fix left: a grant and a device on an account it did not make.
      const victim = await loginAs(app, s.ctx, 'monitor', ['other']);
      await s.ctx.db
        .insertInto('access_grant')
        .values({
          user_id: victim.userId,
          role: 'monitor',
          compartment: 'exercise',
          created_at: new Date(t).toISOString(),
          created_by: EXERCISE_ACTOR,
        })
        .execute();
      const old = deviceKeyFromSeed(
        createHash('sha256').update('attest-exercise:aleppo-2016:2016:m').digest(),
      );
      const oldId = await registerDeviceKey(s.ctx, victim.userId, old.publicKeyRawB64, 'exercise device (m)');
      const own = deviceKeyFromSeed(createHash('sha256').update(randomUUID()).digest());
      const ownId = await registerDeviceKey(s.ctx, victim.userId, own.publicKeyRawB64, 'my phone');
      const env = {
        ATTEST_DATA: s.config.dataDir,
        DATABASE_URL: s.config.databaseUrl ?? '',
        ATTEST_QUIET: '1',
      };
      const out = await runCli(['ops', 'exercise-end'], env);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, new RegExp(`Closed ${crashed.accounts.size} exercise accounts`));
      assert.match(out.stdout, /1 grants given by older replays to other accounts revoked/);
      await assertClosed(crashed);
      assert.deepEqual(
        (await grantsOfUser(victim.userId)).map((g) => g.compartment),
        ['other'],
        'its own grant stays',
      );
      const keys = await s.ctx.db
        .selectFrom('device_key')
        .select(['id', 'revoked_at'])
        .where('user_id', '=', victim.userId)
        .execute();
      assert.notEqual(keys.find((k) => k.id === oldId)!.revoked_at, null);
      assert.equal(keys.find((k) => k.id === ownId)!.revoked_at, null, "the monitor's own phone stays");
      const again = await runCli(['ops', 'exercise-end'], env);
      assert.match(again.stdout, /Closed 0 exercise accounts/);
    });

    it('attest user add refuses an exercise name', async () => {
      const env = {
        ATTEST_DATA: s.config.dataDir,
        DATABASE_URL: s.config.databaseUrl ?? '',
        ATTEST_QUIET: '1',
      };
      const out = await runCli(
        ['user', 'add', 'exercise-monitor-03', '--role', 'monitor', '--compartment', 'other'],
        env,
      );
      assert.equal(out.code, 2, out.stderr);
      assert.match(out.stderr, /reserved for exercise replays/);
    });

    /** assertClosed checks every account of `prepared` is disabled with nothing left to use. */
    async function assertClosed(prepared: PreparedExercise) {
      for (const a of prepared.accounts.values()) {
        const row = (await userRow(a.username))!;
        assert.notEqual(row.disabled_at, null, `${a.username} disabled`);
        assert.equal(row.password_hash, null);
        assert.deepEqual(await grantsOfUser(a.userId), []);
        const tokens = await s.ctx.db
          .selectFrom('api_token')
          .select('revoked_at')
          .where('user_id', '=', a.userId)
          .execute();
        assert.ok(tokens.length > 0 && tokens.every((k) => k.revoked_at !== null));
        const devices = await s.ctx.db
          .selectFrom('device_key')
          .select('revoked_at')
          .where('user_id', '=', a.userId)
          .execute();
        assert.ok(devices.length > 0 && devices.every((d) => d.revoked_at !== null));
        const audit = await s.ctx.db
          .selectFrom('access_event')
          .select(['kind', 'outcome'])
          .where('target_id', '=', a.userId)
          .execute();
        assert.ok(
          audit.some((e) => e.kind === 'exercise-end'),
          JSON.stringify(audit),
        );
        assert.ok(audit.some((e) => e.kind === 'revoke-grant'));
        assert.ok(audit.some((e) => e.kind === 'user-disable'));
      }
    }
  });
}

/** buildMonitors lists the synthetic monitors of the small scenario, in the replay's order. */
function buildMonitors(): string[] {
  return [...new Set(small.observations.map((o) => o.monitorId))].sort();
}
