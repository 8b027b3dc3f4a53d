/**
 * route-map.tsx — the route of an operation on a local map: country outlines from the
 * world-atlas package (cut at build time, `virtual:region-outline`), route points from the API
 * and how many vehicles were last seen at each. d3-geo projects to SVG; no tiles, no network.
 * Loaded on demand (dynamic import) by the dashboard.
 *
 * Zoom and pan: buttons, the mouse wheel, dragging (mouse, pen or finger) and the keyboard (arrow
 * keys, + and −) change the view; outlines scale with it while points, badges and labels keep their
 * size. Labels and badges are laid out in screen units for the current view (label-layout.ts), so
 * none covers another or a point: route points are named first, then the places around them.
 */

import seats from 'virtual:gazetteer-seats';
import outline from 'virtual:region-outline';
import { geoMercator, geoPath } from 'd3-geo';
import type { Feature, LineString, MultiPoint } from 'geojson';
import { type KeyboardEvent, type PointerEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoutePoint, VehicleRow } from '../api/types.js';
import { useFormat } from '../i18n/format.js';
import { usePointName } from '../ops/dashboard-sections.js';
import { type Anchor, POINT_RADIUS, placeBadges, placeLabels, pointBox } from './label-layout.js';

const WIDTH = 640;
const HEIGHT = 400;
/** The smallest area shown, in degrees, so a short route keeps its surroundings. */
const MIN_SPAN = 0.8;
const MAX_ZOOM = 8;
/** LABEL_LIMIT context names at the whole-route view; more as one zooms in. */
const LABEL_LIMIT = 14;

type Located = RoutePoint & { lat: number; lon: number };

/** View is the visible part of the base map: top-left corner (base units) and zoom factor. */
interface View {
  readonly x: number;
  readonly y: number;
  readonly k: number;
}

const WHOLE: View = { x: 0, y: 0, k: 1 };

/** Place names are data: marked so that translation tools (and the untranslated-text check) skip them. */
const NO_TRANSLATE = { translate: 'no' } as object;

/** clampView keeps the zoom within 1…MAX_ZOOM and the view inside the base map. */
function clampView(v: View): View {
  const k = Math.min(MAX_ZOOM, Math.max(1, v.k));
  const x = Math.min(WIDTH - WIDTH / k, Math.max(0, v.x));
  const y = Math.min(HEIGHT - HEIGHT / k, Math.max(0, v.y));
  return { x, y, k };
}

/** zoomAt scales the view by `factor` keeping the base point under (cx, cy) (screen units) in place. */
function zoomAt(v: View, factor: number, cx = WIDTH / 2, cy = HEIGHT / 2): View {
  const k = Math.min(MAX_ZOOM, Math.max(1, v.k * factor));
  return clampView({ k, x: v.x + cx / v.k - cx / k, y: v.y + cy / v.k - cy / k });
}

/** keyMove is the view after a key press on the focused map (arrows pan, + and − zoom, 0 resets), or null. */
function keyMove(view: View, key: string): View | null {
  const step = 0.15;
  const dx = (WIDTH / view.k) * step;
  const dy = (HEIGHT / view.k) * step;
  switch (key) {
    case 'ArrowLeft':
      return clampView({ ...view, x: view.x - dx });
    case 'ArrowRight':
      return clampView({ ...view, x: view.x + dx });
    case 'ArrowUp':
      return clampView({ ...view, y: view.y - dy });
    case 'ArrowDown':
      return clampView({ ...view, y: view.y + dy });
    case '+':
    case '=':
      return zoomAt(view, 1.5);
    case '-':
      return zoomAt(view, 1 / 1.5);
    case '0':
      return WHOLE;
    default:
      return null;
  }
}

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
  const svgRef = useRef<SVGSVGElement | null>(null);
  const drag = useRef<{ id: number; x: number; y: number; view: View } | null>(null);
  const [view, setView] = useState<View>(WHOLE);
  const arabic = i18n.language.startsWith('ar');

  const located = useMemo(
    () =>
      points
        .filter((p): p is Located => typeof p.lat === 'number' && typeof p.lon === 'number')
        .sort((a, b) => a.order - b.order),
    [points],
  );

  const projection = useMemo(() => {
    if (located.length === 0) return null;
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
    return geoMercator().fitExtent(
      [
        [12, 12],
        [WIDTH - 12, HEIGHT - 12],
      ],
      frame,
    );
  }, [located]);

  // The wheel zooms the map, not the page: a non-passive listener may prevent the scroll.
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = svg.getBoundingClientRect();
      const cx = ((e.clientX - r.left) * WIDTH) / r.width;
      const cy = ((e.clientY - r.top) * HEIGHT) / r.height;
      setView((v) => zoomAt(v, e.deltaY < 0 ? 1.25 : 0.8, cx, cy));
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => svg.removeEventListener('wheel', onWheel);
  }, []);

  if (!projection) return <p>{t('map.noCoordinates')}</p>;

  const path = geoPath(projection);
  const route: Feature<LineString> = {
    type: 'Feature',
    properties: {},
    geometry: { type: 'LineString', coordinates: located.map((p) => [p.lon, p.lat]) },
  };
  const toScreen = (lon: number, lat: number): [number, number] | null => {
    const xy = projection([lon, lat]);
    return xy ? [(xy[0] - view.x) * view.k, (xy[1] - view.y) * view.k] : null;
  };
  const inFrame = ([x, y]: [number, number], m = 0) => x >= m && y >= m && x <= WIDTH - m && y <= HEIGHT - m;

  const onScreen = located.flatMap((p) => {
    const xy = toScreen(p.lon, p.lat);
    return xy ? [{ point: p, x: xy[0], y: xy[1] }] : [];
  });
  const visible = onScreen.filter((p) => inFrame([p.x, p.y]));
  const lastSeen = new Map<string, number>();
  for (const v of vehicles) {
    if (v.lastPointId && v.state !== 'arrived')
      lastSeen.set(v.lastPointId, (lastSeen.get(v.lastPointId) ?? 0) + 1);
  }
  const frame = { width: WIDTH, height: HEIGHT };
  const badges = placeBadges(
    visible.map((p) => ({ id: p.point.id, x: p.x, y: p.y })),
    lastSeen,
    frame,
  );
  const pointBoxes = visible.map((p) => pointBox(p.x, p.y));
  const routeLabels = placeLabels(
    visible.map((p) => ({ id: p.point.id, x: p.x, y: p.y, text: name(p.point) })),
    [...pointBoxes, ...badges.map((b) => b.box)],
    frame,
  );
  const contextAnchors: Array<Anchor & { distance: number }> = seats.flatMap(([pcode, en, ar, lat, lon]) => {
    const xy = toScreen(lon, lat);
    if (!xy || !inFrame(xy, 4)) return [];
    const distance = Math.min(...onScreen.map((p) => Math.hypot(p.x - xy[0], p.y - xy[1])));
    return [{ id: pcode, x: xy[0], y: xy[1], text: arabic ? ar : en, distance }];
  });
  contextAnchors.sort((a, b) => a.distance - b.distance);
  const contextLabels = placeLabels(
    contextAnchors,
    [...pointBoxes, ...badges.map((b) => b.box), ...routeLabels.map((l) => l.box)],
    frame,
    { radius: 3, limit: Math.round(LABEL_LIMIT * Math.sqrt(view.k)) },
  );
  const contextText = new Map(contextAnchors.map((a) => [a.id, a.text]));

  const onPointerDown = (e: PointerEvent<SVGSVGElement>) => {
    if (view.k === 1) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY, view };
  };
  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    const r = e.currentTarget.getBoundingClientRect();
    const dx = ((e.clientX - d.x) * WIDTH) / r.width / d.view.k;
    const dy = ((e.clientY - d.y) * HEIGHT) / r.height / d.view.k;
    setView(clampView({ ...d.view, x: d.view.x - dx, y: d.view.y - dy }));
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const onKey = (e: KeyboardEvent<HTMLElement>) => {
    const next = keyMove(view, e.key);
    if (!next) return;
    e.preventDefault();
    setView(next);
  };

  return (
    <figure className="map">
      <div className="map-tools row">
        <button type="button" onClick={() => setView((v) => zoomAt(v, 1.5))} disabled={view.k >= MAX_ZOOM}>
          {t('map.zoomIn')}
        </button>
        <button type="button" onClick={() => setView((v) => zoomAt(v, 1 / 1.5))} disabled={view.k <= 1}>
          {t('map.zoomOut')}
        </button>
        <button type="button" onClick={() => setView(WHOLE)} disabled={view.k === 1}>
          {t('map.resetView')}
        </button>
        <span className="muted" data-testid="map-zoom">
          ×{f.number(Math.round(view.k * 10) / 10)}
        </span>
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the map pans with the arrow keys once focused. */}
      <section className="map-viewport" tabIndex={0} aria-label={t('map.panHint')} onKeyDown={onKey}>
        <svg
          ref={svgRef}
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          role="img"
          aria-labelledby={`${titleId} ${descId}`}
          data-testid="route-map"
          data-zoom={view.k.toFixed(2)}
          direction="ltr"
          className={view.k > 1 ? 'pannable' : undefined}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
        >
          <title id={titleId}>{t('map.title')}</title>
          <desc id={descId}>{t('map.description')}</desc>
          <rect width={WIDTH} height={HEIGHT} className="map-sea" />
          <g transform={`scale(${view.k}) translate(${-view.x} ${-view.y})`}>
            <g className="map-land">
              {outline.features.map((c) => (
                <path key={String(c.id)} d={path(c) ?? ''} />
              ))}
            </g>
            <path className="map-route" d={path(route) ?? ''} />
          </g>
          <g className="map-seats">
            {contextAnchors.map((c) => (
              <circle key={c.id} cx={c.x.toFixed(1)} cy={c.y.toFixed(1)} r={2.5} />
            ))}
            {contextLabels.map((l) => (
              <text key={l.id} x={l.x.toFixed(1)} y={l.y.toFixed(1)} textAnchor={l.anchor}>
                {contextText.get(l.id)}
              </text>
            ))}
          </g>
          {badges.map((b) => {
            const n = lastSeen.get(b.id) ?? 0;
            return (
              <g
                key={`badge-${b.id}`}
                className="map-vehicles"
                data-point-id={b.id}
                transform={`translate(${b.x.toFixed(1)} ${b.y.toFixed(1)})`}
              >
                <title>{t('map.vehiclesHere', { n: f.number(n) })}</title>
                <rect x={-13} y={-8} width={26} height={16} rx={4} />
                <text textAnchor="middle" y={4}>
                  {f.number(n)}
                </text>
              </g>
            );
          })}
          {visible.map(({ point: p, x, y }) => (
            <g
              key={p.id}
              className={`map-point kind-${p.kind}`}
              data-point-id={p.id}
              transform={`translate(${x.toFixed(1)} ${y.toFixed(1)})`}
            >
              <circle r={POINT_RADIUS - 1} />
              <text className="map-order" textAnchor="middle" y={4}>
                {f.number(p.order + 1)}
              </text>
            </g>
          ))}
          <g className="map-labels" {...NO_TRANSLATE}>
            {routeLabels.map((l) => (
              <text
                key={`label-${l.id}`}
                data-point-id={l.id}
                x={l.x.toFixed(1)}
                y={l.y.toFixed(1)}
                textAnchor={l.anchor}
              >
                {name(visible.find((v) => v.point.id === l.id)!.point)}
              </text>
            ))}
          </g>
        </svg>
      </section>
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
