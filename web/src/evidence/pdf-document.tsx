/**
 * pdf-document.tsx — what the item page's PDF viewer (pdf-pages.tsx) and the redaction tool's
 * pages (cases/redact-pdf.tsx) share: loading a PDF with pdf.js, each page drawn into a canvas at
 * a scale of the caller's choosing, and the pages listed a few at a time. pdf.js and its worker
 * are their own chunks, fetched only when a PDF is opened (and left out of the service worker's
 * precache, so phones never download them). Scripts inside the PDF never run (pdf.js evaluates
 * no PDF JavaScript; `isEvalSupported: false`).
 */
import { Fragment, type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** The subset of pdf.js's document and page that the viewers use. */
export type PdfDoc = { numPages: number; getPage(n: number): Promise<PdfPage>; destroy(): Promise<void> };
export type PdfPage = {
  getViewport(o: { scale: number }): { width: number; height: number };
  render(o: { canvasContext: CanvasRenderingContext2D; viewport: unknown; canvas: HTMLCanvasElement }): {
    promise: Promise<void>;
  };
};

/**
 * usePdfDocument loads the PDF at `url` (same origin, with the session cookie) once per URL and
 * destroys it when the URL changes or the viewer goes; `onLoaded` hears its page count.
 */
export function usePdfDocument(
  url: string,
  onLoaded?: (numPages: number) => void,
): { doc: PdfDoc | null; failed: boolean } {
  const [doc, setDoc] = useState<PdfDoc | null>(null);
  const [failed, setFailed] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: load the document once per URL.
  useEffect(() => {
    let current: PdfDoc | null = null;
    void (async () => {
      try {
        const pdfjs = await import('pdfjs-dist');
        const worker = await import('pdfjs-dist/build/pdf.worker.min.mjs?url');
        pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
        current = (await pdfjs.getDocument({ url, isEvalSupported: false, withCredentials: true })
          .promise) as unknown as PdfDoc;
        setDoc(current);
        onLoaded?.(current.numPages);
      } catch {
        setFailed(true);
      }
    })();
    return () => {
      void current?.destroy();
    };
  }, [url]);
  return { doc, failed };
}

/** A page ready to draw: the page, the scale it is drawn at and its size in whole pixels. */
export interface SizedPage {
  readonly page: PdfPage;
  readonly scale: number;
  readonly w: number;
  readonly h: number;
}

/**
 * usePdfPage reads page `n` and sizes it: `scaleFor` gets the page's size at scale 1 (PDF points)
 * and returns the scale to draw at. Sizes are whole pixels rounded down, so a box drawn to the
 * edge stays inside the page the server renders (the redaction tool's reason).
 */
export function usePdfPage(
  doc: PdfDoc,
  n: number,
  scaleFor: (base: { width: number; height: number }) => number,
): SizedPage | null {
  const [sized, setSized] = useState<SizedPage | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the scale rule is fixed per viewer.
  useEffect(() => {
    let cancelled = false;
    void doc.getPage(n).then((page) => {
      const scale = scaleFor(page.getViewport({ scale: 1 }));
      const viewport = page.getViewport({ scale });
      if (!cancelled)
        setSized({ page, scale, w: Math.floor(viewport.width), h: Math.floor(viewport.height) });
    });
    return () => {
      cancelled = true;
    };
  }, [doc, n]);
  return sized;
}

/** PdfCanvas draws a sized page (nothing until it is sized), as an image named `label`. */
export function PdfCanvas({
  sized,
  className,
  label,
  page,
}: {
  sized: SizedPage | null;
  className: string;
  label: string;
  page?: number;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!sized || !canvas) return;
    canvas.width = sized.w;
    canvas.height = sized.h;
    const ctx = canvas.getContext('2d');
    if (ctx)
      void sized.page.render({
        canvasContext: ctx,
        viewport: sized.page.getViewport({ scale: sized.scale }),
        canvas,
      }).promise;
  }, [sized]);
  return <canvas ref={ref} className={className} role="img" aria-label={label} data-page={page} />;
}

/**
 * PdfPageList shows the document's first `first` pages through `renderPage`, and five more at a
 * time on request; a PDF that did not load says so; `header` comes above the pages.
 */
export function PdfPageList({
  doc,
  failed,
  first,
  className,
  testId,
  header,
  renderPage,
}: {
  doc: PdfDoc | null;
  failed: boolean;
  first: number;
  className: string;
  testId: string;
  header?: (doc: PdfDoc) => ReactNode;
  renderPage: (doc: PdfDoc, n: number) => ReactNode;
}) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(first);
  if (failed) return <p className="error">{t('item.pdfFailed')}</p>;
  if (!doc) return <p role="status">{t('app.loading')}</p>;
  return (
    <div className={className} data-testid={testId}>
      {header?.(doc)}
      {Array.from({ length: Math.min(shown, doc.numPages) }, (_, i) => i + 1).map((n) => (
        <Fragment key={n}>{renderPage(doc, n)}</Fragment>
      ))}
      {shown < doc.numPages && (
        <button type="button" onClick={() => setShown((s) => s + 5)}>
          {t('item.morePages')}
        </button>
      )}
    </div>
  );
}
