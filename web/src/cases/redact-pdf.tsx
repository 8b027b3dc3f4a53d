/**
 * redact-pdf.tsx — a PDF's pages drawn by pdf.js at 150 dpi (the resolution the server renders
 * them at with pdftoppm before burning the boxes in: src/cases/redaction/pdf.ts), each with a
 * drawing surface. pdf.js runs no script of the PDF (`isEvalSupported: false`) and is its own
 * chunk, fetched only here and on the item page.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RedactSurface, type Region } from './redact-surface.js';

/** The server's RENDER_DPI over PDF points (1/72 in). */
const SCALE = 150 / 72;
const FIRST = 5;

type PdfDoc = { numPages: number; getPage(n: number): Promise<PdfPage>; destroy(): Promise<void> };
type PdfPage = {
  getViewport(o: { scale: number }): { width: number; height: number };
  render(o: { canvasContext: CanvasRenderingContext2D; viewport: unknown; canvas: HTMLCanvasElement }): {
    promise: Promise<void>;
  };
};

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
  const ref = useRef<HTMLCanvasElement>(null);
  const [loaded, setLoaded] = useState<{ page: PdfPage; w: number; h: number } | null>(null);
  useEffect(() => {
    let cancelled = false;
    void doc.getPage(n).then((page) => {
      const viewport = page.getViewport({ scale: SCALE });
      // Whole pixels, rounded down: a box drawn to the edge stays inside pdftoppm's page.
      if (!cancelled) setLoaded({ page, w: Math.floor(viewport.width), h: Math.floor(viewport.height) });
    });
    return () => {
      cancelled = true;
    };
  }, [doc, n]);
  useEffect(() => {
    const canvas = ref.current;
    if (!loaded || !canvas) return;
    canvas.width = loaded.w;
    canvas.height = loaded.h;
    const ctx = canvas.getContext('2d');
    if (ctx)
      void loaded.page.render({
        canvasContext: ctx,
        viewport: loaded.page.getViewport({ scale: SCALE }),
        canvas,
      }).promise;
  }, [loaded]);
  if (!loaded) return <p role="status">{t('app.loading')}</p>;
  const size = { w: loaded.w, h: loaded.h };
  const canvas = (
    <canvas ref={ref} className="redact-picture" role="img" aria-label={t('item.pdfPage', { n })} />
  );
  return (
    <RedactSurface
      width={size.w}
      height={size.h}
      page={n}
      regions={regions}
      preview={preview}
      onAdd={onAdd}
      label={t('redact.drawOnPage', { n })}
    >
      {canvas}
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
  const [doc, setDoc] = useState<PdfDoc | null>(null);
  const [shown, setShown] = useState(FIRST);
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
        onPages(current.numPages);
      } catch {
        setFailed(true);
      }
    })();
    return () => {
      void current?.destroy();
    };
  }, [url]);
  if (failed) return <p className="error">{t('item.pdfFailed')}</p>;
  if (!doc) return <p role="status">{t('app.loading')}</p>;
  return (
    <div className="redact-pages" data-testid="redact-pages">
      {Array.from({ length: Math.min(shown, doc.numPages) }, (_, i) => i + 1).map((n) => (
        <figure key={n} className="redact-page">
          <Page doc={doc} n={n} regions={regions} preview={preview} onAdd={onAdd} />
          <figcaption className="muted">{t('item.pdfPage', { n })}</figcaption>
        </figure>
      ))}
      {shown < doc.numPages && (
        <button type="button" onClick={() => setShown((s) => s + 5)}>
          {t('item.morePages')}
        </button>
      )}
    </div>
  );
}
