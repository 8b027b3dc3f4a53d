/**
 * vehicle-kinds.ts — how reports name each vehicle kind: the sitrep's label, the totals' field and
 * the HXL 1.1 hashtag of its column. It is a Record over `VehicleKind`, so a kind added to the plan
 * schema (model.ts VEHICLE_KINDS) does not compile until it has its column here: no report keeps a
 * shorter list of its own and drops a kind's vehicles while counting their people (issue 13.6).
 */
import { VEHICLE_KINDS, type VehicleKind } from '../model.js';

export interface KindColumn {
  /** Field of `SitrepTotals` / the API totals holding the count of arrived vehicles of this kind. */
  readonly field: 'buses' | 'ambulances' | 'privateVehicles' | 'trucks';
  readonly label: string;
  /** Lower-case singular and plural for sentences ("1 bus", "308 buses"). */
  readonly one: string;
  readonly plural: string;
  /** HXL 1.1 hashtag and attributes (`#indicator` with `+num`, as the existing columns). */
  readonly hxlTag: string;
}

export const KIND_COLUMNS: Readonly<Record<VehicleKind, KindColumn>> = Object.freeze({
  bus: { field: 'buses', label: 'Buses', one: 'bus', plural: 'buses', hxlTag: '#indicator+buses+num' },
  ambulance: {
    field: 'ambulances',
    label: 'Ambulances',
    one: 'ambulance',
    plural: 'ambulances',
    hxlTag: '#indicator+ambulances+num',
  },
  private: {
    field: 'privateVehicles',
    label: 'Private vehicles',
    one: 'private vehicle',
    plural: 'private vehicles',
    hxlTag: '#indicator+private_vehicles+num',
  },
  truck: {
    field: 'trucks',
    label: 'Trucks',
    one: 'truck',
    plural: 'trucks',
    hxlTag: '#indicator+trucks+num',
  },
});

/** KindCounts is a count of vehicles per kind, with every kind present (zero when none). */
export type KindCounts = Record<VehicleKind, number>;

/** kindCounts counts `vehicles` by kind; every kind of VEHICLE_KINDS is present. */
export function kindCounts(vehicles: Iterable<{ readonly kind: VehicleKind }>): KindCounts {
  const out = Object.fromEntries(VEHICLE_KINDS.map((k) => [k, 0])) as KindCounts;
  for (const v of vehicles) out[v.kind] = (out[v.kind] ?? 0) + 1;
  return out;
}

/** kindFields spreads per-kind counts into the totals' named fields (buses, ambulances, …). */
export function kindFields(counts: KindCounts): Record<KindColumn['field'], number> {
  const out = { buses: 0, ambulances: 0, privateVehicles: 0, trucks: 0 };
  for (const kind of VEHICLE_KINDS) out[KIND_COLUMNS[kind].field] += counts[kind];
  return out;
}

/**
 * kindsPhrase says how many vehicles of each kind arrived, for every kind the plan has or that
 * arrived ("308 buses, 61 ambulances, 2 trucks"); kinds neither planned nor seen are left out.
 */
export function kindsPhrase(arrived: KindCounts, planned?: KindCounts | null): string {
  const fmt = new Intl.NumberFormat('en-GB');
  const parts = VEHICLE_KINDS.filter((k) => (arrived[k] ?? 0) > 0 || (planned?.[k] ?? 0) > 0).map(
    (k) =>
      `${fmt.format(arrived[k] ?? 0)} ${(arrived[k] ?? 0) === 1 ? KIND_COLUMNS[k].one : KIND_COLUMNS[k].plural}`,
  );
  return parts.length > 0 ? parts.join(', ') : 'no vehicles';
}
