/**
 * scenario-trips.ts — turns a vehicle's planned trip into monitors' observations for a scenario:
 * a sighting at each route point by one of the point's (synthetic) monitors, a second monitor's
 * confirmation at arrival for some vehicles, device times from the transit plan, and receipt times
 * with network delay (or hours later for a monitor that was offline). Incidents are expressed as
 * trip options: a delay on a segment, a hold at a point, a miscount, a second monitor's conflicting
 * count, an unwatched point, a turn-back.
 */
import type { CategoryCounts, Observation, ObservationKind, Operation, Vehicle } from '../ops/index.js';
import type { Random } from './prng.js';

const MINUTE = 60_000;

/** SyntheticMonitor is a pseudonymous monitor with one device key; no real person is named. */
export interface SyntheticMonitor {
  readonly id: string;
  readonly pseudonym: string;
  readonly deviceKeyId: string;
  readonly publicKeyRawB64: string;
}

/** TripOptions bend one trip into an incident; without them a trip is clean. */
export interface TripOptions {
  /** Leg number (0 unless the vehicle turned back before). */
  readonly leg?: number;
  /** Extra minutes spent on the segment that starts at route index i. */
  readonly delayAfter?: Readonly<Record<number, number>>;
  /** Minutes held at route index i, recorded by a second sighting on release. */
  readonly holdAt?: Readonly<Record<number, number>>;
  /** A wrong count at route index i (the truth reappears at the next point). */
  readonly miscountAt?: Readonly<Record<number, number>>;
  /** A second monitor's different count at route index i. */
  readonly conflictAt?: Readonly<Record<number, number>>;
  /** Route indexes where nobody was watching. */
  readonly unseenAt?: ReadonlySet<number>;
  /** Stop after route index i with a turn-back there. */
  readonly turnBackAt?: number;
  /** Stop after route index i and vanish (no turn-back, no arrival). */
  readonly vanishAfter?: number;
}

/** TripPlan says who travels when, and how long each segment normally takes (fraction of plan). */
export interface TripPlan {
  readonly operation: Operation;
  readonly vehicle: Vehicle;
  readonly departMs: number;
  readonly headcount: number;
  readonly categories: CategoryCounts;
  readonly monitorsAt: ReadonlyArray<readonly string[]>;
  /** Monitors whose devices sync late, with the delay in minutes. */
  readonly offline?: ReadonlyMap<string, number>;
}

const KIND_BY_POINT: Record<string, ObservationKind> = {
  origin: 'departure',
  checkpoint: 'checkpoint',
  waypoint: 'checkpoint',
  destination: 'arrival',
};

/** emitTrip returns the observations of one trip, in route order. */
export function emitTrip(r: Random, plan: TripPlan, options: TripOptions = {}): Observation[] {
  const points = [...plan.operation.route].sort((a, b) => a.order - b.order);
  const out: Observation[] = [];
  const leg = options.leg ?? 0;
  let t = plan.departMs;
  const sight = (
    index: number,
    kind: ObservationKind,
    at: number,
    count: number,
    monitorId: string,
    tag: string,
  ) => {
    const point = points[index]!;
    const delay = plan.offline?.get(monitorId) ?? r.int(0, 3);
    out.push({
      clientId: `${plan.vehicle.id}.${leg}.${index}.${tag}`,
      operationId: plan.operation.id,
      routePointId: point.id,
      kind,
      deviceTime: new Date(at).toISOString(),
      receivedTime: new Date(at + delay * MINUTE + r.int(0, 59) * 1000).toISOString(),
      monitorId,
      deviceKeyId: `device-${monitorId}`,
      source: 'un-monitors',
      vehicleIds: [plan.vehicle.id],
      headcount: count,
      categories: count === plan.headcount ? plan.categories : {},
      note: '',
      photoSha256: [],
    });
  };
  for (let i = 0; i < points.length; i++) {
    const point = points[i]!;
    const monitors = plan.monitorsAt[i]!;
    const first = r.pick(monitors);
    if (!options.unseenAt?.has(i)) {
      sight(i, KIND_BY_POINT[point.kind]!, t, options.miscountAt?.[i] ?? plan.headcount, first, 'a');
      const other = monitors.find((m) => m !== first) ?? first;
      if (options.conflictAt?.[i] !== undefined)
        sight(i, KIND_BY_POINT[point.kind]!, t + 4 * MINUTE, options.conflictAt[i]!, other, 'b');
      else if (point.kind === 'destination' && r.next() < 0.3)
        sight(i, 'arrival', t + 2 * MINUTE, plan.headcount, other, 'b');
    }
    const hold = options.holdAt?.[i];
    if (hold !== undefined) {
      t += hold * MINUTE;
      sight(
        i,
        KIND_BY_POINT[point.kind]!,
        t,
        plan.headcount,
        monitors.find((m) => m !== first) ?? first,
        'release',
      );
    }
    if (options.turnBackAt === i) {
      sight(i, 'turned-back', t + 10 * MINUTE, plan.headcount, first, 'turned-back');
      break;
    }
    if (options.vanishAfter === i) break;
    const planned = point.expectedMinutesToNext ?? 0;
    t += Math.round(planned * (0.4 + 0.4 * r.next())) * MINUTE + (options.delayAfter?.[i] ?? 0) * MINUTE;
  }
  return out;
}

/** splitHeadcount divides a vehicle's people into categories the way the scenario does. */
export function splitHeadcount(r: Random, vehicle: Vehicle, headcount: number): CategoryCounts {
  const children = Math.min(headcount, Math.round(headcount * (0.3 + 0.2 * r.next())));
  const medical =
    vehicle.kind === 'ambulance'
      ? r.int(1, Math.max(1, headcount - 1))
      : vehicle.kind === 'bus'
        ? r.int(0, 2)
        : 0;
  return {
    adults: headcount - children,
    children,
    medical: Math.min(medical, headcount),
    unaccompaniedMinors: vehicle.kind === 'bus' && children > 0 && r.next() < 0.1 ? 1 : 0,
  };
}
