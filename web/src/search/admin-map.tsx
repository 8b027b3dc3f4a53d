/**
 * admin-map.tsx — the admin areas (governorates, or districts when a governorate is chosen) of
 * the results on the built-in map: a circle per area, sized by its count, placed at the middle of
 * its sub-district seats. Choosing one filters the search by `place:<P-code>`. The same choices
 * are listed as buttons beside the map (keyboard and screen readers). The map itself:
 * map/region-map.tsx.
 */
import seats from 'virtual:gazetteer-seats';
import { useTranslation } from 'react-i18next';
import type { FacetValue } from '../api/types.js';
import { RegionMap } from '../map/region-map.js';

const W = 360;
const H = 300;
const NO_TRANSLATE = { translate: 'no' } as object;

/** centreOf is the mean position of the seats whose P-code starts with `pcode`, or null. */
function centreOf(pcode: string): [number, number] | null {
  const inside = seats.filter((s) => s[0].startsWith(pcode));
  if (inside.length === 0) return null;
  return [
    inside.reduce((n, s) => n + s[4], 0) / inside.length,
    inside.reduce((n, s) => n + s[3], 0) / inside.length,
  ];
}

export default function AdminMap({
  areas,
  onPick,
}: {
  areas: readonly FacetValue[];
  onPick: (pcode: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const located = areas
    .map((a) => ({ a, at: centreOf(a.value) }))
    .filter((x): x is { a: FacetValue; at: [number, number] } => x.at !== null);
  const max = Math.max(1, ...located.map((x) => x.a.count));
  return (
    <RegionMap width={W} height={H} className="admin-map" label={t('search.mapLabel')}>
      {(project) =>
        located.map(({ a, at }) => {
          const [x, y] = project(at);
          const r = 5 + 14 * Math.sqrt(a.count / max);
          const name = (i18n.language === 'ar' ? a.nameAr : a.name) ?? a.value;
          return (
            // biome-ignore lint/a11y/noStaticElementInteractions: a pointer shortcut; the buttons beside the map are the accessible way.
            <g key={a.value} className="area" onClick={() => onPick(a.value)} {...NO_TRANSLATE}>
              <title>{`${name}: ${a.count}`}</title>
              <circle cx={x} cy={y} r={r} />
              <text x={x} y={y + 4} textAnchor="middle">
                {a.count}
              </text>
            </g>
          );
        })
      }
    </RegionMap>
  );
}
