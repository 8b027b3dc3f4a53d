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
import {
  AccessError,
  createApiToken,
  createExerciseUser,
  EXERCISE_ACTOR,
  EXERCISE_USERNAME_PREFIX,
} from '../access/index.js';
import type { Ctx } from '../ctx.js';
import {
  changeStatus,
  type DeviceKey,
  opsEngine,
  planOperations,
  registerDeviceKey,
  signSignedText,
  wireSigningText,
} from '../ops/index.js';
import type { Aleppo2016Scenario } from './aleppo-2016.js';
import { buildExercise, type Exercise, type ExerciseOptions, newExerciseDeviceKey } from './exercise.js';
import { type ExerciseEnded, endExercise } from './exercise-end.js';

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
  readonly clock: ExerciseClock;
  readonly post: PostObservation;
  readonly signal?: AbortSignal;
  /** Called after each event, with the event's real time. */
  readonly onProgress?: (progress: ReplayProgress, atMs: number, exercise: Exercise) => void;
}

const ACTOR = { actorId: EXERCISE_ACTOR } as const;
const MAX_REFUSALS_KEPT = 20;
const DAY = 86_400_000;

/** The default compartment of an exercise: one of its own, apart from every real operation. */
export const EXERCISE_COMPARTMENT = 'exercise';

/** ExerciseRefused says why a replay will not start (the CLI prints it); nothing was made. */
export class ExerciseRefused extends Error {}

/** ExerciseAccount is one synthetic monitor's account, made by this run, with its device and token. */
export interface ExerciseAccount {
  readonly userId: string;
  readonly username: string;
  readonly token: string;
  readonly deviceKeyId: string;
  /** The device's private key: random for this run, held only here (never stored). */
  readonly key: DeviceKey;
}

/** PreparedExercise is a planned exercise and the accounts this run made for it. */
export interface PreparedExercise {
  readonly exercise: Exercise;
  readonly compartment: string;
  /** By synthetic monitor id. */
  readonly accounts: ReadonlyMap<string, ExerciseAccount>;
}

/** exerciseUsername is the account name of `monitorId` in run `tag` (reserved namespace). */
export const exerciseUsername = (tag: string, monitorId: string) =>
  `${EXERCISE_USERNAME_PREFIX}${tag}-${monitorId}`;

/**
 * checkExerciseCompartment refuses a compartment that holds a real operation (or `*`): the
 * exercise's monitors get `monitor` there, and must see the exercise and nothing else.
 */
async function checkExerciseCompartment(ctx: Ctx, compartment: string): Promise<void> {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(compartment))
    throw new ExerciseRefused(`${compartment} is not a compartment name (and an exercise never runs in *)`);
  const real = await ctx.db
    .selectFrom('operation')
    .select('id')
    .where('compartment', '=', compartment)
    .where('exercise', '=', 0)
    .limit(1)
    .executeTakeFirst();
  if (real)
    throw new ExerciseRefused(
      `compartment ${compartment} holds real operations; an exercise runs in a compartment of its own ` +
        '(its monitors see everything there): choose another with --compartment',
    );
}

/**
 * prepareExercise plans the exercise of `scenario` starting now (the clock's) in a compartment
 * that holds no real operation, and makes its monitors: one new account per synthetic monitor
 * (reserved name, made now — an existing account is never reused), a random device key and an API
 * token valid for the exercise's length and a day. If any step fails, what it made is ended.
 */
export async function prepareExercise(
  ctx: Ctx,
  scenario: Aleppo2016Scenario,
  options: Omit<ReplayOptions, 'post'>,
): Promise<PreparedExercise> {
  const exercise = buildExercise(scenario, { ...options, startMs: options.clock.now() });
  const { compartment } = options;
  await checkExerciseCompartment(ctx, compartment);
  const days = Math.min(30, Math.max(1, Math.ceil((exercise.endMs - options.clock.now()) / DAY) + 1));
  // Accounts first: a name already taken stops the run before anything is planned.
  const accounts = new Map<string, ExerciseAccount>();
  const prepared: PreparedExercise = { exercise, compartment, accounts };
  try {
    for (const monitorId of exercise.monitors) {
      const username = exerciseUsername(options.tag, monitorId);
      let user: Awaited<ReturnType<typeof createExerciseUser>>;
      try {
        user = await createExerciseUser(ctx, { username, compartment }, ACTOR);
      } catch (err) {
        if (err instanceof AccessError && err.code === 'USER_EXISTS')
          throw new ExerciseRefused(
            `an account ${username} already exists; a replay uses only accounts it makes itself (run it again for a new tag)`,
          );
        throw err;
      }
      const key = newExerciseDeviceKey();
      const deviceKeyId = await registerDeviceKey(
        ctx,
        user.id,
        key.publicKeyRawB64,
        `exercise device (${monitorId})`,
      );
      const { token } = await createApiToken(ctx, user.id, {
        name: `exercise ${options.tag}`,
        role: 'monitor',
        compartments: [compartment],
        expiresInDays: days,
      });
      accounts.set(monitorId, { userId: user.id, username, token, deviceKeyId, key });
    }
    // The exercise cites the scenario's mandates: those the deployment does not hold yet are planned too.
    const held = new Set(await opsEngine(ctx).read((_, registry) => registry.mandates.map((m) => m.id)));
    // The plan assigns the scenario's monitors to route points: in the exercise they are this run's
    // accounts (a monitor with no account has nothing to send, and is not assigned).
    const operations = exercise.plan.operations.map((op) => ({
      ...op,
      route: op.route.map((p) =>
        p.monitors === undefined
          ? p
          : { ...p, monitors: p.monitors.flatMap((m) => accounts.get(m)?.userId ?? []) },
      ),
    }));
    await planOperations(
      ctx,
      { ...exercise.plan, operations, mandates: scenario.mandates.filter((m) => !held.has(m.id)) },
      ACTOR.actorId,
    );
  } catch (err) {
    await endExercise(ctx, prepared);
    throw err;
  }
  return prepared;
}

/**
 * runExercise plays a prepared exercise: waits for each event's time on the clock, then posts the
 * observation (signed by its monitor's exercise device) or makes the status change. It stops early
 * when `signal` aborts. However it stops — the last event, the signal, an error — it ends the
 * exercise's accounts (endExercise) before it returns what the deployment answered.
 */
export async function runExercise(
  ctx: Ctx,
  prepared: PreparedExercise,
  options: Pick<ReplayOptions, 'clock' | 'post' | 'signal' | 'onProgress'>,
): Promise<ReplayProgress & { ended: ExerciseEnded }> {
  try {
    const progress = await playEvents(ctx, prepared, options);
    return { ...progress, ended: await endExercise(ctx, prepared) };
  } catch (err) {
    await endExercise(ctx, prepared);
    throw err;
  }
}

async function playEvents(
  ctx: Ctx,
  prepared: PreparedExercise,
  options: Pick<ReplayOptions, 'clock' | 'post' | 'signal' | 'onProgress'>,
): Promise<ReplayProgress> {
  const { exercise, accounts } = prepared;
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
      const who = accounts.get(event.monitorId)!;
      const signature = signSignedText(wireSigningText(event.wire), who.key);
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
