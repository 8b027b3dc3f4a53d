/**
 * region-map.tsx — the small built-in map the analysis and search screens draw on: the region's
 * outline (cut from world-atlas at build time, vite.config.ts; no tiles, no network) in a
 * Mercator projection framed on Syria and its borders. What is drawn on it comes from the caller,
 * who gets the projection (`project`: longitude and latitude to x and y in the SVG).
 */
import outline from 'virtual:region-outline';
import { geoMercator, geoPath } from 'd3-geo';
import type { Feature, MultiPoint } from 'geojson';
import type { ReactNode } from 'react';

/** project turns [longitude, latitude] into [x, y] on the map. */
export type Project = (lonLat: readonly [number, number]) => [number, number];

/** The map's frame: south-west and north-east corners, [lon, lat]. */
const FRAME: Feature<MultiPoint> = {
  type: 'Feature',
  properties: {},
  geometry: {
    type: 'MultiPoint',
    coordinates: [
      [35.6, 32.3],
      [42.4, 37.4],
    ],
  },
};
const MARGIN = 6;

export function RegionMap({
  width,
  height,
  label,
  className,
  children,
}: {
  width: number;
  height: number;
  /** What the map shows, for screen readers (the SVG is one image). */
  label: string;
  className?: string;
  children: (project: Project) => ReactNode;
}) {
  const projection = geoMercator().fitExtent(
    [
      [MARGIN, MARGIN],
      [width - MARGIN, height - MARGIN],
    ],
    FRAME,
  );
  const path = geoPath(projection);
  const project: Project = (p) => (projection([p[0], p[1]]) ?? [0, 0]) as [number, number];
  return (
    <svg className={className} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <rect width={width} height={height} className="sea" />
      {outline.features.map((f, i) => (
        <path key={String(f.id ?? i)} d={path(f) ?? ''} className="land" />
      ))}
      {children(project)}
    </svg>
  );
}
