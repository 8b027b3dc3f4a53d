/**
 * pdf-pages.tsx — the pages of a PDF item on the item page, drawn by pdf.js 720 px wide, three
 * at first and more on request (pdf-document.tsx: loading, drawing and listing, shared with the
 * redaction tool).
 */
import { useTranslation } from 'react-i18next';
import { PdfCanvas, type PdfDoc, PdfPageList, usePdfDocument, usePdfPage } from './pdf-document.js';

const FIRST = 3;
const WIDTH = 720;

function Page({ doc, n }: { doc: PdfDoc; n: number }) {
  const { t } = useTranslation();
  const sized = usePdfPage(doc, n, (base) => WIDTH / base.width);
  return <PdfCanvas sized={sized} className="pdf-page" label={t('item.pdfPage', { n })} page={n} />;
}

export default function PdfPages({ url }: { url: string }) {
  const { t } = useTranslation();
  const { doc, failed } = usePdfDocument(url);
  return (
    <PdfPageList
      doc={doc}
      failed={failed}
      first={FIRST}
      className="pdf-pages"
      testId="pdf-pages"
      header={(d) => <p className="muted">{t('item.pdfPages', { n: d.numPages })}</p>}
      renderPage={(d, n) => <Page doc={d} n={n} />}
    />
  );
}
