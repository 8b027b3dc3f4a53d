/**
 * timeline.tsx — incidents on one time axis: a bar from the earliest the incident may have begun
 * to the latest it may have ended, the certain part (latest start → earliest end) solid and the
 * uncertain margins faint, so an uncertain date looks uncertain. Incidents with no time are left
 * out (the table says "time not known"). Each bar names its incident for screen readers.
 */
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.js';
import { navigate } from '../router.js';
import type { IncidentSummary } from './types.js';

const W = 640;
const ROW = 22;
const PAD = 8;
const AXIS = 24;

interface Span {
  readonly inc: IncidentSummary;
  readonly from: number;
  readonly to: number;
  readonly sureFrom: number;
  readonly sureTo: number;
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/** spanOf reads an incident's outer and certain extent in ms, or null when it has no time. */
export function spanOf(inc: IncidentSummary): Span | null {
  const [se, sl, ee, el] = [inc.start.earliest, inc.start.latest, inc.end.earliest, inc.end.latest].map(
    ms,
  ) as [number, number, number, number];
  const known = [se, sl, ee, el].filter((x) => !Number.isNaN(x));
  if (known.length === 0) return null;
  const from = Math.min(...known);
  const to = Math.max(...known);
  // Certainly going on: from the latest it may have begun to the earliest it may have ended.
  const sureFrom = Number.isNaN(sl) ? from : sl;
  const sureTo = Math.max(sureFrom, Number.isNaN(ee) ? sureFrom : ee);
  return { inc, from, to, sureFrom, sureTo: Math.min(sureTo, to) };
}

export function Timeline({ incidents }: { incidents: readonly IncidentSummary[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const spans = incidents.map(spanOf).filter((s): s is Span => s !== null);
  if (spans.length === 0) return null;
  spans.sort((a, b) => a.from - b.from);
  const min = Math.min(...spans.map((s) => s.from));
  const max = Math.max(...spans.map((s) => s.to));
  // A span of one day at least, so one incident still has width.
  const range = Math.max(max - min, 86_400_000);
  const x = (v: number) => PAD + ((v - min) / range) * (W - 2 * PAD);
  const H = AXIS + spans.length * ROW + PAD;
  return (
    <figure className="timeline card" data-testid="timeline">
      <figcaption>
        <h2>{t('analysis.timeline')}</h2>
      </figcaption>
      {/* Titles and dates are data; SVG elements do not carry `translate`, so the wrapper does. */}
      <div translate="no">
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('analysis.timelineLabel')}>
          <line className="axis" x1={PAD} x2={W - PAD} y1={AXIS - 6} y2={AXIS - 6} />
          <text x={PAD} y={12} textAnchor="start">
            {f.date(new Date(min).toISOString())}
          </text>
          <text x={W - PAD} y={12} textAnchor="end">
            {f.date(new Date(min + range).toISOString())}
          </text>
          {spans.map((s, i) => {
            const y = AXIS + i * ROW;
            const w = Math.max(3, x(s.to) - x(s.from));
            const sure = Math.max(3, x(s.sureTo) - x(s.sureFrom));
            return (
              // biome-ignore lint/a11y/noStaticElementInteractions: a pointer shortcut; the table below links every incident.
              <g
                key={s.inc.id}
                onClick={() => navigate(`/analysis/incidents/${s.inc.id}`)}
                style={{ cursor: 'pointer' }}
              >
                <title>{`${s.inc.title}: ${f.date(new Date(s.from).toISOString())} – ${f.date(new Date(s.to).toISOString())}`}</title>
                <rect className="bar uncertain" x={x(s.from)} y={y} width={w} height={ROW - 8} rx={3} />
                <rect className="bar" x={x(s.sureFrom)} y={y} width={sure} height={ROW - 8} rx={3} />
              </g>
            );
          })}
        </svg>
      </div>
    </figure>
  );
}
