/**
 * aleppo-2016-incidents.ts — the synthetic incidents of the aleppo-2016 scenario, each meant to
 * raise one alert kind while the reference totals stay exact: the trip options that stage them on
 * chosen vehicles, and the record of every incident for the loader and the tests.
 */
import type { AlertKind, Vehicle } from '../ops/index.js';
import type { TripOptions } from './scenario-trips.js';

/** Incident documents one injected synthetic incident and the alert kind it is meant to raise. */
export interface Incident {
  readonly alert: AlertKind;
  readonly operationId: string;
  readonly subject: string;
  readonly description: string;
}

/**
 * injectEastIncident returns the trip options of the vehicle at position `slot` of convoy `convoy`
 * on `day`, recording the incident it stages: the first bus (or bus or ambulance) of the convoy
 * named takes it. Counts at arrival stay exact in every incident.
 */
export function injectEastIncident(
  at: { day: string; convoy: number; slot: number; vehicle: Vehicle; headcount: number },
  incidents: Incident[],
  operationId: string,
): { trip?: TripOptions; turnBackFirst?: boolean } {
  const { day, convoy, slot, vehicle, headcount } = at;
  const staged = (alert: AlertKind) => incidents.some((i) => i.alert === alert);
  const note = (alert: AlertKind, description: string) =>
    incidents.push({ alert, operationId, subject: vehicle.id, description });
  if (day === '2016-12-18' && convoy === 0 && slot < 6) {
    if (slot === 0) {
      incidents.push({
        alert: 'convoy-turned-back',
        operationId,
        subject: vehicle.convoyId!,
        description:
          'On 16 Dec at 09:20 the first six vehicles of this convoy are turned back at Ramouseh; they leave again on 18 Dec.',
      });
    }
    return { turnBackFirst: true };
  }
  if (vehicle.kind !== 'bus' && vehicle.kind !== 'ambulance') return {};
  if (day === '2016-12-19' && convoy === 2 && vehicle.kind === 'bus' && !staged('people-unaccounted')) {
    note(
      'people-unaccounted',
      `Ramouseh counts ${headcount - 3} instead of ${headcount}; the arrival count is ${headcount}.`,
    );
    return { trip: { miscountAt: { 1: headcount - 3 } } };
  }
  if (day === '2016-12-20' && convoy === 3 && vehicle.kind === 'bus' && !staged('conflicting-observations')) {
    note(
      'conflicting-observations',
      `A second monitor at al-Rashideen counts ${headcount + 3}; the first counted ${headcount}.`,
    );
    return { trip: { conflictAt: { 2: headcount + 3 } } };
  }
  if (day === '2016-12-21' && convoy === 1 && vehicle.kind === 'bus' && !staged('vehicle-overdue')) {
    note('vehicle-overdue', 'Stopped for 150 minutes between Ramouseh and al-Rashideen.');
    return { trip: { delayAfter: { 1: 150 } } };
  }
  if (day === '2016-12-21' && convoy === 2 && !staged('excessive-dwell')) {
    note('excessive-dwell', 'Held three hours at al-Rashideen; seen on arrival and on release.');
    return { trip: { holdAt: { 2: 180 } } };
  }
  if (day === '2016-12-21' && convoy === 8) return { trip: { unseenAt: new Set([3]) } };
  return {};
}

/** standingIncidents lists the incidents staged by the day plan and operations rather than by one trip. */
export function standingIncidents(east: string, fuah: string): Incident[] {
  return [
    {
      alert: 'route-point-unmonitored',
      operationId: east,
      subject: 'east-3-khan-al-asal',
      description: 'No monitor at Khan al-Asal for the ninth convoy of 21 Dec.',
    },
    {
      alert: 'operation-stalled',
      operationId: east,
      subject: east,
      description: 'No movement from the evening of 19 Dec to 03:00 on 20 Dec.',
    },
    {
      alert: 'operation-stalled',
      operationId: fuah,
      subject: fuah,
      description: "Active from 18 Dec noon, but the first buses leave al-Fu'ah only on 19 Dec at 08:00.",
    },
    {
      alert: 'linked-operation-out-of-step',
      operationId: east,
      subject: `${east}→${fuah}`,
      description: "Eastern Aleppo runs ahead of al-Fu'ah/Kafraya by more than 25 points from 15 Dec.",
    },
    {
      alert: 'source-totals-diverge',
      operationId: east,
      subject: east,
      description: 'On 20 Dec a party statement claims 30,500 against an agency figure of 26,000.',
    },
  ];
}
