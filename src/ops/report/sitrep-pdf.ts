/**
 * sitrep-pdf.ts — renders a situation report (sitrep.ts) as an A4 PDF with the same sections as
 * sitrep-markdown.ts: heading, period, status, mandates, totals, per route point, linked operations,
 * sources' figures, alerts and caveats, with "Page n of m" in every footer.
 *
 * The output is deterministic: the document's dates come from `generatedAt` (or the period's end),
 * and PDFKit derives the file ID from those dates, so the same input gives the same bytes. Only
 * the built-in Helvetica fonts are used (WinAnsi encoding); characters they cannot show (Arabic,
 * emoji, control characters) are replaced by '?', and very long cell text is cut with '…' so
 * that one table row always fits on a page.
 */
import PDFDocument from 'pdfkit';
import { VEHICLE_KINDS } from '../model.js';
import { POINT_COLUMNS, pointRows, type Sitrep } from './sitrep.js';
import { KIND_COLUMNS } from './vehicle-kinds.js';

const fmt = new Intl.NumberFormat('en-GB');
const n = (x: number) => fmt.format(x);

const REGULAR = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const MARGIN = 48;
const FOOTER_SPACE = 56;
const TABLE_SIZE = 8;
const PAD = 3;
/** Longest text in a table cell, and in an alert's note, before it is cut. */
const MAX_CELL = 200;
const MAX_NOTE = 280;
/** Longest operation name in the heading and the footer. */
const MAX_NAME = 300;

/** Characters beyond Latin-1 that WinAnsiEncoding has (PDF 1.7, Annex D). */
const WIN_ANSI_EXTRA = new Set([
  0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017d, 0x017e, 0x0192, 0x02c6, 0x02dc, 0x2013, 0x2014, 0x2018,
  0x2019, 0x201a, 0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac,
  0x2122,
]);

/**
 * pdfText makes `text` safe for the standard fonts: line breaks and other spaces become a space,
 * a few dashes become '-', and each code point WinAnsi cannot encode becomes '?'.
 */
export function pdfText(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const c = ch.codePointAt(0)!;
    if (c === 0x09 || c === 0x0a || c === 0x0b || c === 0x0c || c === 0x0d || c === 0x2028 || c === 0x2029)
      out += ' ';
    else if ((c >= 0x20 && c < 0x7f) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.has(c)) out += ch;
    else if (/\p{Zs}/u.test(ch)) out += ' ';
    else if ((c >= 0x2010 && c <= 0x2012) || c === 0x2015 || c === 0x2212) out += '-';
    else out += '?';
  }
  return out;
}

/** cut returns safe text of at most `max` characters, ending with '…' when it was cut. */
function cut(text: string, max: number): string {
  const safe = pdfText(text);
  return safe.length <= max ? safe : `${safe.slice(0, max - 1).trimEnd()}…`;
}

/** time shows an ISO instant as `YYYY-MM-DD HH:MM UTC` (seconds kept when not zero). */
function time(iso: string, zone = ' UTC'): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d)?(\.\d+)?Z$/.exec(iso);
  if (!m) return iso;
  const seconds = m[3] && m[3] !== ':00' ? m[3] : '';
  return `${m[1]} ${m[2]}${seconds}${zone}`;
}

interface Column {
  readonly header: string;
  readonly width: number;
  readonly align?: 'left' | 'right';
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

  constructor(readonly doc: Doc) {
    this.width = doc.page.width - 2 * MARGIN;
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
    this.doc.font(BOLD).fontSize(12).fillColor('black').text(pdfText(text), this.left, this.doc.y, {
      width: this.width,
    });
    this.doc.moveDown(0.3);
  }

  paragraph(text: string, options: { bold?: boolean; size?: number } = {}): void {
    this.doc
      .font(options.bold ? BOLD : REGULAR)
      .fontSize(options.size ?? 9.5)
      .fillColor('black')
      .text(pdfText(text), this.left, this.doc.y, { width: this.width });
  }

  /** table draws aligned columns, repeating the header row on each new page. */
  table(title: string, columns: readonly Column[], rows: readonly Row[]): void {
    const doc = this.doc;
    const texts = rows.map((r) => ({
      strong: r.strong === true,
      cells: columns.map((col, i) => cut(r.cells[i] ?? '', col.max ?? MAX_CELL)),
    }));
    const cellOptions = (col: Column) => ({ width: col.width - 2 * PAD, align: col.align ?? 'left' });
    const height = (cells: readonly string[], font: string) => {
      doc.font(font).fontSize(TABLE_SIZE);
      let h = doc.currentLineHeight(true);
      cells.forEach((c, i) => {
        if (c !== '') h = Math.max(h, doc.heightOfString(c, cellOptions(columns[i]!)));
      });
      return Math.ceil(h) + 2 * PAD;
    };
    const headerHeight = height(
      columns.map((c) => c.header),
      BOLD,
    );
    const tableWidth = columns.reduce((sum, c) => sum + c.width, 0);
    const line = (y: number, color: string) =>
      doc
        .moveTo(this.left, y)
        .lineTo(this.left + tableWidth, y)
        .lineWidth(0.5)
        .strokeColor(color)
        .stroke();
    const drawCells = (cells: readonly string[], y: number, font: string, strong: boolean) => {
      let x = this.left;
      cells.forEach((c, i) => {
        const col = columns[i]!;
        const emphasis = strong && i === 0;
        doc
          .font(emphasis ? BOLD : font)
          .fontSize(TABLE_SIZE)
          .fillColor(emphasis ? '#b00020' : 'black');
        if (c !== '') doc.text(c, x + PAD, y + PAD, { ...cellOptions(col), lineBreak: true });
        x += col.width;
      });
      doc.fillColor('black');
    };
    const drawHeader = (y: number) => {
      doc.rect(this.left, y, tableWidth, headerHeight).fillColor('#e8e8e8').fill();
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
        doc
          .font(REGULAR)
          .fontSize(TABLE_SIZE)
          .fillColor('#555555')
          .text(`${pdfText(title)} (continued)`, this.left, doc.page.margins.top, { width: this.width });
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

/**
 * renderSitrepPdf returns the report as an A4 PDF. `generatedAt` (ISO) is shown in the heading and
 * becomes the document's creation date; without it the period's end is used, never the clock.
 */
export async function renderSitrepPdf(s: Sitrep, options: { generatedAt?: string } = {}): Promise<Buffer> {
  const generatedAt = options.generatedAt ?? s.period.to;
  const date = new Date(generatedAt);
  if (Number.isNaN(date.getTime())) throw new RangeError(`invalid generatedAt ${generatedAt}`);
  const title = `Situation report — ${cut(s.name, MAX_NAME)}`;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: FOOTER_SPACE },
    bufferPages: true,
    font: REGULAR,
    info: {
      Title: `Situation report — ${s.name.replace(/\p{Cc}/gu, ' ').slice(0, MAX_NAME)}`,
      Creator: 'attest',
      Producer: 'attest (PDFKit)',
      CreationDate: date,
      ModDate: date,
    },
  });
  const done = collect(doc);
  const out = new Layout(doc);

  out.paragraph(title, { bold: true, size: 16 });
  doc.moveDown(0.4);
  const period = s.period.from
    ? `${time(s.period.from)} – ${time(s.period.to)}`
    : `up to ${time(s.period.to)}`;
  out.paragraph(`Generated: ${time(generatedAt)}`);
  out.paragraph(`Period: ${pdfText(period)}`);
  out.paragraph(`Status: ${pdfText(s.status)}`);
  if (s.mandates.length > 0) {
    out.paragraph(`Mandates: ${cut(s.mandates.map((m) => `${m.instrument} (${m.date})`).join('; '), 2000)}`);
  }

  out.heading('Totals');
  const t = s.totals;
  out.table(
    'Totals',
    [
      { header: 'Figure', width: 200 },
      { header: 'Value', width: 140, align: 'right' },
    ],
    (
      [
        ['People', n(t.people)],
        ['Vehicles (all kinds)', n(t.vehicles)],
        ...VEHICLE_KINDS.map((k) => [KIND_COLUMNS[k].label, n(t.byKind[k] ?? 0)] as const),
        ['Medical evacuations', n(t.medicalEvacuations)],
        ['Planned (people)', n(s.plannedPeople)],
        ['In transit', `${n(s.inTransit.vehicles)} vehicles, ${n(s.inTransit.people)} people`],
        ['Missing (never arrived)', `${n(s.missing.vehicles)} vehicles, ${n(s.missing.people)} people`],
        ['Turned back (vehicles)', n(s.turnedBackVehicles)],
      ] as const
    ).map((cells) => ({ cells })),
  );

  out.heading('Per route point');
  out.table(
    'Per route point',
    POINT_COLUMNS.map((header, i) => ({
      header,
      width: [24, 150, 80, 75, 55, 60, 55][i]!,
      ...(i === 0 || i >= 4 ? { align: 'right' as const } : {}),
    })),
    pointRows(s).map((cells) => ({ cells })),
  );

  if (s.linked.length > 0) {
    out.heading('Linked operations');
    out.table(
      'Linked operations',
      [
        { header: 'Operation', width: 170 },
        { header: 'Rule', width: 110 },
        { header: 'People arrived', width: 75, align: 'right' },
        { header: 'Planned', width: 75, align: 'right' },
        { header: 'Progress', width: 69, align: 'right' },
      ],
      s.linked.map((l) => ({
        cells: [l.name, l.rule, n(l.people), n(l.plannedPeople), `${l.progressPercent}%`],
      })),
    );
  }

  if (s.reportedTotals.figures.length > 0) {
    out.heading("Sources' reported totals");
    out.table(
      "Sources' reported totals",
      [
        { header: 'Source', width: 220 },
        { header: 'Total', width: 90, align: 'right' },
        { header: 'At (UTC)', width: 110 },
      ],
      s.reportedTotals.figures.map((f) => ({ cells: [f.source, n(f.total), time(f.at, '')] })),
    );
    doc.moveDown(0.3);
    out.paragraph(`Range: ${n(s.reportedTotals.min ?? 0)} – ${n(s.reportedTotals.max ?? 0)}`);
  }

  out.heading(`Alerts (${s.alerts.length})`);
  if (s.alerts.length === 0) out.paragraph('None.');
  else {
    out.table(
      'Alerts',
      [
        { header: 'Severity', width: 48 },
        { header: 'Kind', width: 92 },
        { header: 'Subject', width: 90 },
        { header: 'State', width: 58 },
        { header: 'Raised (UTC)', width: 72 },
        { header: 'Note', width: 139, max: MAX_NOTE },
      ],
      s.alerts.map((a) => ({
        cells: [a.severity, a.kind, a.subject, a.state, time(a.raisedAt, ''), a.note ?? ''],
        strong: a.severity === 'critical',
      })),
    );
  }

  out.heading('Caveats');
  if (s.caveats.length === 0) out.paragraph('None: every arrival count is corroborated.');
  else {
    for (const c of s.caveats) {
      out.paragraph(`•  ${cut(c, 2000)}`);
      doc.moveDown(0.2);
    }
  }

  const pages = doc.bufferedPageRange();
  const footer = `${title} · generated ${time(generatedAt)}`;
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
    const pageText = `Page ${i - pages.start + 1} of ${pages.count}`;
    const pageWidth = doc.widthOfString(pageText);
    let left = footer;
    const room = out.width - pageWidth - 16;
    while (left.length > 1 && doc.widthOfString(left) > room) left = `${left.slice(0, -2)}…`;
    doc.text(left, MARGIN, y, { lineBreak: false });
    doc.text(pageText, MARGIN + out.width - pageWidth, y, { lineBreak: false });
    doc.page.margins.bottom = bottomMargin;
  }
  doc.end();
  return done;
}
