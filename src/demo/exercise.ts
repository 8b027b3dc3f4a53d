/**
 * exercise.ts — a scenario turned into an exercise (issue 13.8): the same operations, convoys and
 * vehicles under fresh ids, marked `exercise`, on a timeline mapped onto the present and run `speed`
 * times faster than the record. Scenario time `s` happens at real time
 *
 *   real(s) = start + (s − s₀) / speed        (s₀: the first operation's first `active` time)
 *
 * and every duration the engine judges by (expected transit times, stall, dwell and grace limits) is
 * divided by `speed` too (whole minutes, at least 1), so the deployment judges the exercise on its own
 * clock, exactly as it judges a real operation: nothing in the engine knows about the speed. The
 * observations are re-signed by exercise devices (one Ed25519 key per synthetic monitor, random per
 * run: replay.ts) and photos are left out: an exercise keeps no evidence. Pure: no I/O, no clock.
 */
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_THRESHOLDS,
  type DeviceKey,
  deviceKeyFromSeed,
  type ObservationWire,
  type OperationPlan,
  type OperationStatus,
  wireObservation,
} from '../ops/index.js';
import type { Aleppo2016Scenario } from './aleppo-2016.js';

const MINUTE = 60_000;
/** Speeds accepted: slower than real time makes no sense, faster than 1,000× leaves no minute. */
export const MAX_SPEED = 1_000;

/** ExerciseOptions places an exercise: its id tag, compartment, speed and real start (epoch ms). */
export interface ExerciseOptions {
  /** Short lower-case tag making every id of this run unique (e.g. `x7f3a`). */
  readonly tag: string;
  readonly compartment: string;
  readonly speed: number;
  readonly startMs: number;
}

/** ScheduledStatus is a status change the runner makes when its real time comes. */
export interface ScheduledStatus {
  readonly type: 'status';
  readonly atMs: number;
  readonly operationId: string;
  readonly status: OperationStatus;
  readonly reason: string;
}

/** ScheduledObservation is an observation the runner posts, signed, when its real time comes. */
export interface ScheduledObservation {
  readonly type: 'observation';
  readonly atMs: number;
  /** The synthetic monitor (scenario id) whose exercise device signs it. */
  readonly monitorId: string;
  readonly wire: ObservationWire;
}

export type ScheduledEvent = ScheduledStatus | ScheduledObservation;

/** Exercise is the plan to store and the events to play, in real-time order. */
export interface Exercise {
  readonly plan: OperationPlan;
  readonly events: readonly ScheduledEvent[];
  /** Scenario time s₀ (epoch ms) that maps to `startMs`. */
  readonly scenarioStartMs: number;
  /** When the last event is due (epoch ms, real time). */
  readonly endMs: number;
  readonly monitors: readonly string[];
}

/**
 * newExerciseDeviceKey is a fresh exercise device for one run: 32 random bytes, held in memory by
 * the replay and never stored or derived from anything public (the scenario's seed is public, so
 * a key derived from it would let anyone sign as the exercise's monitors).
 */
export function newExerciseDeviceKey(): DeviceKey {
  return deviceKeyFromSeed(randomBytes(32));
}

/** checkExerciseOptions throws a RangeError naming the first bad option. */
export function checkExerciseOptions(o: ExerciseOptions): void {
  if (!/^[a-z0-9]{1,12}$/.test(o.tag)) throw new RangeError('the tag is 1–12 lower-case letters or digits');
  if (!(Number.isFinite(o.speed) && o.speed >= 1 && o.speed <= MAX_SPEED))
    throw new RangeError(`the speed is between 1 and ${MAX_SPEED}`);
  if (!Number.isFinite(o.startMs)) throw new RangeError('the start is a time');
}

/** buildExercise maps `scenario` onto the present as an exercise (see the file comment). */
export function buildExercise(scenario: Aleppo2016Scenario, o: ExerciseOptions): Exercise {
  checkExerciseOptions(o);
  const sfx = `-x${o.tag}`;
  const firstActive = scenario.operations
    .flatMap((op) => op.statusHistory.filter((c) => c.status === 'active').map((c) => Date.parse(c.at)))
    .reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  const s0 = firstActive;
  const real = (iso: string) => Math.round(o.startMs + (Date.parse(iso) - s0) / o.speed);
  const iso = (ms: number) => new Date(ms).toISOString();
  const minutes = (m: number | undefined, min = 1) =>
    m === undefined ? undefined : Math.max(min, Math.round(m / o.speed));
  const events: ScheduledEvent[] = [];

  const operations = scenario.operations.map((op) => {
    // Changes up to the start are in the plan; later ones are made when their time comes.
    const now = op.statusHistory.filter((c) => real(c.at) <= o.startMs);
    for (const c of op.statusHistory.filter((c) => real(c.at) > o.startMs)) {
      events.push({
        type: 'status',
        atMs: real(c.at),
        operationId: op.id + sfx,
        status: c.status,
        reason: `exercise: ${c.reason}`,
      });
    }
    const t = op.thresholds ?? {};
    return {
      ...op,
      id: op.id + sfx,
      name: `EXERCISE · ${op.name}`,
      ...(op.nameAr ? { nameAr: `تمرين · ${op.nameAr}` } : {}),
      compartment: o.compartment,
      exercise: true,
      statusHistory: now.map((c) => ({ ...c, at: iso(real(c.at)) })),
      links: op.links.map((l) => ({ ...l, other: l.other + sfx })),
      route: op.route.map((p) => {
        const expected = minutes(p.expectedMinutesToNext);
        return { ...p, ...(expected !== undefined ? { expectedMinutesToNext: expected } : {}) };
      }),
      ...(op.deadline ? { deadline: iso(real(op.deadline)) } : {}),
      thresholds: {
        ...t,
        ...(t.stallAfterMinutes !== undefined ? { stallAfterMinutes: minutes(t.stallAfterMinutes) } : {}),
        ...(t.maxDwellMinutes !== undefined ? { maxDwellMinutes: minutes(t.maxDwellMinutes) } : {}),
        ...(t.arrivalGraceMinutes !== undefined
          ? { arrivalGraceMinutes: minutes(t.arrivalGraceMinutes, 0) }
          : {}),
        // A duration too, even when the plan leaves it to the default.
        offWatchAfterMinutes: minutes(t.offWatchAfterMinutes ?? DEFAULT_THRESHOLDS.offWatchAfterMinutes),
      },
    };
  });
  for (const ob of scenario.observations) {
    const at = real(ob.deviceTime);
    const wire = wireObservation({
      ...ob,
      clientId: ob.clientId + sfx,
      operationId: ob.operationId + sfx,
      vehicleIds: ob.vehicleIds.map((id) => id + sfx),
      deviceTime: iso(at),
      photoSha256: [],
    });
    events.push({ type: 'observation', atMs: at, monitorId: ob.monitorId, wire });
  }
  // Real-time order; at one instant, status changes first (an operation resumes, then moves).
  events.sort((a, b) => a.atMs - b.atMs || (a.type === b.type ? 0 : a.type === 'status' ? -1 : 1));
  return {
    plan: {
      mandates: [],
      operations,
      convoys: scenario.convoys.map((c) => ({ ...c, id: c.id + sfx, operationId: c.operationId + sfx })),
      vehicles: scenario.vehicles.map((v) => ({
        ...v,
        id: v.id + sfx,
        operationId: v.operationId + sfx,
        ...(v.convoyId ? { convoyId: v.convoyId + sfx } : {}),
      })),
      manifests: scenario.manifests.map((m) => ({
        ...m,
        id: m.id + sfx,
        operationId: m.operationId + sfx,
        vehicleId: m.vehicleId + sfx,
      })),
    },
    events,
    scenarioStartMs: s0,
    endMs: events.at(-1)?.atMs ?? o.startMs,
    monitors: [...new Set(scenario.observations.map((ob) => ob.monitorId))].sort(),
  };
}

/** minutesBetween is for messages: whole minutes from `a` to `b`. */
export const minutesBetween = (a: number, b: number) => Math.round((b - a) / MINUTE);
