/**
 * route-map.tsx — the route of an operation on a local map: country outlines from the
 * world-atlas package (cut at build time, `virtual:region-outline`), route points from the API
 * and how many vehicles were last seen at each. d3-geo projects to SVG; no tiles, no network.
 * Loaded on demand (dynamic import) by the dashboard.
 */

import seats from 'virtual:gazetteer-seats';
import outline from 'virtual:region-outline';
import { geoMercator, geoPath } from 'd3-geo';
import type { Feature, LineString, MultiPoint } from 'geojson';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoutePoint, VehicleRow } from '../api/types.js';
import { useFormat } from '../i18n/format.js';
import { usePointName } from '../ops/dashboard-sections.js';

const WIDTH = 640;
const HEIGHT = 400;
/** The smallest area shown, in degrees, so a short route keeps its surroundings. */
const MIN_SPAN = 0.8;

type Located = RoutePoint & { lat: number; lon: number };

export default function RouteMap({
  points,
  vehicles,
}: {
  points: readonly RoutePoint[];
  vehicles: readonly VehicleRow[];
}) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const name = usePointName();
  const titleId = useId();
  const descId = useId();
  const located = points
    .filter((p): p is Located => typeof p.lat === 'number' && typeof p.lon === 'number')
    .sort((a, b) => a.order - b.order);
  if (located.length === 0) return <p>{t('map.noCoordinates')}</p>;

  const lons = located.map((p) => p.lon);
  const lats = located.map((p) => p.lat);
  const cx = (Math.min(...lons) + Math.max(...lons)) / 2;
  const cy = (Math.min(...lats) + Math.max(...lats)) / 2;
  const half =
    Math.max(MIN_SPAN, Math.max(...lons) - Math.min(...lons), Math.max(...lats) - Math.min(...lats)) / 2;
  const frame: Feature<MultiPoint> = {
    type: 'Feature',
    properties: {},
    geometry: {
      type: 'MultiPoint',
      coordinates: [
        [cx - half * 1.3, cy - half * 1.1],
        [cx + half * 1.3, cy + half * 1.1],
      ],
    },
  };
  const projection = geoMercator().fitExtent(
    [
      [12, 12],
      [WIDTH - 12, HEIGHT - 12],
    ],
    frame,
  );
  const path = geoPath(projection);
  const route: Feature<LineString> = {
    type: 'Feature',
    properties: {},
    geometry: { type: 'LineString', coordinates: located.map((p) => [p.lon, p.lat]) },
  };
  const context = contextSeats(projection, located, i18n.language.startsWith('ar'));
  const lastSeen = new Map<string, number>();
  for (const v of vehicles) {
    if (v.lastPointId && v.state !== 'arrived')
      lastSeen.set(v.lastPointId, (lastSeen.get(v.lastPointId) ?? 0) + 1);
  }

  return (
    <figure className="map">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        data-testid="route-map"
        direction="ltr"
      >
        <title id={titleId}>{t('map.title')}</title>
        <desc id={descId}>{t('map.description')}</desc>
        <rect width={WIDTH} height={HEIGHT} className="map-sea" />
        <g className="map-land">
          {outline.features.map((c) => (
            <path key={String(c.id)} d={path(c) ?? ''} />
          ))}
        </g>
        <g className="map-seats">
          {context.map((c) => (
            <g key={c.pcode} transform={`translate(${c.x.toFixed(1)} ${c.y.toFixed(1)})`}>
              <circle r={2.5} />
              {c.label !== null && (
                <text x={5} y={4}>
                  {c.label}
                </text>
              )}
            </g>
          ))}
        </g>
        <path className="map-route" d={path(route) ?? ''} />
        {located.map((p) => {
          const xy = projection([p.lon, p.lat]);
          if (!xy) return null;
          const [x, y] = xy;
          const n = lastSeen.get(p.id) ?? 0;
          return (
            <g
              key={p.id}
              className={`map-point kind-${p.kind}`}
              transform={`translate(${x.toFixed(1)} ${y.toFixed(1)})`}
            >
              <circle r={8} />
              <text className="map-order" textAnchor="middle" y={4}>
                {f.number(p.order + 1)}
              </text>
              {n > 0 && (
                <g className="map-vehicles" transform="translate(0 -18)">
                  <title>{t('map.vehiclesHere', { n: f.number(n) })}</title>
                  <rect x={-12} y={-10} width={24} height={16} rx={4} />
                  <text textAnchor="middle" y={3}>
                    {f.number(n)}
                  </text>
                </g>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ol className="map-names">
          {located.map((p) => (
            <li key={p.id}>
              <bdi translate="no">{name(p)}</bdi>
            </li>
          ))}
        </ol>
        <p className="legend">
          <span className="legend-point" aria-hidden="true" /> {t('map.legendPoint')}{' '}
          <span className="legend-vehicles" aria-hidden="true" /> {t('map.legendVehicles')}
        </p>
      </figcaption>
    </figure>
  );
}

interface ContextSeat {
  readonly pcode: string;
  readonly x: number;
  readonly y: number;
  /** Null when the name would collide with a route point or another label. */
  readonly label: string | null;
}

/** LABEL_LIMIT keeps the context readable: the route is what the map is for. */
const LABEL_LIMIT = 14;

/**
 * contextSeats places the gazetteer's sub-district seats that fall inside the map, and names as
 * many as fit without touching a route point or another name (nearest to the route first).
 */
function contextSeats(
  projection: (p: [number, number]) => [number, number] | null,
  located: readonly Located[],
  arabic: boolean,
): ContextSeat[] {
  const route = located.map((p) => projection([p.lon, p.lat])).filter((xy) => xy !== null);
  const inside = seats.flatMap(([pcode, en, ar, lat, lon]) => {
    const xy = projection([lon, lat]);
    if (!xy || xy[0] < 4 || xy[1] < 4 || xy[0] > WIDTH - 4 || xy[1] > HEIGHT - 4) return [];
    const distance = Math.min(...route.map(([x, y]) => Math.hypot(x - xy[0], y - xy[1])));
    return [{ pcode, name: arabic ? ar : en, x: xy[0], y: xy[1], distance }];
  });
  inside.sort((a, b) => a.distance - b.distance);
  const taken: Array<[number, number, number, number]> = route.map(([x, y]) => [
    x - 14,
    y - 30,
    x + 14,
    y + 14,
  ]);
  let labels = 0;
  return inside.map((s) => {
    const box: [number, number, number, number] = [s.x, s.y - 8, s.x + 8 + s.name.length * 6, s.y + 6];
    const clear =
      labels < LABEL_LIMIT &&
      box[2] < WIDTH &&
      !taken.some((t) => box[0] < t[2] && box[2] > t[0] && box[1] < t[3] && box[3] > t[1]);
    if (clear) {
      taken.push(box);
      labels += 1;
    }
    return { pcode: s.pcode, x: s.x, y: s.y, label: clear ? s.name : null };
  });
}
