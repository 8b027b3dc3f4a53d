/**
 * exercise.test.ts — issue 13.8: a scenario played as an exercise. The pure mapping (ids, times,
 * speed, marking), then the replay into a deployment over its HTTP API on both databases with a
 * stepped clock (never a sleep): every observation accepted, status changes on time, and the
 * exercise marked in the API, the sitrep (JSON, Markdown, PDF name), the HXL, `ops list`, kept
 * out of the deployment's alert figures, and refused as evidence (photos).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loginAs, type TestCaller } from '../../test/support/access.js';
import { runCli } from '../../test/support/cli.js';
import { PNG_1PX } from '../../test/support/ops.js';
import { DIALECTS, openTestStore, type TestStore } from '../../test/support/stores.js';
import { buildApp } from '../api/server.js';
import { parseHxl } from '../lib/hxl.js';
import { alertCountsByKind, signSignedText, wireSigningText } from '../ops/index.js';
import { generateAleppo2016 } from './aleppo-2016.js';
import { buildExercise } from './exercise.js';
import { type ExerciseClock, type PostObservation, prepareExercise, runExercise } from './replay.js';

const scenario = generateAleppo2016({ sign: false });
const START = Date.parse('2030-03-01T08:00:00.000Z');
const FIRST_ACTIVE = Date.parse('2016-12-15T05:00:00.000Z');

describe('buildExercise', () => {
  const ex = buildExercise(scenario, { tag: 'abc', compartment: 'training', speed: 60, startMs: START });

  it('gives every operation, convoy, vehicle and observation its own id, marked exercise', () => {
    assert.deepEqual(
      ex.plan.operations.map((o) => [o.id, o.exercise, o.compartment]),
      [
        ['op-eastern-aleppo-xabc', true, 'training'],
        ['op-fuah-kafraya-xabc', true, 'training'],
      ],
    );
    assert.ok(ex.plan.operations.every((o) => o.name.startsWith('EXERCISE · ')));
    assert.ok(ex.plan.vehicles.every((v) => v.id.endsWith('-xabc') && v.operationId.endsWith('-xabc')));
    assert.ok(ex.plan.operations[0]!.links.every((l) => l.other.endsWith('-xabc')));
    const observations = ex.events.filter((e) => e.type === 'observation');
    assert.equal(observations.length, scenario.observations.length);
    assert.ok(
      observations.every((e) => e.wire.clientId.endsWith('-xabc') && e.wire.photoSha256 === undefined),
    );
  });

  it('maps scenario time onto the present at the speed given, durations included', () => {
    const first = scenario.observations.reduce((a, b) => (a.deviceTime < b.deviceTime ? a : b));
    const mapped = ex.events.find(
      (e) => e.type === 'observation' && e.wire.clientId === `${first.clientId}-xabc`,
    )!;
    assert.equal(mapped.atMs, START + (Date.parse(first.deviceTime) - FIRST_ACTIVE) / 60);
    assert.equal(
      mapped.type === 'observation' && mapped.wire.deviceTime,
      new Date(mapped.atMs).toISOString(),
    );
    const east = scenario.operations[0]!;
    assert.equal(
      ex.plan.operations[0]!.route[0]!.expectedMinutesToNext,
      Math.max(1, Math.round(east.route[0]!.expectedMinutesToNext! / 60)),
    );
    // The plan holds the history up to now (active at the start); later changes are scheduled.
    assert.deepEqual(ex.plan.operations[0]!.statusHistory.at(-1), {
      ...east.statusHistory.find((c) => c.status === 'active')!,
      at: new Date(START).toISOString(),
    });
    const statuses = ex.events.filter((e) => e.type === 'status');
    assert.ok(statuses.some((e) => e.status === 'completed'));
    assert.ok(
      ex.events.every((e, i) => i === 0 || ex.events[i - 1]!.atMs <= e.atMs),
      'in real-time order',
    );
    assert.ok(ex.endMs < START + (8 * 86_400_000) / 60);
  });

  it('refuses a speed, tag or start it cannot honour', () => {
    for (const bad of [{ speed: 0 }, { speed: 1001 }, { speed: Number.NaN }, { tag: 'A-B' }, { tag: '' }])
      assert.throws(
        () => buildExercise(scenario, { tag: 'abc', compartment: 'c', speed: 10, startMs: START, ...bad }),
        RangeError,
      );
  });
});

/** steppedClock jumps to each awaited instant at once, and keeps the store's clock with it. */
function steppedClock(s: TestStore, startMs: number): ExerciseClock & { steps: number } {
  let now = startMs;
  const clock = {
    steps: 0,
    now: () => now,
    until: async (ms: number) => {
      if (ms > now) {
        now = ms;
        clock.steps += 1;
        s.setTime(new Date(now).toISOString());
      }
    },
  };
  s.setTime(new Date(now).toISOString());
  return clock;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: attest ops replay (an exercise over the HTTP API)`, () => {
    let s: TestStore;
    let app: FastifyInstance;
    let coordinator: TestCaller;
    let eastId: string;
    let lastToken = '';
    let prepared: Awaited<ReturnType<typeof prepareExercise>>;
    let progress: Awaited<ReturnType<typeof runExercise>>;
    let clock: ReturnType<typeof steppedClock>;
    before(async () => {
      s = await openTestStore(dialect);
      app = await buildApp(s.ctx);
      clock = steppedClock(s, START);
      // The first morning of the record: enough to exercise every path without minutes of posts.
      const morning = {
        ...scenario,
        observations: scenario.observations.filter((o) => o.deviceTime < '2016-12-15T08:00'),
      };
      prepared = await prepareExercise(s.ctx, morning, {
        speed: 60,
        tag: 't1',
        compartment: 'training',
        clock,
      });
      eastId = prepared.exercise.plan.operations[0]!.id;
      const post: PostObservation = async (token, body) => {
        lastToken = token;
        const res = await app.inject({
          method: 'POST',
          url: '/api/ops/observations',
          headers: { authorization: `Bearer ${token}` },
          payload: body,
        });
        return { status: res.statusCode, body: res.body };
      };
      progress = await runExercise(s.ctx, prepared, { clock, post });
      coordinator = await loginAs(app, s.ctx, 'coordinator', ['training']);
    });
    after(async () => {
      await app.close();
      await s.close();
    });

    it('posts every observation, signed by the exercise devices, and each is accepted', () => {
      assert.ok(progress.posted > 100, `${progress.posted} posted`);
      assert.deepEqual(progress.refusals, []);
      assert.equal(progress.accepted, progress.posted);
      assert.ok(progress.statusChanges >= 3, 'suspended, resumed, completed: made when their time came');
      assert.ok(clock.steps > 10, 'the clock was stepped, never slept');
    });

    it('lists the exercise operations as exercises, with their totals', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/api/ops/operations',
        headers: coordinator.headers,
      });
      const ops = res.json().operations as Array<{
        id: string;
        exercise: boolean;
        name: string;
        totals: { people: number };
      }>;
      assert.deepEqual(
        ops.map((o) => [o.id, o.exercise]),
        prepared.exercise.plan.operations.map((o) => [o.id, true]),
      );
      assert.ok(ops[0]!.totals.people > 0, 'people arrived in the exercise');
      const view = await app.inject({
        method: 'GET',
        url: `/api/ops/operations/${eastId}`,
        headers: coordinator.headers,
      });
      assert.equal(view.json().operation.exercise, true);
    });

    it('assigns the route points to this run’s accounts, not to the scenario’s monitor ids', async () => {
      const view = await app.inject({
        method: 'GET',
        url: `/api/ops/operations/${eastId}`,
        headers: coordinator.headers,
      });
      const points = view.json().routePoints as Array<{ id: string; monitors: string[] }>;
      const east = scenario.operations[0]!;
      assert.deepEqual(
        points.map((p) => p.monitors),
        east.route.map((p) => (p.monitors ?? []).flatMap((m) => prepared.accounts.get(m)?.userId ?? [])),
      );
      const accounts = new Set([...prepared.accounts.values()].map((a) => a.userId));
      assert.ok(points.some((p) => p.monitors.length > 0));
      assert.ok(points.every((p) => p.monitors.every((m) => accounts.has(m))));
    });

    it('says EXERCISE in the sitrep (JSON, Markdown, file names) and in every HXL row', async () => {
      const get = (url: string) => app.inject({ method: 'GET', url, headers: coordinator.headers });
      const json = (await get(`/api/ops/operations/${eastId}/sitrep?format=json`)).json();
      assert.equal(json.exercise, true);
      assert.match(json.caveats[0], /^EXERCISE — NOT A REAL OPERATION/);
      const md = await get(`/api/ops/operations/${eastId}/sitrep`);
      assert.match(md.body, /^> \*\*EXERCISE — NOT A REAL OPERATION\*\*/);
      assert.match(md.headers['content-disposition'] as string, /filename="EXERCISE-sitrep-/);
      const hxl = await get(`/api/ops/operations/${eastId}/hxl`);
      assert.match(hxl.headers['content-disposition'] as string, /filename="EXERCISE-/);
      const table = parseHxl(hxl.body);
      const col = table.tags.indexOf('#meta+exercise');
      assert.ok(table.rows.length > 0 && table.rows.every((r) => r[col] === 'EXERCISE'));
    });

    it('keeps the exercise out of the deployment alert figures', async () => {
      const stored = await s.ctx.db.selectFrom('alert').select('kind').execute();
      const counted = Object.values(await alertCountsByKind(s.ctx)).reduce((a, b) => a + b, 0);
      assert.equal(counted, 0, `${stored.length} exercise alerts stored, none counted`);
    });

    it('keeps no evidence: a photo of an exercise observation is refused', async () => {
      // The first run has ended (its accounts are closed): a second one, stopped after this check.
      const clock2 = steppedClock(s, clock.now());
      const small = { ...scenario, observations: scenario.observations.slice(0, 3) };
      const p2 = await prepareExercise(s.ctx, small, {
        speed: 60,
        tag: 'tp',
        compartment: 'training',
        clock: clock2,
      });
      const event = p2.exercise.events.find((e) => e.type === 'observation')!;
      assert.equal(event.type, 'observation');
      if (event.type !== 'observation') return;
      await clock2.until(event.atMs);
      const sha = createHash('sha256').update(PNG_1PX).digest('hex');
      const wire = { ...event.wire, clientId: `${event.wire.clientId}-photo`, photoSha256: [sha] };
      const who = p2.accounts.get(event.monitorId)!;
      const signature = signSignedText(wireSigningText(wire), who.key);
      const headers = { authorization: `Bearer ${who.token}` };
      const posted = await app.inject({
        method: 'POST',
        url: '/api/ops/observations',
        headers,
        payload: { deviceKeyId: who.deviceKeyId, signature, observation: wire },
      });
      assert.equal(posted.statusCode, 201, posted.body);
      const put = await app.inject({
        method: 'PUT',
        url: `/api/ops/observations/${wire.clientId}/photos/${sha}`,
        headers: { ...headers, 'content-type': 'image/png' },
        payload: PNG_1PX,
      });
      assert.equal(put.statusCode, 409, put.body);
      assert.equal(put.json().type, 'https://attest.example/problems/conflict');
      assert.equal((await s.ctx.db.selectFrom('item').select('id').execute()).length, 0);
      assert.ok(lastToken.startsWith('att_'));
      const stopped = new AbortController();
      stopped.abort();
      const end = await runExercise(s.ctx, p2, {
        clock: clock2,
        post: async () => ({ status: 500, body: '' }),
        signal: stopped.signal,
      });
      assert.equal(end.posted, 0);
      assert.equal(end.ended.accounts, p2.accounts.size, 'a stopped exercise closes its accounts too');
    });

    it('attest ops list marks the exercise', async () => {
      const env = {
        ATTEST_DATA: s.config.dataDir,
        DATABASE_URL: s.config.databaseUrl ?? '',
        ATTEST_QUIET: '1',
      };
      const out = await runCli(['ops', 'list'], env);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, new RegExp(`${eastId} .*EXERCISE: EXERCISE · Evacuation`));
    });

    it('refuses to link an exercise to a real operation', async () => {
      const plan = structuredClone(prepared.exercise.plan);
      const real = { ...plan.operations[1]!, id: 'op-real', exercise: false, links: [] };
      const exercise = {
        ...plan.operations[0]!,
        id: 'op-ex-2',
        links: [{ kind: 'reciprocal' as const, other: 'op-real' }],
      };
      const res = await app.inject({
        method: 'POST',
        url: '/api/ops/operations',
        headers: coordinator.headers,
        payload: { mandates: [], operations: [real, exercise], convoys: [], vehicles: [], manifests: [] },
      });
      assert.equal(res.statusCode, 422, res.body);
      assert.match(res.json().detail, /links an exercise and a real operation/);
    });
  });
}

describe('attest demo --live and attest ops replay: bad arguments', () => {
  const env = { ATTEST_DATA: '/nonexistent/attest-exercise-test', ATTEST_QUIET: '1', DATABASE_URL: '' };
  for (const [args, message] of [
    [['demo', 'aleppo-2016', '--live', '--no-serve'], /--live needs the server/],
    [['demo', 'aleppo-2016', '--speed', '0'], /--speed must be a number from 1 to 1000/],
    [['demo', 'aleppo-2016', '--port', '70000'], /--port must be 0–65535/],
    [['ops', 'replay', 'homs-2014'], /unknown scenario homs-2014/],
    [['ops', 'replay', 'aleppo-2016', '--speed', 'fast'], /--speed must be a number/],
    [['ops', 'replay', 'aleppo-2016', '--url', 'not a url'], /--url must be a URL/],
  ] as const) {
    it(`refuses ${args.join(' ')} (usage, exit 2) before touching any store`, async () => {
      const out = await runCli([...args], env);
      assert.equal(out.code, 2, out.stderr);
      assert.match(out.stderr, message);
    });
  }
});
