/**
 * hxl-export.ts — an operation's movements and totals as HXL 1.1 CSV (src/lib/hxl.ts): one row per
 * UTC day and route point with the vehicles and people counted there, and one row of totals as in
 * the situation report. Tested by parsing the output back (hxl-export.test.ts).
 *
 * A person who leaves, passes two checkpoints and arrives is counted at four route points. So that
 * summing a column never counts one person several times (issue 13.6), the movements table puts each
 * count in the column of what happened there, each with its own attribute: `+departed` (origin),
 * `+passing` (checkpoints and waypoints: passages, not people) and `+arrived` (destination). Only the
 * arrivals sum to the people moved, which the totals table gives as `#affected+displaced+ind`. The
 * tags are listed in src/ops/README.md ("HXL tags").
 */
import { type HxlCell, type HxlColumn, writeHxl } from '../../lib/hxl.js';
import { type PlaceRef, type RoutePointKind, VEHICLE_KINDS } from '../model.js';
import type { ReconcileState } from '../reconcile/reconcile-state.js';
import { buildSitrep } from './sitrep.js';
import { KIND_COLUMNS } from './vehicle-kinds.js';

/**
 * EXERCISE_COLUMN marks every row of an exercise operation `EXERCISE` (empty for a real one), so a
 * table that is merged with others still says which rows are training (issue 13.8).
 */
const EXERCISE_COLUMN: HxlColumn = { header: 'Exercise', tag: '#meta+exercise', type: 'text' };
const exerciseCell = (exercise: boolean | undefined) => (exercise === true ? 'EXERCISE' : null);

export const MOVEMENT_COLUMNS: readonly HxlColumn[] = [
  EXERCISE_COLUMN,
  { header: 'Date', tag: '#date', type: 'text' },
  { header: 'Operation', tag: '#activity+name', type: 'text' },
  { header: 'Governorate P-code', tag: '#adm1+code', type: 'text' },
  { header: 'Route point', tag: '#loc+name', type: 'text' },
  { header: 'Place P-code', tag: '#loc+code', type: 'text' },
  { header: 'Point kind', tag: '#loc+type', type: 'text' },
  { header: 'Latitude', tag: '#geo+lat', type: 'number' },
  { header: 'Longitude', tag: '#geo+lon', type: 'number' },
  { header: 'Origin', tag: '#loc+origin+name', type: 'text' },
  { header: 'Destination', tag: '#loc+dest+name', type: 'text' },
  { header: 'Vehicles departed', tag: '#indicator+vehicles+departed+num', type: 'number' },
  { header: 'People departed', tag: '#affected+departed+ind', type: 'number' },
  { header: 'Vehicles passing', tag: '#indicator+vehicles+passing+num', type: 'number' },
  { header: 'People passing', tag: '#affected+passing+ind', type: 'number' },
  { header: 'Vehicles arrived', tag: '#indicator+vehicles+arrived+num', type: 'number' },
  { header: 'People arrived', tag: '#affected+arrived+ind', type: 'number' },
];

/** movementColumn says which pair of count columns a route point's counts go to. */
function movementColumn(kind: RoutePointKind): 0 | 1 | 2 {
  return kind === 'origin' ? 0 : kind === 'destination' ? 2 : 1;
}

/** TOTAL_COLUMNS: people and vehicles arrived, every vehicle kind of the plan schema included. */
export const TOTAL_COLUMNS: readonly HxlColumn[] = [
  EXERCISE_COLUMN,
  { header: 'Reported', tag: '#date+reported', type: 'text' },
  { header: 'Operation', tag: '#activity+name', type: 'text' },
  { header: 'Origin', tag: '#loc+origin+name', type: 'text' },
  { header: 'Destination', tag: '#loc+dest+name', type: 'text' },
  { header: 'People', tag: '#affected+displaced+ind', type: 'number' },
  { header: 'Vehicles', tag: '#indicator+vehicles+num', type: 'number' },
  ...VEHICLE_KINDS.map((k) => ({
    header: KIND_COLUMNS[k].label,
    tag: KIND_COLUMNS[k].hxlTag,
    type: 'number' as const,
  })),
  { header: 'Medical evacuations', tag: '#affected+medical+ind', type: 'number' },
];

function where(place: PlaceRef) {
  if ('pcode' in place) {
    return {
      pcode: place.pcode,
      adm1: place.adm1Pcode ?? null,
      lat: place.lat ?? null,
      lon: place.lon ?? null,
    };
  }
  return { pcode: null, adm1: null, lat: place.lat, lon: place.lon };
}

/** operationMovementsHxl returns vehicles and people counted per UTC day and route point. */
export function operationMovementsHxl(state: ReconcileState, operationId: string): string {
  const op = state.operations.get(operationId);
  if (!op) throw new RangeError(`no operation ${operationId}`);
  const cells = new Map<string, { vehicles: number; people: number }>();
  // Per day and point; which column pair the figures go to follows the point's kind.
  for (const vehicle of state.vehicles.values()) {
    if (vehicle.operationId !== operationId) continue;
    for (const c of state.derived.get(vehicle.id)?.finalCounts ?? []) {
      const key = `${new Date(c.atMs).toISOString().slice(0, 10)}|${op.pointIndex.get(c.pointId)!}`;
      const cell = cells.get(key) ?? { vehicles: 0, people: 0 };
      cell.vehicles += 1;
      cell.people += c.count ?? 0;
      cells.set(key, cell);
    }
  }
  const rows: HxlCell[][] = [...cells.entries()]
    .map(([key, cell]) => {
      const [day, index] = key.split('|') as [string, string];
      return { day, index: Number(index), cell };
    })
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.index - b.index))
    .map(({ day, index, cell }) => {
      const point = op.points[index]!;
      const w = where(point.place);
      const counts: HxlCell[] = [null, null, null, null, null, null];
      const at = movementColumn(point.kind) * 2;
      counts[at] = cell.vehicles;
      counts[at + 1] = cell.people;
      return [
        exerciseCell(op.operation.exercise),
        day,
        op.operation.name,
        w.adm1,
        point.place.name,
        w.pcode,
        point.kind,
        w.lat,
        w.lon,
        op.operation.origin.name,
        op.operation.destination.name,
        ...counts,
      ];
    });
  return writeHxl(MOVEMENT_COLUMNS, rows);
}

/** operationTotalsHxl returns the operation's sitrep totals as one HXL row. */
export function operationTotalsHxl(state: ReconcileState, operationId: string): string {
  const s = buildSitrep(state, { operationId });
  const op = state.operations.get(operationId)!.operation;
  return writeHxl(TOTAL_COLUMNS, [
    [
      exerciseCell(op.exercise),
      s.period.to,
      s.name,
      op.origin.name,
      op.destination.name,
      s.totals.people,
      s.totals.vehicles,
      ...VEHICLE_KINDS.map((k) => s.totals.byKind[k] ?? 0),
      s.totals.medicalEvacuations,
    ],
  ]);
}
