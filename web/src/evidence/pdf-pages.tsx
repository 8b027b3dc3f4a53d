/**
 * pdf-pages.tsx — the pages of a PDF item drawn by pdf.js into canvases, a few at a time. pdf.js
 * and its worker are their own chunks, fetched only when a PDF is opened (and left out of the
 * service worker's precache, so phones never download them). Scripts inside the PDF never run
 * (pdf.js evaluates no PDF JavaScript; `isEvalSupported: false`).
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

const FIRST = 3;
const WIDTH = 720;

type PdfDoc = { numPages: number; getPage(n: number): Promise<PdfPage>; destroy(): Promise<void> };
type PdfPage = {
  getViewport(o: { scale: number }): { width: number; height: number };
  render(o: { canvasContext: CanvasRenderingContext2D; viewport: unknown; canvas: HTMLCanvasElement }): {
    promise: Promise<void>;
  };
};

function Page({ doc, n }: { doc: PdfDoc; n: number }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const page = await doc.getPage(n);
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: WIDTH / base.width });
      const canvas = ref.current;
      if (!canvas || cancelled) return;
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      const ctx = canvas.getContext('2d');
      if (ctx) await page.render({ canvasContext: ctx, viewport, canvas }).promise;
    })();
    return () => {
      cancelled = true;
    };
  }, [doc, n]);
  return (
    <canvas ref={ref} className="pdf-page" role="img" aria-label={t('item.pdfPage', { n })} data-page={n} />
  );
}

export default function PdfPages({ url }: { url: string }) {
  const { t } = useTranslation();
  const [doc, setDoc] = useState<PdfDoc | null>(null);
  const [shown, setShown] = useState(FIRST);
  const [failed, setFailed] = useState(false);
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
    <div className="pdf-pages" data-testid="pdf-pages">
      <p className="muted">{t('item.pdfPages', { n: doc.numPages })}</p>
      {Array.from({ length: Math.min(shown, doc.numPages) }, (_, i) => i + 1).map((n) => (
        <Page key={n} doc={doc} n={n} />
      ))}
      {shown < doc.numPages && (
        <button type="button" onClick={() => setShown((s) => s + 5)}>
          {t('item.morePages')}
        </button>
      )}
    </div>
  );
}
