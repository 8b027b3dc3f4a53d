/**
 * replay.ts — plays an exercise (exercise.ts) into a running deployment: `attest ops replay
 * aleppo-2016 --speed N` and `attest demo aleppo-2016 --live`. With the deployment's own access
 * (the store, as every `attest ops` command) it plans the exercise operations and makes one monitor
 * account per synthetic monitor (`exercise-monitor-NN`, role monitor in the exercise's compartment,
 * no password: it cannot sign in), registers that monitor's exercise device key and issues it a
 * short-lived API token. Then, on its clock, it posts each observation over the deployment's HTTP
 * API (`POST /api/ops/observations`, signed by the monitor's device, exactly as a phone sends it)
 * and makes each status change when its time comes. The clock and the poster are injected: tests
 * step the clock and post with `app.inject`, never sleep.
 */
import { createApiToken, createUser, findUserId, grantRole } from '../access/index.js';
import type { Ctx } from '../ctx.js';
import {
  changeStatus,
  opsEngine,
  planOperations,
  registerDeviceKey,
  signSignedText,
  wireSigningText,
} from '../ops/index.js';
import type { Aleppo2016Scenario } from './aleppo-2016.js';
import { buildExercise, type Exercise, type ExerciseOptions, exerciseDeviceKey } from './exercise.js';

/** ExerciseClock is the real clock (or a test's stepped one): `until` resolves once `now() ≥ ms`. */
export interface ExerciseClock {
  now(): number;
  until(ms: number, signal?: AbortSignal): Promise<void>;
}

/** realClock waits with timers (one at a time, at most a minute each, so a stop is prompt). */
export const realClock: ExerciseClock = {
  now: () => Date.now(),
  until: async (ms, signal) => {
    while (Date.now() < ms && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(ms - Date.now(), 60_000));
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  },
};

/** PostObservation sends one signed observation with a bearer token; it returns the HTTP status. */
export type PostObservation = (
  token: string,
  body: { deviceKeyId: string; signature: string; observation: unknown },
) => Promise<{ status: number; body: string }>;

/** httpPoster posts to a deployment at `baseUrl` (e.g. http://127.0.0.1:8080) with fetch. */
export function httpPoster(baseUrl: string): PostObservation {
  const url = new URL('/api/ops/observations', baseUrl).toString();
  return async (token, body) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.text() };
  };
}

/** ReplayProgress counts what the deployment answered so far. */
export interface ReplayProgress {
  posted: number;
  accepted: number;
  duplicate: number;
  held: number;
  refused: number;
  statusChanges: number;
  /** The first refusals (status and problem body), to show what went wrong. */
  readonly refusals: Array<{ clientId: string; status: number; body: string }>;
}

export interface ReplayOptions extends Omit<ExerciseOptions, 'startMs'> {
  readonly seed: number;
  readonly clock: ExerciseClock;
  readonly post: PostObservation;
  readonly signal?: AbortSignal;
  /** Called after each event, with the event's real time. */
  readonly onProgress?: (progress: ReplayProgress, atMs: number, exercise: Exercise) => void;
}

const ACTOR = { actorId: 'exercise-replay' } as const;
const MAX_REFUSALS_KEPT = 20;
const DAY = 86_400_000;

/**
 * prepareExercise plans the exercise of `scenario` starting now (the clock's) and sets up its
 * monitors: accounts, device keys and API tokens valid for the exercise's length and a day.
 */
export async function prepareExercise(
  ctx: Ctx,
  scenario: Aleppo2016Scenario,
  options: Omit<ReplayOptions, 'post'>,
): Promise<{ exercise: Exercise; tokens: Map<string, { token: string; deviceKeyId: string }> }> {
  const exercise = buildExercise(scenario, { ...options, startMs: options.clock.now() });
  // The exercise cites the scenario's mandates: those the deployment does not hold yet are planned too.
  const held = new Set(await opsEngine(ctx).read((_, registry) => registry.mandates.map((m) => m.id)));
  await planOperations(
    ctx,
    { ...exercise.plan, mandates: scenario.mandates.filter((m) => !held.has(m.id)) },
    ACTOR.actorId,
  );
  const days = Math.min(30, Math.max(1, Math.ceil((exercise.endMs - options.clock.now()) / DAY) + 1));
  const tokens = new Map<string, { token: string; deviceKeyId: string }>();
  for (const monitorId of exercise.monitors) {
    const username = `exercise-${monitorId}`;
    let userId = await findUserId(ctx, username);
    if (userId === undefined) {
      const created = await createUser(
        ctx,
        { username, role: 'monitor', compartment: options.compartment },
        ACTOR,
      );
      userId = created.user.id;
    } else {
      await grantRole(ctx, userId, 'monitor', options.compartment, ACTOR);
    }
    const key = exerciseDeviceKey(options.seed, monitorId);
    const deviceKeyId = await registerDeviceKey(
      ctx,
      userId,
      key.publicKeyRawB64,
      `exercise device (${monitorId})`,
    );
    const { token } = await createApiToken(ctx, userId, {
      name: `exercise ${options.tag}`,
      role: 'monitor',
      compartments: [options.compartment],
      expiresInDays: days,
    });
    tokens.set(monitorId, { token, deviceKeyId });
  }
  return { exercise, tokens };
}

/**
 * runExercise plays a prepared exercise: waits for each event's time on the clock, then posts the
 * observation (signed by its monitor's exercise device) or makes the status change. It stops early
 * when `signal` aborts, and returns what the deployment answered.
 */
export async function runExercise(
  ctx: Ctx,
  prepared: Awaited<ReturnType<typeof prepareExercise>>,
  options: Pick<ReplayOptions, 'seed' | 'clock' | 'post' | 'signal' | 'onProgress'>,
): Promise<ReplayProgress> {
  const { exercise, tokens } = prepared;
  const keys = new Map(exercise.monitors.map((m) => [m, exerciseDeviceKey(options.seed, m)] as const));
  const progress: ReplayProgress = {
    posted: 0,
    accepted: 0,
    duplicate: 0,
    held: 0,
    refused: 0,
    statusChanges: 0,
    refusals: [],
  };
  for (const event of exercise.events) {
    if (options.signal?.aborted) break;
    await options.clock.until(event.atMs, options.signal);
    if (options.signal?.aborted) break;
    if (event.type === 'status') {
      await changeStatus(
        ctx,
        event.operationId,
        { status: event.status, reason: event.reason, at: new Date(event.atMs).toISOString() },
        ACTOR.actorId,
      );
      progress.statusChanges += 1;
    } else {
      const who = tokens.get(event.monitorId)!;
      const signature = signSignedText(wireSigningText(event.wire), keys.get(event.monitorId)!);
      const res = await options.post(who.token, {
        deviceKeyId: who.deviceKeyId,
        signature,
        observation: event.wire,
      });
      progress.posted += 1;
      if (res.status === 201) progress.accepted += 1;
      else if (res.status === 200) progress.duplicate += 1;
      else if (res.status === 202) progress.held += 1;
      else {
        progress.refused += 1;
        if (progress.refusals.length < MAX_REFUSALS_KEPT)
          progress.refusals.push({
            clientId: event.wire.clientId,
            status: res.status,
            body: res.body.slice(0, 300),
          });
      }
    }
    options.onProgress?.(progress, event.atMs, exercise);
  }
  return progress;
}
