/**
 * gps-map.tsx — where a photo says it was taken (EXIF GPS) on a small local map: the region's
 * outlines (built in, no tiles, no network) around the point, and the nearest sub-district seats
 * named for context. Outside the region the map frames the point alone.
 */
import seats from 'virtual:gazetteer-seats';
import outline from 'virtual:region-outline';
import { geoMercator, geoPath } from 'd3-geo';
import type { Feature, MultiPoint } from 'geojson';
import { useTranslation } from 'react-i18next';

/** Place names are data: kept out of translation (and of the untranslated-text check). */
const NO_TRANSLATE = { translate: 'no' } as object;
const W = 320;
const H = 220;
const SPAN = 0.6;

export default function GpsMap({ lat, lon }: { lat: number; lon: number }) {
  const { t, i18n } = useTranslation();
  const frame: Feature<MultiPoint> = {
    type: 'Feature',
    properties: {},
    geometry: {
      type: 'MultiPoint',
      coordinates: [
        [lon - SPAN, lat - SPAN],
        [lon + SPAN, lat + SPAN],
      ],
    },
  };
  const projection = geoMercator().fitExtent(
    [
      [8, 8],
      [W - 8, H - 8],
    ],
    frame,
  );
  const path = geoPath(projection);
  const [x, y] = projection([lon, lat]) ?? [W / 2, H / 2];
  const near = seats
    .map((s) => ({ s, d: (s[3] - lat) ** 2 + (s[4] - lon) ** 2 }))
    .filter((n) => n.d < SPAN * SPAN)
    .sort((a, b) => a.d - b.d)
    .slice(0, 3);
  return (
    <figure className="gps-map">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={t('item.mapLabel', { lat: lat.toFixed(5), lon: lon.toFixed(5) })}
      >
        <rect width={W} height={H} className="sea" />
        {outline.features.map((f, i) => (
          <path key={String(f.id ?? i)} d={path(f) ?? ''} className="land" />
        ))}
        {near.map(({ s }) => {
          const [sx, sy] = projection([s[4], s[3]]) ?? [0, 0];
          return (
            <g key={s[0]} {...NO_TRANSLATE}>
              <circle cx={sx} cy={sy} r={2} className="seat" />
              <text x={sx + 4} y={sy - 4} className="seat-label">
                {i18n.language === 'ar' ? s[2] : s[1]}
              </text>
            </g>
          );
        })}
        <circle cx={x} cy={y} r={6} className="gps-point" />
      </svg>
      <figcaption translate="no">
        {lat.toFixed(5)}, {lon.toFixed(5)}
      </figcaption>
    </figure>
  );
}
