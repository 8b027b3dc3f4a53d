import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { iso, reportedTotal, sighting, testOperation, testVehicle } from '../fixtures.js';
import type { Observation } from '../model.js';
import { reconcileAll } from '../reconcile/reconcile.js';
import { buildSitrep, type Sitrep, type SitrepAlert } from './sitrep.js';
import { pdfText, renderSitrepPdf } from './sitrep-pdf.js';

const trip = (v: string, start: number, count: number, extra: Partial<Observation> = {}) =>
  (['o', 'c1', 'c2', 'd'] as const).map((p, i) => sighting(`${v}-${p}`, v, p, start + 30 * i, count, extra));

const state = reconcileAll(
  {
    operations: [{ ...testOperation('op', { plannedPeople: 80 }), name: 'Evacuation | of *here*' }],
    convoys: [],
    vehicles: [
      testVehicle('bus1'),
      testVehicle('amb1', 'op', 'ambulance'),
      testVehicle('car1', 'op', 'private'),
    ],
  },
  [
    ...trip('bus1', 0, 50, { categories: { adults: 30, children: 20, medical: 2 } }),
    ...trip('amb1', 60, 3),
    ...trip('car1', 24 * 60, 6),
    sighting('bus1-d-2', 'bus1', 'd', 91, 50, { monitorId: 'monitor-02' }),
    reportedTotal('r1', 'agency-a', 200, 60),
  ],
  Date.parse(iso(3 * 24 * 60)),
);
const sitrep = buildSitrep(state, { operationId: 'op' });

/** large returns the sitrep with `points` route points and `alerts` alerts, and big totals. */
function large(points: number, alerts: number): Sitrep {
  return {
    ...sitrep,
    totals: {
      people: 34_512,
      vehicles: 703,
      byKind: { bus: 412, ambulance: 57, private: 230, truck: 4 },
      buses: 412,
      ambulances: 57,
      privateVehicles: 230,
      trucks: 4,
      medicalEvacuations: 801,
    },
    plannedPeople: 50_000,
    inTransit: { vehicles: 12, people: 640 },
    turnedBackVehicles: 3,
    points: Array.from({ length: points }, (_, i) => ({
      pointId: `p${i}`,
      order: i,
      kind: i === 0 ? 'origin' : 'checkpoint',
      name: `Checkpoint ${i}`,
      pcode: i % 2 ? `SY02${i}` : null,
      vehicles: 700 - i,
      people: 20_000 + i,
      uncounted: i,
    })),
    alerts: Array.from(
      { length: alerts },
      (_, i): SitrepAlert => ({
        key: `k${i}`,
        kind: i % 2 ? 'conflicting-observations' : 'people-unaccounted',
        severity: i % 3 === 0 ? 'critical' : 'warning',
        state: 'open',
        raisedAt: iso(i),
        subject: `vehicle BUS-${i}`,
        note: i % 4 === 0 ? 'Two monitors disagree: 52 vs 49' : null,
      }),
    ),
  };
}

// WinAnsi codes 0x85, 0x95, 0x96, 0x97 that the report uses, back to Unicode.
const WIN_ANSI_BACK: Record<number, string> = { 133: '…', 149: '•', 150: '–', 151: '—' };

interface Extracted {
  /** The text of each text-showing operator, in order. */
  readonly texts: string[];
  /** Every hex string shown, as written. */
  readonly hex: string[];
  readonly pages: number;
}

/**
 * extract inflates the PDF's streams and returns what its TJ/Tj operators show. PDFKit writes
 * standard-font text as hex strings in TJ arrays (split where kerning applies): `[<48656c6c6f> 0] TJ`.
 */
function extract(pdf: Buffer): Extracted {
  const raw = pdf.toString('latin1');
  const texts: string[] = [];
  const hex: string[] = [];
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1');
    } catch {
      content = m[1]!;
    }
    for (const op of content.matchAll(
      /\[((?:<[0-9a-fA-F]*>|\([^)]*\)|[-\d.\s])*)\]\s*TJ|(<[0-9a-fA-F]*>|\([^)]*\))\s*Tj/g,
    )) {
      const body = op[1] ?? op[2] ?? '';
      let text = '';
      for (const s of body.matchAll(/<([0-9a-fA-F]*)>|\(([^)]*)\)/g)) {
        if (s[1] !== undefined) {
          hex.push(s[1]);
          for (const byte of Buffer.from(s[1], 'hex'))
            text += WIN_ANSI_BACK[byte] ?? String.fromCharCode(byte);
        } else text += s[2];
      }
      texts.push(text);
    }
  }
  const pages = Number(/\/Type \/Pages\s*\/Count (\d+)/.exec(raw)?.[1]);
  return { texts, hex, pages };
}

describe('renderSitrepPdf', () => {
  it('writes a PDF with the same bytes for the same input', async () => {
    const a = await renderSitrepPdf(sitrep);
    const b = await renderSitrepPdf(sitrep);
    assert.equal(a.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.match(a.subarray(-8).toString('latin1'), /%%EOF\s*$/);
    assert.ok(a.equals(b), 'two renders of the same sitrep differ');
    // The dates (and so the file ID) come from the period's end, or from generatedAt.
    assert.ok(a.toString('latin1').includes('(D:20161218060000Z)'));
    const c = await renderSitrepPdf(sitrep, { generatedAt: '2016-12-18T07:12:00Z' });
    const d = await renderSitrepPdf(sitrep, { generatedAt: '2016-12-18T07:12:00Z' });
    assert.ok(c.equals(d));
    assert.ok(!c.equals(a));
    assert.ok(c.toString('latin1').includes('(D:20161218071200Z)'));
  });

  it('rejects an unreadable generatedAt', async () => {
    await assert.rejects(renderSitrepPdf(sitrep, { generatedAt: 'yesterday-ish' }), RangeError);
  });

  it('shows the heading, the totals, the route points, the sources, the alerts and the caveats', async () => {
    const { texts, pages } = extract(await renderSitrepPdf(sitrep, { generatedAt: '2016-12-18T07:12:00Z' }));
    const all = texts.join('\n');
    assert.equal(pages, 1);
    for (const expected of [
      'Situation report — Evacuation | of *here*',
      'Generated: 2016-12-18 07:12 UTC',
      'Period: up to 2016-12-18 06:00 UTC',
      'Status: active',
      'People',
      'Medical evacuations',
      'Planned (people)',
      'In transit',
      'Turned back (vehicles)',
      'op c1',
      'agency-a',
      'Range: 60 – 60',
      '2 of 3 arrival counts rest on a single monitor',
      'Page 1 of 1',
    ]) {
      assert.ok(all.includes(expected), `missing ${expected}\n${all}`);
    }
    const at = texts.indexOf('Medical evacuations');
    assert.equal(texts[at + 1], '5', 'medical evacuations figure');
    assert.equal(texts[texts.indexOf('People') + 1], '59', 'people figure');
    assert.equal(texts[texts.indexOf('Planned (people)') + 1], '80', 'planned figure');
  });

  it('spreads many route points and alerts over pages, numbering them', async () => {
    const pdf = await renderSitrepPdf(large(25, 120));
    const { texts, pages } = extract(pdf);
    assert.ok(pages >= 3, `${pages} pages`);
    for (let p = 1; p <= pages; p += 1) assert.ok(texts.includes(`Page ${p} of ${pages}`), `page ${p}`);
    for (const figure of [
      '34,512',
      '412',
      '57',
      '230',
      '801',
      '50,000',
      '12 vehicles, 640 people',
      '20,024',
    ]) {
      assert.ok(texts.includes(figure), `missing ${figure}`);
    }
    assert.ok(texts.includes('Checkpoint 24'));
    assert.ok(texts.includes('vehicle BUS-119'));
    assert.ok(texts.includes('Alerts (120)'));
    assert.ok(texts.includes('Alerts (continued)'));
    assert.ok(pdf.length < 200_000, `${pdf.length} bytes`);
  });

  it('survives hostile text: Arabic, emoji, control characters, a 10,000-character note', async () => {
    const hostile = 'حلب الشرقية 👩‍👧 \u0000\u0007\u001b[31m\r\n\t\u202e\ud800 end';
    const base = large(3, 3);
    const s: Sitrep = {
      ...base,
      name: `Aleppo ${hostile}`,
      mandates: [{ instrument: hostile, date: '2016-12-19' }],
      points: base.points.map((p) => ({ ...p, name: hostile, pcode: hostile })),
      linked: [
        {
          operationId: 'l',
          name: hostile,
          rule: 'x'.repeat(10_000),
          people: 1,
          plannedPeople: 2,
          progressPercent: 50,
        },
      ],
      reportedTotals: { figures: [{ source: hostile, total: 9, at: 'not a time' }], min: 9, max: 9 },
      alerts: base.alerts.map((a, i) => ({
        ...a,
        subject: hostile,
        note: i === 0 ? 'y'.repeat(10_000) : `${'long words '.repeat(1_000)}${hostile}`,
      })),
      caveats: [hostile, 'z'.repeat(10_000)],
    };
    const pdf = await renderSitrepPdf(s);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdf.equals(await renderSitrepPdf(s)));
    const { texts, hex, pages } = extract(pdf);
    // Every shown string is whole WinAnsi bytes: nothing unencodable reached the font.
    for (const h of hex) assert.equal(h.length % 2, 0, h);
    assert.ok(texts.some((t) => t.startsWith('Situation report — Aleppo ??? ??????? ??? ???[31m')));
    assert.ok(
      texts.some((t) => t.includes('yyy…')),
      'the long note is cut',
    );
    assert.ok(pages >= 1);
  });

  it('pdfText keeps WinAnsi text and replaces what the standard fonts cannot show', () => {
    assert.equal(pdfText('Café — “€5” … ½'), 'Café — “€5” … ½');
    assert.equal(pdfText('e\u0301'), 'é');
    assert.equal(pdfText('a\nb\tc\u00a0d'), 'a b c\u00a0d');
    assert.equal(pdfText('حلب 🚌\u0000'), '??? ??');
  });
});
