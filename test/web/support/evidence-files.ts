/** evidence-files.ts — synthetic files the evidence-side browser tests upload. */
import PDFDocument from 'pdfkit';
import sharp from 'sharp';

const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/**
 * arabicPdf is a two-page report whose Arabic line names ambulances with a hamza on the alef
 * (إسعاف). (A word with the lam-alef ligature, such as إجلاء, comes back from pdf.js text
 * extraction as إجالء — the ligature's letters reversed — so the journey avoids it; see the
 * issue 17 report.)
 */
export function arabicPdf(): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ info: { Title: 'Convoy report' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.font(DEJAVU).fontSize(14);
    doc.text('Convoy report, 18 December 2016. Buses counted at Ramouseh.');
    doc.text('تقرير عن سيارات إسعاف في شرق حلب', { features: ['rtla'] });
    doc.addPage().text('Page two: al-Rashideen.');
    doc.end();
  });
}

/** jpeg is a photo with EXIF; another `background` makes other bytes (not a duplicate). */
export function jpeg(background = '#557799'): Promise<Buffer> {
  return sharp({ create: { width: 400, height: 300, channels: 3, background } })
    .withExif({ IFD0: { Make: 'TestCam', Model: 'T2' }, IFD2: { DateTimeOriginal: '2016:12:16 09:10:00' } })
    .jpeg()
    .toBuffer();
}
