/**
 * aleppo-2016.ts — the demo scenario: the evacuation of eastern Aleppo and the linked evacuation
 * of al-Fu'ah and Kafraya, 15–22 December 2016, deterministic from a seed. The public figures are
 * reproduced exactly (DESIGN.md "Reference facts"): 35,000 people from eastern Aleppo in 308 buses,
 * 61 ambulances and 1,231 private vehicles; 1,300 people from al-Fu'ah/Kafraya (26 buses of 50, a
 * choice of this scenario); UNSC 2328 (15–0–0) and UNGA 71/248 (105–15–52 of 193). Everything else
 * — monitors, vehicles, markings, times, counts per vehicle, and the incidents that raise each alert
 * kind — is synthetic. The output is plain data for a loader; nothing here does I/O.
 */
import { createHash } from 'node:crypto';
import {
  type Convoy,
  type DeviceKey,
  deviceKeyFromSeed,
  type Mandate,
  type Manifest,
  type Observation,
  type Operation,
  signObservation,
  type Vehicle,
} from '../ops/index.js';
import { type Incident, injectEastIncident, standingIncidents } from './aleppo-2016-incidents.js';
import { eastOperation, fuahOperation, reportedTotals, withCompletion } from './aleppo-2016-operations.js';
import { PARTIES_AGREEMENT, UNGA_71_248, UNSC_2328 } from './aleppo-2016-places.js';
import { mulberry32, type Random } from './prng.js';
import { emitTrip, type SyntheticMonitor, splitHeadcount, type TripOptions } from './scenario-trips.js';

export type { Incident } from './aleppo-2016-incidents.js';

export const REFERENCE = Object.freeze({
  eastPeople: 35_000,
  fuahPeople: 1_300,
  buses: 308,
  ambulances: 61,
  privateVehicles: 1_231,
});

export interface Aleppo2016Scenario {
  readonly seed: number;
  readonly mandates: readonly Mandate[];
  readonly operations: readonly Operation[];
  readonly convoys: readonly Convoy[];
  readonly vehicles: readonly Vehicle[];
  readonly manifests: readonly Manifest[];
  readonly monitors: readonly SyntheticMonitor[];
  /** Observations in order of receipt (then client id), as a server would have received them. */
  readonly observations: readonly Observation[];
  /** Base64 Ed25519 signature of each observation by its monitor's device key, by client id. */
  readonly signatures: Readonly<Record<string, string>>;
  readonly incidents: readonly Incident[];
  /** The clock at which to reconcile: after completion and the arrival grace period. */
  readonly now: string;
}

const PSEUDONYMS = [
  'Almond',
  'Basil',
  'Cedar',
  'Damson',
  'Elder',
  'Fig',
  'Ginger',
  'Hazel',
  'Iris',
  'Juniper',
  'Kale',
  'Laurel',
  'Myrtle',
  'Nutmeg',
];
const MINUTE = 60_000;

/** EastDay is one day of the eastern Aleppo flow: people departing and the departure windows (UTC). */
interface EastDay {
  readonly day: string;
  readonly people: number;
  readonly window: readonly [string, string];
}

/**
 * EAST_DAYS is the day-by-day flow. 16 Dec stops at the suspension (10:00); 17 Dec has none; 18 Dec
 * starts after the resumption; 19 Dec ends early and 20 Dec starts late (the overnight stall). From
 * 19 Dec, 20,000 people leave ("some 20,000 since the Security Council adopted a resolution").
 */
export const EAST_DAYS: readonly EastDay[] = [
  { day: '2016-12-15', people: 9_000, window: ['05:00', '24:00'] },
  { day: '2016-12-16', people: 2_000, window: ['00:00', '09:00'] },
  { day: '2016-12-18', people: 4_000, window: ['12:30', '24:00'] },
  { day: '2016-12-19', people: 5_500, window: ['00:00', '17:00'] },
  { day: '2016-12-20', people: 5_500, window: ['03:00', '24:00'] },
  { day: '2016-12-21', people: 5_000, window: ['00:00', '24:00'] },
  { day: '2016-12-22', people: 4_000, window: ['00:00', '16:00'] },
];

/** FUAH_DAYS is the al-Fu'ah/Kafraya flow: buses of 50 leaving at 08:00, two minutes apart. */
export const FUAH_DAYS = [
  { day: '2016-12-19', buses: 10 },
  { day: '2016-12-20', buses: 8 },
  { day: '2016-12-21', buses: 8 },
] as const;

/** allocate splits `total` in proportion to `weights` by largest remainder (ties: first). */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  const order = raw.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const short = total - out.reduce((a, b) => a + b, 0);
  for (let k = 0; k < short; k++) out[order[k]![1]]! += 1;
  return out;
}

const hhmm = (day: string, time: string) =>
  time === '24:00' ? Date.parse(`${day}T00:00:00Z`) + 86_400_000 : Date.parse(`${day}T${time}:00Z`);

/** generateAleppo2016 builds the scenario for `seed`; the same seed gives byte-identical data. */
export function generateAleppo2016(options: { seed?: number; sign?: boolean } = {}): Aleppo2016Scenario {
  const seed = options.seed ?? 2016;
  const r = mulberry32(seed);
  // Who watches each route point (by order), as the plan assigns them: the engine waits for each.
  const eastMonitors = [
    ['monitor-01', 'monitor-02'],
    ['monitor-03', 'monitor-04'],
    ['monitor-05', 'monitor-06'],
    ['monitor-07', 'monitor-08'],
    ['monitor-09', 'monitor-10'],
  ];
  const fuahMonitors = [
    ['monitor-11'],
    ['monitor-12'],
    ['monitor-05', 'monitor-06'],
    ['monitor-03', 'monitor-04'],
    ['monitor-13', 'monitor-14'],
  ];
  const assign = (op: Operation, monitorsAt: readonly string[][]): Operation => ({
    ...op,
    route: op.route.map((p) => ({ ...p, monitors: [...monitorsAt[p.order]!] })),
  });
  const east = assign(eastOperation(), eastMonitors);
  const fuah = assign(fuahOperation(), fuahMonitors);
  const keys = new Map<string, DeviceKey>();
  const monitors: SyntheticMonitor[] = PSEUDONYMS.map((name, i) => {
    const id = `monitor-${String(i + 1).padStart(2, '0')}`;
    const key = deviceKeyFromSeed(
      createHash('sha256').update(`attest-demo:aleppo-2016:${seed}:${id}`).digest(),
    );
    keys.set(id, key);
    return {
      id,
      pseudonym: `Monitor ${name}`,
      deviceKeyId: `device-${id}`,
      publicKeyRawB64: key.publicKeyRawB64,
    };
  });
  const out = {
    convoys: [] as Convoy[],
    vehicles: [] as Vehicle[],
    manifests: [] as Manifest[],
    observations: [] as Observation[],
  };
  const incidents: Incident[] = [];
  const offline = new Map([['monitor-08', 240]]); // syncs four hours late: offline replay
  const trip = (
    vehicle: Vehicle,
    op: Operation,
    departMs: number,
    headcount: number,
    monitorsAt: string[][],
    opts?: TripOptions,
  ) => {
    const categories = splitHeadcount(r, vehicle, headcount);
    const plan = { operation: op, vehicle, departMs, headcount, categories, monitorsAt, offline };
    if (!opts?.leg) out.manifests.push(manifest(r, vehicle, headcount, categories));
    out.observations.push(...emitTrip(r, plan, opts));
  };

  // Eastern Aleppo: vehicles per day in proportion to people, people per vehicle to the day's total.
  const perDay = EAST_DAYS.map((d) => d.people);
  const busesByDay = allocate(REFERENCE.buses, perDay);
  const ambulancesByDay = allocate(REFERENCE.ambulances, perDay);
  const carsByDay = allocate(REFERENCE.privateVehicles, perDay);
  const counters = { bus: 0, ambulance: 0, private: 0 };
  EAST_DAYS.forEach((d, di) => {
    const kinds = r.shuffle([
      ...Array<'bus'>(busesByDay[di]!).fill('bus'),
      ...Array<'ambulance'>(ambulancesByDay[di]!).fill('ambulance'),
      ...Array<'private'>(carsByDay[di]!).fill('private'),
    ]);
    const loads = kinds.map((k) => (k === 'private' ? r.int(4, 9) : k === 'ambulance' ? r.int(2, 4) : 0));
    const forBuses = d.people - loads.reduce((a, b) => a + b, 0);
    const busLoads = allocate(forBuses, Array(busesByDay[di]!).fill(1));
    if (Math.max(...busLoads) > 100) throw new RangeError(`${d.day}: buses over capacity`);
    let b = 0;
    const convoyCount = Math.ceil(kinds.length / 25);
    const [start, end] = [hhmm(d.day, d.window[0]), hhmm(d.day, d.window[1])];
    kinds.forEach((kind, vi) => {
      const n = ++counters[kind];
      const tag = { bus: 'bus', ambulance: 'amb', private: 'car' }[kind];
      const ci = Math.floor(vi / 25);
      const convoyId = `east-convoy-${d.day.slice(5).replace('-', '')}-${String(ci + 1).padStart(2, '0')}`;
      if (vi % 25 === 0)
        out.convoys.push({
          id: convoyId,
          operationId: east.id,
          label: `Convoy ${d.day.slice(5)} #${ci + 1}`,
        });
      const vehicle: Vehicle = {
        id: `east-${tag}-${String(n).padStart(4, '0')}`,
        operationId: east.id,
        convoyId,
        kind,
        marking: `AL-${tag.toUpperCase()}-${String(n).padStart(4, '0')}`,
        capacity: kind === 'bus' ? 100 : kind === 'ambulance' ? 4 : 9,
      };
      out.vehicles.push(vehicle);
      const headcount = kind === 'bus' ? busLoads[b++]! : loads[vi]!;
      const departMs =
        start + Math.floor((ci * (end - start)) / convoyCount / MINUTE) * MINUTE + (vi % 25) * MINUTE;
      const opts = injectEastIncident(
        { day: d.day, convoy: ci, slot: vi % 25, vehicle, headcount },
        incidents,
        east.id,
      );
      if (opts.turnBackFirst) {
        trip(vehicle, east, hhmm('2016-12-16', '09:10') + (vi % 25) * MINUTE, headcount, eastMonitors, {
          turnBackAt: 1,
        });
      }
      trip(vehicle, east, departMs, headcount, eastMonitors, {
        ...opts.trip,
        leg: opts.turnBackFirst ? 1 : 0,
      });
    });
  });

  // The extra car that never arrives (outside the reference counts: it never completes the trip).
  const lost: Vehicle = {
    id: 'east-car-x001',
    operationId: east.id,
    kind: 'private',
    marking: 'AL-CAR-X001',
    capacity: 9,
  };
  out.vehicles.push(lost);
  trip(lost, east, hhmm('2016-12-21', '10:00'), 5, eastMonitors, { vanishAfter: 1 });
  incidents.push({
    alert: 'vehicle-missing-at-arrival',
    operationId: east.id,
    subject: lost.id,
    description:
      'A private car (outside the reference counts) passes Ramouseh on 21 Dec and is never seen again.',
  });

  // al-Fu'ah / Kafraya: 26 buses of 50.
  let fb = 0;
  for (const d of FUAH_DAYS) {
    const convoyId = `fk-convoy-${d.day.slice(5).replace('-', '')}`;
    out.convoys.push({ id: convoyId, operationId: fuah.id, label: `al-Fu'ah/Kafraya ${d.day.slice(5)}` });
    for (let i = 0; i < d.buses; i++) {
      const n = String(++fb).padStart(2, '0');
      const vehicle: Vehicle = {
        id: `fk-bus-${n}`,
        operationId: fuah.id,
        convoyId,
        kind: 'bus',
        marking: `FK-BUS-${n}`,
        capacity: 60,
      };
      out.vehicles.push(vehicle);
      trip(vehicle, fuah, hhmm(d.day, '08:00') + 2 * i * MINUTE, 50, fuahMonitors);
    }
  }
  incidents.push(...standingIncidents(east.id, fuah.id));
  out.observations.push(...reportedTotals(east));

  const observations = out.observations.sort((a, b) =>
    a.receivedTime < b.receivedTime
      ? -1
      : a.receivedTime > b.receivedTime
        ? 1
        : a.clientId < b.clientId
          ? -1
          : 1,
  );
  const lastArrival = (id: string) =>
    Math.max(
      ...observations
        .filter((o) => o.operationId === id && o.kind === 'arrival')
        .map((o) => Date.parse(o.deviceTime)),
    );
  const signatures: Record<string, string> = {};
  if (options.sign !== false)
    for (const o of observations) signatures[o.clientId] = signObservation(o, keys.get(o.monitorId)!);
  return {
    seed,
    mandates: [UNSC_2328, UNGA_71_248, PARTIES_AGREEMENT],
    operations: [withCompletion(east, lastArrival(east.id)), withCompletion(fuah, lastArrival(fuah.id))],
    convoys: out.convoys,
    vehicles: out.vehicles,
    manifests: out.manifests,
    monitors,
    observations,
    signatures,
    incidents,
    now: '2016-12-23T06:00:00.000Z',
  };
}

function manifest(
  r: Random,
  vehicle: Vehicle,
  headcount: number,
  categories: Manifest['categories'],
): Manifest {
  const protectedEntries =
    (categories.unaccompaniedMinors ?? 0) > 0
      ? [
          {
            pseudonym: `UAM-${vehicle.id}`,
            category: 'unaccompaniedMinors' as const,
            protectionLevel: 'high' as const,
          },
        ]
      : r.next() < 0.01
        ? [
            {
              pseudonym: `W-${vehicle.id}`,
              category: 'adults' as const,
              protectionLevel: 'standard' as const,
            },
          ]
        : undefined;
  return {
    id: `manifest-${vehicle.id}`,
    operationId: vehicle.operationId,
    vehicleId: vehicle.id,
    headcount,
    categories,
    ...(protectedEntries ? { protectedEntries } : {}),
  };
}
