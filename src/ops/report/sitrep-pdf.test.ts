import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iso, reportedTotal, sighting, testOperation, testVehicle } from '../fixtures.js';
import type { Observation } from '../model.js';
import { reconcileAll } from '../reconcile/reconcile.js';
import { buildSitrep, type Sitrep, type SitrepAlert } from './sitrep.js';
import { renderSitrepMarkdown } from './sitrep-markdown.js';
import { cut, renderSitrepPdf } from './sitrep-pdf.js';
import { sitrepLanguage, sitrepText } from './sitrep-text.js';

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
      nameAr: `نقطة التفتيش ${i}`,
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

interface Extracted {
  /** The text of each item a PDF reader finds, page after page (pdf.js, which orders RTL text logically). */
  readonly texts: string[];
  readonly pages: number;
}

/** extract reads the PDF as a reader does: pdf.js's text content of every page. */
async function extract(pdf: Buffer): Promise<Extracted> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  const texts: string[] = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent();
    for (const item of content.items) if ('str' in item && item.str.trim() !== '') texts.push(item.str);
  }
  const pages = doc.numPages;
  await doc.destroy();
  return { texts, pages };
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
    const { texts, pages } = await extract(
      await renderSitrepPdf(sitrep, { generatedAt: '2016-12-18T07:12:00Z' }),
    );
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
    const { texts, pages } = await extract(pdf);
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
          nameAr: hostile,
          rule: 'x'.repeat(10_000),
          ruleFacts: { kind: 'gates', maxLeadPercent: 10, declaredBy: 'x'.repeat(10_000) },
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
      caveatFacts: [
        { code: 'missing', vehicles: 3, people: 40, markings: [hostile, 'z'.repeat(10_000)] },
        { code: 'in-transit', vehicles: 1, people: 2 },
      ],
    };
    const pdf = await renderSitrepPdf(s);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdf.equals(await renderSitrepPdf(s)), 'deterministic');
    const { texts, pages } = await extract(pdf);
    const all = texts.join(' ');
    // Controls and the right-to-left override are gone; the Arabic and the text after them stay.
    assert.ok(all.includes('حلب الشرقية'), all.slice(0, 400));
    assert.ok(!/[\u0000-\u0008\u001b\u202e]/.test(all), JSON.stringify(all.slice(0, 300)));
    assert.ok(
      texts.some((t) => t.includes('yyy…')),
      'the long note is cut',
    );
    assert.ok(pages >= 1);
  });

  it('cut keeps text whole up to its limit and marks a cut with an ellipsis', () => {
    assert.equal(cut('حلب', 3), 'حلب');
    assert.equal(cut('abcdef', 4), 'abc…');
    // Code points, not UTF-16 units: an emoji (which the fonts lack: U+FFFD) is one character.
    assert.equal(cut('🚌🚌🚌', 2), '\uFFFD…');
    assert.equal(cut('a\nb\u202ec', 10), 'a bc');
  });
});

describe('the sitrep in Arabic (issue 16.4)', () => {
  const arabicNames = ['نقطة الانطلاق في حي السكري', 'حاجز الراموسة', 'دوار الموت', 'خان العسل'];
  const base = testOperation('op', { plannedPeople: 80 });
  const arState = reconcileAll(
    {
      operations: [
        {
          ...base,
          nameAr: 'إجلاء شرق حلب',
          route: base.route.map((p, i) => ({ ...p, place: { ...p.place, nameAr: arabicNames[i]! } })),
        },
      ],
      convoys: [],
      vehicles: [testVehicle('bus1'), testVehicle('amb1', 'op', 'ambulance')],
    },
    [...trip('bus1', 0, 50), ...trip('amb1', 60, 3)],
    Date.parse(iso(3 * 24 * 60)),
  );
  const ar = buildSitrep(arState, { operationId: 'op' });

  it('writes the Arabic report: Arabic names, headings, statuses, counted caveats and page numbers', async () => {
    const pdf = await renderSitrepPdf(ar, { language: 'ar', generatedAt: '2016-12-18T07:12:00Z' });
    const { texts } = await extract(pdf);
    const all = texts.join(' ');
    for (const expected of [
      'تقرير الوضع',
      // Its lam-alef ligature copies back as lam-alef (src/lib/pdf-bidi.ts rtlLigatureText).
      'إجلاء شرق حلب',
      'الحالة: جارية',
      'المجاميع',
      'الحافلات',
      'سيارات الإسعاف',
      'حاجز الراموسة',
      'نقطة تفتيش',
      'تحفّظات',
      'تستند إلى مراقب واحد',
      'الصفحة',
    ]) {
      assert.ok(all.includes(expected), `missing ${expected}\n${all}`);
    }
    // Figures in the Syrian locale's Arabic-Indic digits: 53 people arrived, 80 planned.
    assert.ok(
      texts.some((t) => t.includes('٥٣')),
      all,
    );
    assert.ok(
      texts.some((t) => t.includes('٨٠')),
      all,
    );
    assert.ok(!all.includes('Situation report'), 'no English heading');
    // One embedded font with Arabic glyphs, written as glyph ids (Identity-H) with a ToUnicode map.
    const raw = pdf.toString('latin1');
    assert.match(raw, /\/BaseFont \/[A-Z]{6}\+DejaVuSans/);
    assert.match(raw, /\/Lang \(ar\)/);
    assert.ok(pdf.equals(await renderSitrepPdf(ar, { language: 'ar', generatedAt: '2016-12-18T07:12:00Z' })));
  });

  it('keeps "≤" in both languages (the standard fonts printed "?")', async () => {
    const linked: Sitrep = {
      ...ar,
      linked: [
        {
          operationId: 'l',
          name: 'Foah and Kefraya',
          nameAr: 'الفوعة وكفريا',
          rule: 'gates: may lead by ≤ 10%',
          ruleFacts: { kind: 'gates', maxLeadPercent: 10, declaredBy: null },
          people: 1,
          plannedPeople: 2,
          progressPercent: 50,
        },
      ],
    };
    const en = (await extract(await renderSitrepPdf(linked))).texts.join(' ');
    assert.ok(en.includes('gates: may lead by ≤ 10%'), en);
    const arText = (await extract(await renderSitrepPdf(linked, { language: 'ar' }))).texts.join(' ');
    assert.ok(arText.includes('الفوعة وكفريا'), arText);
    // Drawn mirrored (≥) in the right-to-left line, as UAX #9 L4 asks; no '?' and no missing glyph.
    assert.ok(/[≤≥]/.test(arText) && !arText.includes('\uFFFD'), arText);
  });

  it('writes the Markdown in Arabic with the plural forms Arabic needs', () => {
    const md = renderSitrepMarkdown(ar, 'ar').replaceAll('\\', '');
    assert.ok(md.startsWith('# تقرير الوضع: إجلاء شرق حلب'), md.slice(0, 80));
    assert.ok(md.includes('## المجاميع'));
    assert.ok(md.includes('حاجز الراموسة'));
    assert.ok(md.includes('المخطّط: ٨٠ شخصًا'), md);
    // English stays the default, word for word as before.
    const en = renderSitrepMarkdown(ar);
    assert.ok(en.startsWith('# Situation report: Operation op'));
    assert.deepEqual(
      ar.caveatFacts.map((c) => sitrepText('en').caveat(c)),
      [...ar.caveats],
    );
  });

  it('counts in Arabic with all six plural forms (0, 1, 2, 3, 11, 100)', () => {
    const t = sitrepText('ar');
    assert.deepEqual(
      [0, 1, 2, 3, 11, 100].map((n) => t.count('people', n)),
      ['٠ شخص', 'شخص واحد', 'شخصان', '٣ أشخاص', '١١ شخصًا', '١٠٠ شخص'],
    );
  });

  it('picks the language from ?lang=, else Accept-Language, else English', () => {
    assert.equal(sitrepLanguage('ar'), 'ar');
    assert.equal(sitrepLanguage('fr'), 'en');
    assert.equal(sitrepLanguage(undefined, 'ar-SY,ar;q=0.9,en;q=0.5'), 'ar');
    assert.equal(sitrepLanguage(undefined, 'fr-FR, en-GB;q=0.8'), 'en');
    assert.equal(sitrepLanguage(undefined, `${'x,'.repeat(10_000)}ar`), 'en');
    assert.equal(sitrepLanguage(undefined, undefined), 'en');
  });
});
