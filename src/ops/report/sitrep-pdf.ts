/**
 * sitrep-pdf.ts — renders a situation report (sitrep.ts) as an A4 PDF with the same sections as
 * sitrep-markdown.ts: heading, period, status, mandates, totals, per route point, linked operations,
 * sources' figures, alerts and caveats, with "Page n of m" in every footer — in English or in
 * Arabic, right to left (issue 16.4).
 *
 * Text goes through src/lib/pdf-bidi.ts: DejaVu Sans embedded (Latin, Arabic with its joining
 * forms, ≤ and the other symbols), each line ordered by the Unicode Bidirectional Algorithm, so an
 * Arabic name in an English report and an ERN in an Arabic one both read correctly. In Arabic the
 * page is mirrored: text from the right margin, the first table column on the right.
 *
 * The output is deterministic: the document's dates come from `generatedAt` (or the period's end),
 * and PDFKit derives the file ID and the font subset's tag from those dates and the document, so the
 * same input gives the same bytes. Very long cell text is cut with '…' so that one table row always
 * fits on a page.
 */
import PDFDocument from 'pdfkit';
import {
  cleanText,
  type Direction,
  drawLine,
  drawText,
  heightOfText,
  registerFonts,
} from '../../lib/pdf-bidi.js';
import { VEHICLE_KINDS } from '../model.js';
import type { Sitrep } from './sitrep.js';
import { type SitrepLanguage, type SitrepText, sitrepText } from './sitrep-text.js';

const REGULAR = 'regular';
const BOLD = 'bold';
const MARGIN = 48;
const FOOTER_SPACE = 56;
const TABLE_SIZE = 7.5;
const PAD = 3;
/** Longest text in a table cell, and in an alert's note, before it is cut. */
const MAX_CELL = 200;
const MAX_NOTE = 280;
/** Longest operation name in the heading and the footer. */
const MAX_NAME = 300;

/** cut returns clean text of at most `max` characters (code points), ending with '…' when it was cut. */
export function cut(text: string, max: number): string {
  const chars = Array.from(cleanText(text));
  return chars.length <= max
    ? chars.join('')
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

interface Column {
  readonly header: string;
  readonly width: number;
  /** Figures line up at the end of the cell (the right in English, the left in Arabic). */
  readonly align?: 'start' | 'end';
  readonly max?: number;
}

interface Row {
  readonly cells: readonly string[];
  /** Shows the first cell in bold red (critical alerts). */
  readonly strong?: boolean;
}

type Doc = PDFKit.PDFDocument;

class Layout {
  readonly left = MARGIN;
  readonly width: number;
  readonly direction: Direction;

  constructor(
    readonly doc: Doc,
    readonly t: SitrepText,
  ) {
    this.width = doc.page.width - 2 * MARGIN;
    this.direction = t.words.direction;
  }

  get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** need starts a new page unless `height` points fit below the cursor. */
  need(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  heading(text: string): void {
    // Keep a heading with the start of what follows it.
    this.need(70);
    this.doc.moveDown(0.8);
    this.doc.font(BOLD).fontSize(12).fillColor('black');
    drawText(this.doc, text, this.left, this.doc.y, { width: this.width, direction: this.direction });
    this.doc.moveDown(0.3);
  }

  paragraph(text: string, options: { bold?: boolean; size?: number } = {}): void {
    this.doc
      .font(options.bold ? BOLD : REGULAR)
      .fontSize(options.size ?? 9.5)
      .fillColor('black');
    const clean = cut(text, 4000);
    this.need(heightOfText(this.doc, clean, this.width));
    drawText(this.doc, clean, this.left, this.doc.y, { width: this.width, direction: this.direction });
  }

  /** table draws aligned columns (mirrored right to left), repeating the header row on each new page. */
  table(title: string, columns: readonly Column[], rows: readonly Row[]): void {
    const doc = this.doc;
    const rtl = this.direction === 'rtl';
    const texts = rows.map((r) => ({
      strong: r.strong === true,
      cells: columns.map((col, i) => cut(r.cells[i] ?? '', col.max ?? MAX_CELL)),
    }));
    const tableWidth = columns.reduce((sum, c) => sum + c.width, 0);
    const tableLeft = rtl ? this.left + this.width - tableWidth : this.left;
    // Each column's left edge: from the left in English, from the right in Arabic.
    const edges: number[] = [];
    let run = 0;
    for (const col of columns) {
      edges.push(rtl ? tableLeft + tableWidth - run - col.width : tableLeft + run);
      run += col.width;
    }
    const height = (cells: readonly string[], font: string) => {
      doc.font(font).fontSize(TABLE_SIZE);
      let h = doc.currentLineHeight(true);
      cells.forEach((c, i) => {
        if (c !== '') h = Math.max(h, heightOfText(doc, c, columns[i]!.width - 2 * PAD));
      });
      return Math.ceil(h) + 2 * PAD;
    };
    const headerHeight = height(
      columns.map((c) => c.header),
      BOLD,
    );
    const line = (y: number, color: string) =>
      doc
        .moveTo(tableLeft, y)
        .lineTo(tableLeft + tableWidth, y)
        .lineWidth(0.5)
        .strokeColor(color)
        .stroke();
    const drawCells = (cells: readonly string[], y: number, font: string, strong: boolean) => {
      cells.forEach((c, i) => {
        const col = columns[i]!;
        const emphasis = strong && i === 0;
        doc
          .font(emphasis ? BOLD : font)
          .fontSize(TABLE_SIZE)
          .fillColor(emphasis ? '#b00020' : 'black');
        if (c !== '')
          drawText(doc, c, edges[i]! + PAD, y + PAD, {
            width: col.width - 2 * PAD,
            direction: this.direction,
            align: col.align ?? 'start',
          });
      });
      doc.fillColor('black');
    };
    const drawHeader = (y: number) => {
      doc.rect(tableLeft, y, tableWidth, headerHeight).fillColor('#e8e8e8').fill();
      drawCells(
        columns.map((c) => c.header),
        y,
        BOLD,
        false,
      );
      line(y + headerHeight, '#777777');
      return y + headerHeight;
    };
    let y = drawHeader(doc.y);
    for (const row of texts) {
      const h = height(row.cells, REGULAR);
      if (y + h > this.bottom - 1) {
        doc.addPage();
        doc.font(REGULAR).fontSize(TABLE_SIZE).fillColor('#555555');
        drawText(doc, this.t.fill(this.t.words.continued, { title }), this.left, doc.page.margins.top, {
          width: this.width,
          direction: this.direction,
        });
        doc.fillColor('black');
        y = drawHeader(doc.y + 2);
      }
      drawCells(row.cells, y, REGULAR, row.strong);
      y += h;
      line(y, '#cccccc');
    }
    doc.x = this.left;
    doc.y = y + 2;
  }
}

function collect(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

export interface SitrepPdfOptions {
  /** ISO time shown in the heading and used as the document's dates (default: the period's end). */
  readonly generatedAt?: string;
  readonly language?: SitrepLanguage;
}

/**
 * renderSitrepPdf returns the report as an A4 PDF in `language` (default English). `generatedAt`
 * (ISO) is shown in the heading and becomes the document's creation date; without it the period's
 * end is used, never the clock.
 */
export async function renderSitrepPdf(s: Sitrep, options: SitrepPdfOptions = {}): Promise<Buffer> {
  const t = sitrepText(options.language ?? 'en');
  const w = t.words;
  const generatedAt = options.generatedAt ?? s.period.to;
  const date = new Date(generatedAt);
  if (Number.isNaN(date.getTime())) throw new RangeError(`invalid generatedAt ${generatedAt}`);
  // An exercise says so in the heading and in every page's footer (issue 13.8).
  const name = cut(t.local(s), MAX_NAME);
  const title = `${s.exercise ? `${w.exerciseBanner} — ` : ''}${t.fill(w.title, { name })}`;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: FOOTER_SPACE },
    bufferPages: true,
    lang: t.language,
    displayTitle: true,
    info: {
      Title: title,
      Creator: 'attest',
      Producer: 'attest (PDFKit)',
      CreationDate: date,
      ModDate: date,
    },
  });
  registerFonts(doc);
  doc.font(REGULAR);
  const done = collect(doc);
  const out = new Layout(doc, t);
  const n = t.number;
  const end = 'end' as const;

  if (s.exercise) out.paragraph(w.exerciseBanner, { bold: true, size: 16 });
  out.paragraph(title, { bold: true, size: 16 });
  doc.moveDown(0.4);
  const period = s.period.from
    ? `${t.time(s.period.from)} – ${t.time(s.period.to)}`
    : t.fill(w.upTo, { to: t.time(s.period.to) });
  out.paragraph(`${w.generated}: ${t.time(generatedAt)}`);
  out.paragraph(`${w.period}: ${period}`);
  out.paragraph(`${w.status}: ${t.name(w.statusNames, s.status)}`);
  if (s.mandates.length > 0) {
    out.paragraph(`${w.mandates}: ${s.mandates.map((m) => `${m.instrument} (${m.date})`).join('; ')}`);
  }

  out.heading(w.headings.totals);
  const totals = s.totals;
  const pair = (a: number, b: number) => `${t.count('vehicles', a)}${w.list}${t.count('people', b)}`;
  out.table(
    w.headings.totals,
    [
      { header: w.totals.figure, width: 200 },
      { header: w.totals.value, width: 160, align: end },
    ],
    [
      [w.totals.people, n(totals.people)],
      [w.totals.vehiclesAll, n(totals.vehicles)],
      ...VEHICLE_KINDS.map((k) => [t.name(w.vehicleKinds, k), n(totals.byKind[k] ?? 0)]),
      [w.totals.medical, n(totals.medicalEvacuations)],
      [w.totals.planned, n(s.plannedPeople)],
      [w.totals.inTransit, pair(s.inTransit.vehicles, s.inTransit.people)],
      [w.totals.missing, pair(s.missing.vehicles, s.missing.people)],
      [w.totals.turnedBack, n(s.turnedBackVehicles)],
    ].map((cells) => ({ cells })),
  );

  out.heading(w.headings.points);
  out.table(
    w.headings.points,
    w.pointColumns.map((header, i) => ({
      header,
      width: [24, 150, 80, 75, 55, 60, 55][i]!,
      ...(i === 0 || i >= 4 ? { align: end } : {}),
    })),
    s.points.map((p) => ({
      cells: [
        n(p.order),
        t.local(p),
        p.pcode ?? w.adHoc,
        t.name(w.pointKinds, p.kind),
        n(p.vehicles),
        n(p.people),
        n(p.uncounted),
      ],
    })),
  );

  if (s.linked.length > 0) {
    out.heading(w.headings.linked);
    out.table(
      w.headings.linked,
      w.linkedColumns.map((header, i) => ({
        header,
        width: [170, 110, 75, 75, 69][i]!,
        ...(i >= 2 ? { align: end } : {}),
      })),
      s.linked.map((l) => ({
        cells: [
          t.local(l),
          t.linkRule(l.ruleFacts),
          n(l.people),
          n(l.plannedPeople),
          t.percent(l.progressPercent),
        ],
      })),
    );
  }

  if (s.reportedTotals.figures.length > 0) {
    out.heading(w.headings.reported);
    out.table(
      w.headings.reported,
      w.reportedColumns.map((header, i) => ({
        header,
        width: [220, 90, 110][i]!,
        ...(i === 1 ? { align: end } : {}),
      })),
      s.reportedTotals.figures.map((f) => ({ cells: [f.source, n(f.total), t.time(f.at)] })),
    );
    doc.moveDown(0.3);
    out.paragraph(t.fill(w.range, { min: n(s.reportedTotals.min ?? 0), max: n(s.reportedTotals.max ?? 0) }));
  }

  const alertsTitle = t.fill(w.headings.alerts, { n: n(s.alerts.length) });
  out.heading(alertsTitle);
  if (s.alerts.length === 0) out.paragraph(w.none);
  else {
    out.table(
      w.headings.alertsTable,
      w.alertColumns.map((header, i) => ({
        header,
        width: [48, 92, 90, 58, 72, 139][i]!,
        ...(i === 5 ? { max: MAX_NOTE } : {}),
      })),
      s.alerts.map((a) => ({
        cells: [
          t.name(w.severities, a.severity),
          t.name(w.alertKinds, a.kind),
          a.subject,
          t.name(w.states, a.state),
          t.time(a.raisedAt),
          a.note ?? '',
        ],
        strong: a.severity === 'critical',
      })),
    );
  }

  out.heading(w.headings.caveats);
  const caveats = s.caveatFacts.map((c) => t.caveat(c));
  if (caveats.length === 0) out.paragraph(w.noCaveats);
  else {
    for (const c of caveats) {
      out.paragraph(`•  ${c}`);
      doc.moveDown(0.2);
    }
  }

  const pages = doc.bufferedPageRange();
  const footer = `${title} · ${t.fill(w.generatedShort, { at: t.time(generatedAt) })}`;
  for (let i = pages.start; i < pages.start + pages.count; i += 1) {
    doc.switchToPage(i);
    const bottomMargin = doc.page.margins.bottom;
    // Writing below the bottom margin would otherwise add a page.
    doc.page.margins.bottom = 0;
    const y = doc.page.height - FOOTER_SPACE + 20;
    doc
      .moveTo(MARGIN, y - 6)
      .lineTo(MARGIN + out.width, y - 6)
      .lineWidth(0.5)
      .strokeColor('#999999')
      .stroke();
    doc.font(REGULAR).fontSize(7.5).fillColor('#444444');
    const pageText = t.fill(w.page, { n: n(i - pages.start + 1), m: n(pages.count) });
    const pageWidth = drawLine(doc, pageText, MARGIN, y, {
      width: out.width,
      direction: out.direction,
      align: end,
    });
    const room = out.width - pageWidth - 16;
    let left = footer;
    while (left.length > 1 && heightOfText(doc, left, room) > doc.currentLineHeight(true))
      left = `${left.slice(0, -2)}…`;
    const footerX = out.direction === 'rtl' ? MARGIN + pageWidth + 16 : MARGIN;
    drawLine(doc, left, footerX, y, { width: room, direction: out.direction });
    doc.page.margins.bottom = bottomMargin;
  }
  doc.end();
  return done;
}
