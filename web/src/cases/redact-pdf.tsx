/**
 * redact-pdf.tsx — a PDF's pages drawn by pdf.js at 150 dpi (the resolution the server renders
 * them at with pdftoppm before burning the boxes in: src/cases/redaction/pdf.ts), each with a
 * drawing surface. Loading, drawing and listing the pages are the item page's
 * (evidence/pdf-document.tsx).
 */
import { useTranslation } from 'react-i18next';
import { PdfCanvas, type PdfDoc, PdfPageList, usePdfDocument, usePdfPage } from '../evidence/pdf-document.js';
import { RedactSurface, type Region } from './redact-surface.js';

/** The server's RENDER_DPI over PDF points (1/72 in). */
const SCALE = 150 / 72;
const FIRST = 5;

function Page({
  doc,
  n,
  regions,
  preview,
  onAdd,
}: {
  doc: PdfDoc;
  n: number;
  regions: readonly Region[];
  preview: boolean;
  onAdd: (r: Region) => void;
}) {
  const { t } = useTranslation();
  const sized = usePdfPage(doc, n, () => SCALE);
  if (!sized) return <p role="status">{t('app.loading')}</p>;
  return (
    <RedactSurface
      width={sized.w}
      height={sized.h}
      page={n}
      regions={regions}
      preview={preview}
      onAdd={onAdd}
      label={t('redact.drawOnPage', { n })}
    >
      <PdfCanvas sized={sized} className="redact-picture" label={t('item.pdfPage', { n })} />
    </RedactSurface>
  );
}

export default function RedactPdf({
  url,
  regions,
  preview,
  onAdd,
  onPages,
}: {
  url: string;
  regions: readonly Region[];
  preview: boolean;
  onAdd: (r: Region) => void;
  onPages: (n: number) => void;
}) {
  const { t } = useTranslation();
  const { doc, failed } = usePdfDocument(url, onPages);
  return (
    <PdfPageList
      doc={doc}
      failed={failed}
      first={FIRST}
      className="redact-pages"
      testId="redact-pages"
      renderPage={(d, n) => (
        <figure className="redact-page">
          <Page doc={d} n={n} regions={regions} preview={preview} onAdd={onAdd} />
          <figcaption className="muted">{t('item.pdfPage', { n })}</figcaption>
        </figure>
      )}
    />
  );
}
