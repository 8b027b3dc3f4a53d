/**
 * reconcile — `npm run bench -- reconcile [--scales 1,100] [--naive-seconds S] [--late-sync-only]`
 * (or RECONCILE_SCALES=1 for the quick path). The aleppo-2016 scenario at 1× (~1,600 vehicles,
 * ~8,700 observations) and at 100× (100 independent copies of it, every operation, convoy, vehicle
 * and client id suffixed `-cN`, re-signed by the monitors' device keys: ~160,000 vehicles and
 * ~870,000 observations held by one engine). Per scale, in receipt order: ingest = validation +
 * Ed25519 verification + `applyObservation`, timed per observation; `tick` to the scenario's end;
 * `reconcileAll` over the same set, which must give the same snapshot. Baseline (1× only): the naive
 * engine, a full recompute after every observation, run over a prefix and extrapolated.
 * Target: incremental p99 ≤ 5 ms per observation at 100×.
 *
 * Late sync (issue 13.2), per scale: the same observations delivered as phones that sync late would
 * deliver them — each monitor's observations in batches every 2 h (each monitor at its own phase),
 * device time preserved, the engine ticking to each batch's time — against the in-order delivery
 * (each observation received at its device time). Reported: alert raisings per real condition (the
 * alerts `reconcileAll` derives from the whole set; target ≤ 1.5), the retracted ones, and the
 * incremental p99. `point-not-reporting` and `operation-no-news` are counted apart (reception): they
 * say phones are silent, which in this
 * case it is, every 2 h.
 */
import { createHash, createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { generateAleppo2016 } from '../src/demo/aleppo-2016.js';
import {
  applyObservation,
  type Convoy,
  createReconcileState,
  type DeviceKey,
  deviceKeyFromSeed,
  type Observation,
  type Operation,
  observationSigningBytes,
  type ReconcileInput,
  type ReconcileState,
  reconcileAll,
  signObservation,
  snapshotState,
  tick,
  type Vehicle,
  validateObservation,
  verifyObservationSignature,
} from '../src/ops/index.js';
import { fmt, machineLine, percentile, time } from './_support.js';

const SEED = 2016;
const TARGET_P99_MS = 5;

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const scales = (flag('--scales') ?? process.env.RECONCILE_SCALES ?? '1,100')
  .split(',')
  .map((s) => Number(s.trim()));
if (scales.some((s) => !Number.isInteger(s) || s < 1)) {
  console.error('usage: npm run bench -- reconcile [--scales 1,100] [--naive-seconds 20]');
  process.exit(2);
}
const naiveSeconds = Number(flag('--naive-seconds') ?? 20);
/** `--late-sync-only`: skip the in-order ingest and the naive baseline (the late-sync figures only). */
const lateSyncOnly = process.argv.includes('--late-sync-only');

interface Workload {
  readonly input: ReconcileInput;
  readonly observations: readonly Observation[];
  readonly signatures: ReadonlyMap<string, string>;
  readonly note: string;
}

const ms = (from: bigint, to: bigint) => Number(to - from) / 1e6;
const int = (n: number) => n.toLocaleString('en-GB');

/** deviceKeys re-derives the monitors' device keys as the generator does, checking the public keys. */
function deviceKeys(
  monitors: ReadonlyArray<{ id: string; publicKeyRawB64: string }>,
): Map<string, DeviceKey> {
  const keys = new Map<string, DeviceKey>();
  for (const m of monitors) {
    const key = deviceKeyFromSeed(
      createHash('sha256').update(`attest-demo:aleppo-2016:${SEED}:${m.id}`).digest(),
    );
    if (key.publicKeyRawB64 !== m.publicKeyRawB64) throw new Error(`device key of ${m.id} does not match`);
    keys.set(m.id, key);
  }
  return keys;
}

/** privateKeyObject is `key` as a node:crypto key, built once (signObservation builds one per call). */
function privateKeyObject(key: DeviceKey): KeyObject {
  const b64url = (b64: string) => Buffer.from(b64, 'base64').toString('base64url');
  return createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: b64url(key.privateSeedB64), x: b64url(key.publicKeyRawB64) },
    format: 'jwk',
  });
}

const scenario = generateAleppo2016({ seed: SEED });
const nowMs = Date.parse(scenario.now);
const publicKeys = new Map(scenario.monitors.map((m) => [m.id, m.publicKeyRawB64] as const));
/** baseMonitor is the scenario monitor a copy's monitor (`monitor-01-c7`) stands for (its device key). */
const baseMonitor = (id: string) => id.replace(/-c\d+$/, '');

/**
 * scaled returns `copies` independent copies of the scenario, ids suffixed `-cN`, re-signed unless
 * `signed` is false (the late-sync deliveries feed the engine alone: no signature is checked).
 */
function scaled(copies: number, signed = true): Workload {
  if (copies === 1) {
    return {
      input: scenario,
      observations: scenario.observations,
      signatures: new Map(Object.entries(scenario.signatures)),
      note: 'signatures as generated',
    };
  }
  const operations: Operation[] = [];
  const convoys: Convoy[] = [];
  const vehicles: Vehicle[] = [];
  for (let c = 1; c <= copies; c++) {
    const sfx = `-c${c}`;
    for (const op of scenario.operations)
      operations.push({
        ...op,
        id: op.id + sfx,
        links: op.links.map((l) => ({ ...l, other: l.other + sfx })),
        route: op.route.map((p) => (p.monitors ? { ...p, monitors: p.monitors.map((m) => m + sfx) } : p)),
      });
    for (const cv of scenario.convoys)
      convoys.push({ ...cv, id: cv.id + sfx, operationId: cv.operationId + sfx });
    for (const v of scenario.vehicles)
      vehicles.push({
        ...v,
        id: v.id + sfx,
        operationId: v.operationId + sfx,
        ...(v.convoyId ? { convoyId: v.convoyId + sfx } : {}),
      });
  }
  // Receipt order: the copies of each observation one after another (received at the same instant).
  // Each copy has its own monitors (`monitor-01-cN`, signing with monitor-01's device key): copies
  // are independent operations, and one person does not watch a hundred of them.
  const observations: Observation[] = [];
  for (const o of scenario.observations)
    for (let c = 1; c <= copies; c++) {
      const sfx = `-c${c}`;
      observations.push({
        ...o,
        clientId: o.clientId + sfx,
        operationId: o.operationId + sfx,
        monitorId: o.monitorId + sfx,
        vehicleIds: o.vehicleIds.map((id) => id + sfx),
      });
    }
  if (!signed)
    return {
      input: { operations, convoys, vehicles },
      observations,
      signatures: new Map(),
      note: 'not re-signed (the engine alone)',
    };
  const keys = deviceKeys(scenario.monitors);
  const keyObjects = new Map([...keys].map(([id, k]) => [id, privateKeyObject(k)] as const));
  const t0 = process.hrtime.bigint();
  const signatures = new Map<string, string>();
  for (const o of observations)
    signatures.set(
      o.clientId,
      sign(null, observationSigningBytes(o), keyObjects.get(baseMonitor(o.monitorId))!).toString('base64'),
    );
  const signMs = ms(t0, process.hrtime.bigint());
  // Ed25519 is deterministic: the one-key-object path must give exactly signObservation's bytes.
  const step = Math.max(1, Math.floor(observations.length / 1_000));
  let checked = 0;
  for (let i = 0; i < observations.length; i += step, checked++) {
    const o = observations[i]!;
    if (signObservation(o, keys.get(baseMonitor(o.monitorId))!) !== signatures.get(o.clientId))
      throw new Error(`signature of ${o.clientId} differs from signObservation`);
  }
  return {
    input: { operations, convoys, vehicles },
    observations,
    signatures,
    note:
      `all ${int(observations.length)} re-signed in ${fmt(signMs / 1000, 1)} s (Ed25519 with one key object ` +
      `per monitor; equal to signObservation on ${int(checked)} sampled)`,
  };
}

/** Garbage-collection pauses, to tell the engine's own latency from the collector's. */
const gcPauses: Array<{ at: number; ms: number; major: boolean }> = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
    gcPauses.push({ at: e.startTime, ms: e.duration, major: kind === constants.NODE_PERFORMANCE_GC_MAJOR });
  }
}).observe({ entryTypes: ['gc'] });
const settle = () => new Promise((resolve) => setTimeout(resolve, 200)); // GC entries arrive late

interface Ingest {
  readonly state: ReconcileState;
  readonly wallMs: number;
  /** performance.now() at the start and end, to pick out the GC pauses during ingest. */
  readonly span: readonly [number, number];
  readonly step: Float64Array;
  readonly apply: Float64Array;
  /** Applies over the target: [performance.now() at the start, ms], to match with GC pauses. */
  readonly slow: Array<readonly [number, number]>;
}

/** ingest feeds the observations in order through validation, verification and the engine. */
function ingest(w: Workload, timed: boolean): Ingest {
  const operations = new Map(w.input.operations.map((o) => [o.id, o] as const));
  const vehicles = new Map(w.input.vehicles.map((v) => [v.id, v] as const));
  const vehicleById = (id: string) => vehicles.get(id);
  const first = w.observations[0]!;
  const state = createReconcileState(w.input, Date.parse(first.receivedTime));
  const step = new Float64Array(timed ? w.observations.length : 0);
  const apply = new Float64Array(timed ? w.observations.length : 0);
  const slow: Array<readonly [number, number]> = [];
  const spanStart = performance.now();
  const start = process.hrtime.bigint();
  for (let i = 0; i < w.observations.length; i++) {
    const obs = w.observations[i]!;
    const t0 = process.hrtime.bigint();
    const received = Date.parse(obs.receivedTime);
    const errors = validateObservation(obs, {
      operation: operations.get(obs.operationId)!,
      vehicleById,
      nowMs: received,
    });
    if (errors.length > 0) throw new Error(`${obs.clientId}: ${errors[0]!.message}`);
    if (
      !verifyObservationSignature(
        obs,
        w.signatures.get(obs.clientId) ?? '',
        publicKeys.get(baseMonitor(obs.monitorId))!,
      )
    )
      throw new Error(`${obs.clientId}: bad signature`);
    const t1 = process.hrtime.bigint();
    applyObservation(state, obs, received);
    const t2 = process.hrtime.bigint();
    if (timed) {
      step[i] = ms(t0, t2);
      apply[i] = ms(t1, t2);
      if (apply[i]! > TARGET_P99_MS) slow.push([spanStart + ms(start, t1), apply[i]!]);
    }
  }
  const wallMs = ms(start, process.hrtime.bigint());
  return { state, wallMs, span: [spanStart, performance.now()], step, apply, slow };
}

/** sameSnapshot compares two states' snapshots as JSON, element by element (no 100 MB strings). */
function sameSnapshot(a: ReconcileState, b: ReconcileState): boolean {
  const sa = snapshotState(a) as unknown as Record<string, unknown>;
  const sb = snapshotState(b) as unknown as Record<string, unknown>;
  if (JSON.stringify(Object.keys(sa)) !== JSON.stringify(Object.keys(sb))) return false;
  for (const key of Object.keys(sa)) {
    const [x, y] = [sa[key], sb[key]];
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (JSON.stringify(x[i]) !== JSON.stringify(y[i])) return false;
    } else if (JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}

const stats = (xs: Float64Array) => {
  const sorted = Array.from(xs).sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
  };
};
const line = (s: ReturnType<typeof stats>) =>
  `p50 ${fmt(s.p50, 3)} ms · p99 ${fmt(s.p99, 3)} ms · max ${fmt(s.max, 1)} ms · mean ${fmt(s.mean, 3)} ms`;

console.log(
  `reconcile benchmark · ${machineLine()} · heap limit ${fmt(getHeapStatistics().heap_size_limit / 2 ** 30, 1)} GiB`,
);
console.log(
  `aleppo-2016 seed ${SEED}: ${int(scenario.vehicles.length)} vehicles, ${int(scenario.observations.length)} ` +
    `observations, ${scenario.operations.length} operations · scales ${scales.map((s) => `${s}×`).join(', ')} ` +
    `· one untimed warm-up pass of 1× first`,
);
if (!lateSyncOnly) ingest(scaled(1), false);

let p99At100: number | null = null;
let failed = false;
for (const scale of lateSyncOnly ? [] : scales) {
  const w = scaled(scale);
  console.log(
    `\n${scale}× — ${int(w.input.vehicles.length)} vehicles · ${int(w.observations.length)} observations · ` +
      `${int(w.input.operations.length)} operations · ${w.note}`,
  );
  const run = ingest(w, true);
  const n = w.observations.length;
  const step = stats(run.step);
  const apply = stats(run.apply);
  if (scale === 100) p99At100 = apply.p99;
  console.log(
    `  ingest (validate + verify Ed25519 + apply)  ${fmt(n / (run.wallMs / 1000), 0)} obs/s (${fmt(run.wallMs / 1000, 2)} s)`,
  );
  console.log(`    per observation                          ${line(step)}`);
  console.log(`  incremental reconcile (applyObservation)  ${line(apply)}`);
  await settle();
  const gc = gcPauses.filter((g) => g.at >= run.span[0] && g.at <= run.span[1]);
  const duringGc = run.slow.filter(([t, d]) => gc.some((g) => g.at < t + d && g.at + g.ms > t)).length;
  const longest = gc.reduce((a, g) => (g.ms > a.ms ? g : a), { at: 0, ms: 0, major: false });
  console.log(
    `    over ${TARGET_P99_MS} ms: ${int(run.slow.length)} observations (${int(duringGc)} overlap a GC pause) · GC during ingest: ` +
      `${int(gc.length)} pauses (${int(gc.filter((g) => g.major).length)} major), longest ${fmt(longest.ms, 1)} ms` +
      `${longest.major ? ' (major)' : ''}`,
  );
  const ticked = await time(async () => tick(run.state, nowMs));
  console.log(
    `  tick to ${scenario.now}          ${fmt(ticked.ms, 1)} ms (${int(ticked.value.length)} alert changes)`,
  );
  const full = await time(async () => reconcileAll(w.input, w.observations, nowMs));
  console.log(
    `  full recompute (reconcileAll)             ${fmt(full.ms, 0)} ms = ${fmt(full.ms / apply.mean, 0)}× the incremental mean`,
  );
  const same = sameSnapshot(run.state, full.value);
  console.log(
    `  identical: ${same ? 'yes' : 'no'} (snapshotState as JSON, incremental + tick vs reconcileAll; ` +
      `${int(full.value.alerts.size)} alerts)`,
  );
  if (!same) failed = true;

  if (scale === 1) {
    // Naive engine: a full recompute of everything received so far after each observation, O(n²).
    const times: number[] = [];
    const deadline = process.hrtime.bigint() + BigInt(Math.round(naiveSeconds * 1e9));
    for (let k = 1; k <= n && process.hrtime.bigint() < deadline; k++) {
      const t0 = process.hrtime.bigint();
      reconcileAll(w.input, w.observations.slice(0, k), Date.parse(w.observations[k - 1]!.receivedTime));
      times.push(ms(t0, process.hrtime.bigint()));
    }
    const k = times.length;
    const prefixMean = times.reduce((a, b) => a + b, 0) / k;
    // Least squares t(j) = a + b·j over the prefix; over all n the mean is a + b·(n + 1)/2.
    const xm = (k + 1) / 2;
    let sxy = 0;
    let sxx = 0;
    times.forEach((t, i) => {
      sxy += (i + 1 - xm) * (t - prefixMean);
      sxx += (i + 1 - xm) ** 2;
    });
    const slope = sxx > 0 ? sxy / sxx : 0;
    const fullMean = prefixMean - slope * xm + (slope * (n + 1)) / 2;
    const prefixIncremental = run.apply.subarray(0, k).reduce((a, b) => a + b, 0) / k;
    // Check on the extrapolation: the naive cost at 100 evenly spaced points over the whole run.
    let sampled = 0;
    for (let j = 1; j <= 100; j++) {
      const at = Math.ceil((j * n) / 100);
      const t0 = process.hrtime.bigint();
      reconcileAll(w.input, w.observations.slice(0, at), Date.parse(w.observations[at - 1]!.receivedTime));
      sampled += ms(t0, process.hrtime.bigint()) / 100;
    }
    console.log(
      `  baseline: naive (reconcileAll after every observation), PREFIX of the first ${int(k)} of ${int(n)} ` +
        `observations (${fmt(naiveSeconds, 0)} s budget)`,
    );
    console.log(
      `    over the prefix          ${fmt(prefixMean, 3)} ms per observation = ${fmt(prefixMean / prefixIncremental, 0)}× ` +
        `incremental over the same prefix (${fmt(prefixIncremental, 3)} ms)`,
    );
    console.log(
      `    extrapolated to all ${int(n)} (linear fit)  ${fmt(fullMean, 2)} ms per observation, ` +
        `${fmt((fullMean * n) / 1000, 0)} s in all = ${fmt(fullMean / apply.mean, 0)}× the incremental mean`,
    );
    console.log(
      `    check: 100 recomputes at evenly spaced points of all ${int(n)}  ${fmt(sampled, 2)} ms mean = ` +
        `${fmt(sampled / apply.mean, 0)}× the incremental mean`,
    );
  }
  const mem = process.memoryUsage();
  console.log(
    `  memory: heap used ${fmt(mem.heapUsed / 2 ** 30, 2)} GiB now · peak RSS so far ` +
      `${fmt(process.resourceUsage().maxRSS / 2 ** 20, 2)} GiB`,
  );
}

/** LateSync is one delivery of a workload through the engine, with its alert raisings counted. */
interface LateSync {
  readonly raised: number;
  readonly reception: number;
  readonly retracted: number;
  readonly real: number;
  readonly apply: ReturnType<typeof stats>;
  readonly same: boolean;
  /** Raisings per alert kind, for the ones the final set does not hold (transient). */
  readonly transient: ReadonlyMap<string, number>;
}

const BATCH_MS = 2 * 3_600_000;
/** Alerts about reception (phones silent), counted apart from the evacuation's conditions. */
const RECEPTION = new Set(['point-not-reporting', 'operation-no-news']);

/** deliver feeds `w` through the engine at the receipt times `at` gives, ticking to each one. */
function deliver(w: Workload, at: (o: Observation) => number, full: ReconcileState): LateSync {
  const order = w.observations
    .map((o) => ({ o, t: at(o), d: Date.parse(o.deviceTime) }))
    .sort((a, b) => a.t - b.t || a.d - b.d || (a.o.clientId < b.o.clientId ? -1 : 1));
  const state = createReconcileState(w.input, order[0]!.t);
  const raisedKeys = new Set<string>();
  const transient = new Map<string, number>();
  let raised = 0;
  let reception = 0;
  const count = (changes: readonly { type: string; alert: { kind: string; key: string } }[]) => {
    for (const c of changes) {
      if (c.type !== 'raised') continue;
      raisedKeys.add(c.alert.key);
      if (!full.alerts.has(c.alert.key)) transient.set(c.alert.kind, (transient.get(c.alert.kind) ?? 0) + 1);
      if (RECEPTION.has(c.alert.kind)) reception += 1;
      else raised += 1;
    }
  };
  const apply = new Float64Array(order.length);
  let i = 0;
  while (i < order.length) {
    const t = order[i]!.t;
    count(tick(state, t));
    for (; i < order.length && order[i]!.t === t; i++) {
      const obs = { ...order[i]!.o, receivedTime: new Date(t).toISOString() };
      const t0 = process.hrtime.bigint();
      const result = applyObservation(state, obs, t);
      apply[i] = ms(t0, process.hrtime.bigint());
      count(result.changes);
    }
  }
  count(tick(state, nowMs));
  const real = [...full.alerts.values()].filter((a) => !RECEPTION.has(a.kind)).length;
  return {
    raised,
    reception,
    retracted: [...raisedKeys].filter((k) => !full.alerts.has(k)).length,
    real,
    apply: stats(apply),
    same: sameSnapshot(state, full),
    transient,
  };
}

for (const scale of scales) {
  const w = scaled(scale, false);
  const full = reconcileAll(w.input, w.observations, nowMs);
  const monitors = [...new Set(w.observations.map((o) => o.monitorId))].sort();
  const phase = new Map(monitors.map((m, i) => [m, Math.round((i * BATCH_MS) / monitors.length)] as const));
  console.log(`
${scale}× late sync — ${int(w.observations.length)} observations, ${monitors.length} monitors`);
  for (const [label, at] of [
    ['in order (received at device time)', (o: Observation) => Date.parse(o.deviceTime)],
    [
      'late sync (each monitor every 2 h)',
      (o: Observation) => {
        const p = phase.get(o.monitorId)!;
        return Math.ceil((Date.parse(o.deviceTime) - p) / BATCH_MS) * BATCH_MS + p;
      },
    ],
  ] as const) {
    const started = process.hrtime.bigint();
    const r = deliver(w, at, full);
    const seconds = ms(started, process.hrtime.bigint()) / 1000;
    console.log(
      `  ${label.padEnd(38)} ${int(r.raised)} alerts raised for ${int(r.real)} real conditions = ` +
        `${fmt(r.raised / r.real, 2)} per condition (target ≤ 1.5) · ${int(r.retracted)} retracted · ` +
        `${int(r.reception)} reception raisings (point-not-reporting, operation-no-news) · applyObservation ${line(r.apply)} · ` +
        `same state as reconcileAll: ${r.same ? 'yes' : 'no'} · ${fmt(seconds, 1)} s · peak RSS ` +
        `${fmt(process.resourceUsage().maxRSS / 2 ** 20, 2)} GiB`,
    );
    console.log(
      `    transient raisings by kind: ${
        [...r.transient]
          .sort()
          .map(([k, n]) => `${k} ${int(n)}`)
          .join(' · ') || 'none'
      }`,
    );
    if (!r.same) failed = true;
  }
}

console.log(
  p99At100 === null
    ? `\ntarget p99 ≤ ${TARGET_P99_MS} ms at 100×: not measured (100× not in this run)`
    : `\ntarget p99 ≤ ${TARGET_P99_MS} ms at 100×: ${p99At100 <= TARGET_P99_MS ? 'met' : 'not met'} (p99 ${fmt(p99At100, 3)} ms)`,
);
if (failed) {
  console.error('incremental and full recompute differ');
  process.exit(1);
}
