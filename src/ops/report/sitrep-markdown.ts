/**
 * sitrep-markdown.ts — renders a situation report (sitrep.ts) as Markdown: a heading, the totals
 * table, per route point, linked operations, sources' figures, alerts and caveats. Every piece of
 * text that is not this file's own markup goes through escapeMarkdown (src/lib/markdown.ts):
 * names, mandate instruments and dates, sources, notes, ids, even the figures and the status, so
 * nothing a planner, monitor or source typed can add a heading, a link, HTML or a table cell
 * (issue 12.10).
 */
import { escapeMarkdown as md } from '../../lib/markdown.js';
import { VEHICLE_KINDS } from '../model.js';
import { POINT_COLUMNS, pointRows, type Sitrep } from './sitrep.js';
import { KIND_COLUMNS } from './vehicle-kinds.js';

const fmt = new Intl.NumberFormat('en-GB');
const n = (x: number) => fmt.format(x);

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  return [
    `| ${header.map(md).join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.map(md).join(' | ')} |`),
  ];
}

/** renderSitrepMarkdown returns the report as a Markdown document. */
export function renderSitrepMarkdown(s: Sitrep): string {
  const period = s.period.from ? `${md(s.period.from)} – ${md(s.period.to)}` : `up to ${md(s.period.to)}`;
  const mandates = s.mandates.map((m) => `${md(m.instrument)} (${md(m.date)})`).join('; ');
  const lines = [
    `# Situation report: ${md(s.name)}`,
    '',
    `Period: ${period}  `,
    `Status: **${md(s.status)}**${s.mandates.length > 0 ? `  \nMandates: ${mandates}` : ''}`,
    '',
    '## Totals',
    '',
    ...table(
      ['People', 'Vehicles', ...VEHICLE_KINDS.map((k) => KIND_COLUMNS[k].label), 'Medical evacuations'],
      [
        [
          s.totals.people,
          s.totals.vehicles,
          ...VEHICLE_KINDS.map((k) => s.totals.byKind[k] ?? 0),
          s.totals.medicalEvacuations,
        ].map(n),
      ],
    ),
    '',
    md(
      `Planned: ${n(s.plannedPeople)} people. In transit: ${n(s.inTransit.vehicles)} vehicles, ${n(s.inTransit.people)} people. Missing (never arrived): ${n(s.missing.vehicles)} vehicles, ${n(s.missing.people)} people. Turned back: ${n(s.turnedBackVehicles)} vehicles.`,
    ),
    '',
    '## Per route point',
    '',
    ...table([...POINT_COLUMNS], pointRows(s)),
  ];
  if (s.linked.length > 0) {
    lines.push('', '## Linked operations', '');
    lines.push(
      ...table(
        ['Operation', 'Rule', 'People arrived', 'Planned', 'Progress'],
        s.linked.map((l) => [l.name, l.rule, n(l.people), n(l.plannedPeople), `${l.progressPercent}%`]),
      ),
    );
  }
  if (s.reportedTotals.figures.length > 0) {
    lines.push('', "## Sources' reported totals", '');
    lines.push(
      ...table(
        ['Source', 'Total', 'At'],
        s.reportedTotals.figures.map((f) => [f.source, n(f.total), f.at]),
      ),
    );
    lines.push('', md(`Range: ${n(s.reportedTotals.min ?? 0)} – ${n(s.reportedTotals.max ?? 0)}`));
  }
  lines.push('', `## Alerts (${s.alerts.length})`, '');
  if (s.alerts.length === 0) lines.push('None.');
  else {
    lines.push(
      ...table(
        ['Severity', 'Kind', 'Subject', 'State', 'Raised', 'Note'],
        s.alerts.map((a) => [a.severity, a.kind, a.subject, a.state, a.raisedAt, a.note ?? '']),
      ),
    );
  }
  lines.push('', '## Caveats', '');
  if (s.caveats.length === 0) lines.push('None: every arrival count is corroborated.');
  else lines.push(...s.caveats.map((c) => `- ${md(c)}`));
  return `${lines.join('\n')}\n`;
}
