/**
 * incident-map.tsx — incidents by place on the built-in map (map/region-map.tsx: the region
 * outline, no tiles, no network): one point per place, with its incidents counted and its
 * name placed clear of the others (map/label-layout.ts). Places come from the gazetteer
 * (`GET /api/places/{pcode}`); the table beside lists the same incidents for keyboards.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { placeLabels, pointBox } from '../map/label-layout.js';
import { RegionMap } from '../map/region-map.js';
import type { IncidentSummary, PlaceDetail } from './types.js';

const W = 420;
const H = 340;
const NO_TRANSLATE = { translate: 'no' } as object;

type Located = { pcode: string; name: string; lat: number; lon: number; n: number };

export default function IncidentMap({ incidents }: { incidents: readonly IncidentSummary[] }) {
  const { t, i18n } = useTranslation();
  const [places, setPlaces] = useState<Record<string, PlaceDetail['place']>>({});
  const pcodes = useMemo(
    () => [...new Set(incidents.map((i) => i.pcode).filter((p): p is string => p !== null))].slice(0, 100),
    [incidents],
  );
  useEffect(() => {
    let live = true;
    const missing = pcodes.filter((p) => !(p in places));
    if (missing.length === 0) return;
    void Promise.all(
      missing.map((p) =>
        api<PlaceDetail>('GET', `/api/places/${encodeURIComponent(p)}`)
          .then((d) => [p, d.place] as const)
          .catch(() => null),
      ),
    ).then((got) => {
      if (!live) return;
      setPlaces((old) => {
        const next = { ...old };
        for (const g of got) if (g) next[g[0]] = g[1];
        return next;
      });
    });
    return () => {
      live = false;
    };
  }, [pcodes, places]);

  const located: Located[] = pcodes
    .filter((p) => places[p])
    .map((p) => {
      const pl = places[p]!;
      return {
        pcode: p,
        name: i18n.language === 'ar' ? pl.nameAr : pl.nameEn,
        lat: pl.lat,
        lon: pl.lon,
        n: incidents.filter((i) => i.pcode === p).length,
      };
    });
  if (pcodes.length === 0)
    return (
      <section className="incident-map card" aria-labelledby="inc-map-h">
        <h2 id="inc-map-h">{t('analysis.map')}</h2>
        <p className="muted">{t('analysis.noMap')}</p>
      </section>
    );
  return (
    <section className="incident-map card" aria-labelledby="inc-map-h" data-testid="incident-map">
      <h2 id="inc-map-h">{t('analysis.map')}</h2>
      <RegionMap width={W} height={H} label={t('analysis.mapLabel')}>
        {(project) => {
          const points = located.map((l) => {
            const [x, y] = project([l.lon, l.lat]);
            return { ...l, x, y };
          });
          const labels = placeLabels(
            points.map((p) => ({ id: p.pcode, x: p.x, y: p.y, text: p.name })),
            points.map((p) => pointBox(p.x, p.y, 7)),
            { width: W, height: H },
            { radius: 7 },
          );
          return (
            <>
              {points.map((p) => (
                <g key={p.pcode} data-pcode={p.pcode} {...NO_TRANSLATE}>
                  <title>{`${p.name}: ${p.n}`}</title>
                  <circle cx={p.x} cy={p.y} r={5 + Math.min(6, p.n)} />
                </g>
              ))}
              {labels.map((l) => (
                <text key={l.id} x={l.x} y={l.y} textAnchor={l.anchor} {...NO_TRANSLATE}>
                  {points.find((p) => p.pcode === l.id)?.name}
                </text>
              ))}
            </>
          );
        }}
      </RegionMap>
    </section>
  );
}
