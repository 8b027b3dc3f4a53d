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
import type { Sitrep } from './sitrep.js';
import { type SitrepLanguage, sitrepText } from './sitrep-text.js';

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  return [
    `| ${header.map(md).join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.map(md).join(' | ')} |`),
  ];
}

/**
 * renderSitrepMarkdown returns the report as a Markdown document in `language` (default English).
 * Times stay ISO 8601 (the Markdown form is also read by programs); Arabic names are used in an
 * Arabic report where the plan has them.
 */
export function renderSitrepMarkdown(s: Sitrep, language: SitrepLanguage = 'en'): string {
  const t = sitrepText(language);
  const w = t.words;
  const n = t.number;
  const period = s.period.from
    ? `${md(s.period.from)} – ${md(s.period.to)}`
    : md(t.fill(w.upTo, { to: s.period.to }));
  const mandates = s.mandates.map((m) => `${md(m.instrument)} (${md(m.date)})`).join('; ');
  const lines = [
    ...(s.exercise ? [`> **${md(w.exerciseBanner)}**`, ''] : []),
    `# ${md(t.fill(w.markdown.title, { name: t.local(s) }))}${s.exercise ? ` — ${md(w.exerciseBanner)}` : ''}`,
    '',
    `${md(w.period)}: ${period}  `,
    `${md(w.status)}: **${md(t.name(w.statusNames, s.status))}**${s.mandates.length > 0 ? `  \n${md(w.mandates)}: ${mandates}` : ''}`,
    '',
    `## ${md(w.headings.totals)}`,
    '',
    ...table(
      [
        w.totals.people,
        w.markdown.vehicles,
        ...VEHICLE_KINDS.map((k) => t.name(w.vehicleKinds, k)),
        w.totals.medical,
      ],
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
      w.markdown.summary(
        {
          planned: s.plannedPeople,
          transit: s.inTransit,
          missing: s.missing,
          turnedBack: s.turnedBackVehicles,
        },
        t,
      ),
    ),
    '',
    `## ${md(w.headings.points)}`,
    '',
    ...table(
      [...w.pointColumns],
      s.points.map((p) => [
        n(p.order),
        t.local(p),
        p.pcode ?? w.adHoc,
        t.name(w.pointKinds, p.kind),
        n(p.vehicles),
        n(p.people),
        n(p.uncounted),
      ]),
    ),
  ];
  if (s.linked.length > 0) {
    lines.push('', `## ${md(w.headings.linked)}`, '');
    lines.push(
      ...table(
        [...w.linkedColumns],
        s.linked.map((l) => [
          t.local(l),
          t.linkRule(l.ruleFacts),
          n(l.people),
          n(l.plannedPeople),
          t.percent(l.progressPercent),
        ]),
      ),
    );
  }
  if (s.reportedTotals.figures.length > 0) {
    lines.push('', `## ${md(w.headings.reported)}`, '');
    lines.push(
      ...table(
        [w.reportedColumns[0], w.reportedColumns[1], w.markdown.at],
        s.reportedTotals.figures.map((f) => [f.source, n(f.total), f.at]),
      ),
    );
    lines.push(
      '',
      md(t.fill(w.range, { min: n(s.reportedTotals.min ?? 0), max: n(s.reportedTotals.max ?? 0) })),
    );
  }
  lines.push('', `## ${md(t.fill(w.headings.alerts, { n: n(s.alerts.length) }))}`, '');
  if (s.alerts.length === 0) lines.push(md(w.none));
  else {
    const [severity, kind, subject, state, , note] = w.alertColumns;
    lines.push(
      ...table(
        [severity, kind, subject, state, w.markdown.raised, note],
        s.alerts.map((a) => [
          t.name(w.severities, a.severity),
          t.name(w.alertKinds, a.kind),
          a.subject,
          t.name(w.states, a.state),
          a.raisedAt,
          a.note ?? '',
        ]),
      ),
    );
  }
  lines.push('', `## ${md(w.headings.caveats)}`, '');
  if (s.caveatFacts.length === 0) lines.push(md(w.noCaveats));
  else lines.push(...s.caveatFacts.map((c) => `- ${md(t.caveat(c))}`));
  return `${lines.join('\n')}\n`;
}
