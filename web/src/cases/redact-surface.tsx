/**
 * redact-surface.tsx — boxes drawn with the mouse, pen or finger over an image or a rendered PDF
 * page. Regions are kept in the pixels of the picture the server redacts (the image as displayed,
 * EXIF orientation applied — as the browser draws it; a PDF page rendered at 150 dpi, as
 * pdftoppm renders it), whatever size it is shown at. A picture is never mirrored in a
 * right-to-left page: the surface is laid out left-to-right and boxes use physical offsets.
 */
import { type PointerEvent, type ReactNode, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** 1-based page of a PDF; absent for an image. */
  readonly page?: number;
}

/** Boxes smaller than this (in picture pixels) are taken for a stray click. */
const MIN_SIDE = 3;

export function RedactSurface({
  width,
  height,
  page,
  regions,
  preview,
  onAdd,
  label,
  children,
}: {
  /** The picture's size in its own pixels. */
  width: number;
  height: number;
  page?: number;
  regions: readonly Region[];
  /** Show boxes as they will be burnt in (opaque black), not as editable outlines. */
  preview: boolean;
  onAdd: (r: Region) => void;
  label: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const [start, setStart] = useState<{ x: number; y: number } | null>(null);
  const [draft, setDraft] = useState<Region | null>(null);

  const at = (e: PointerEvent) => {
    const box = ref.current!.getBoundingClientRect();
    const x = Math.round(((e.clientX - box.left) / box.width) * width);
    const y = Math.round(((e.clientY - box.top) / box.height) * height);
    return { x: Math.min(Math.max(x, 0), width), y: Math.min(Math.max(y, 0), height) };
  };
  const span = (a: { x: number; y: number }, b: { x: number; y: number }): Region => ({
    x: Math.min(a.x, b.x),
    y: Math.min(a.y, b.y),
    width: Math.abs(a.x - b.x),
    height: Math.abs(a.y - b.y),
    ...(page ? { page } : {}),
  });
  const mine = regions.map((r, i) => ({ r, i })).filter(({ r }) => (r.page ?? undefined) === page);
  const pct = (v: number, of: number) => `${(v / of) * 100}%`;
  return (
    <div
      className={`redact-surface${preview ? ' preview' : ''}`}
      dir="ltr"
      data-testid="redact-surface"
      data-page={page ?? ''}
      data-width={width}
      data-height={height}
    >
      {children}
      {/* Drawing is a pointer gesture; the region form beside the picture is the keyboard way. */}
      <div
        ref={ref}
        className="redact-overlay"
        aria-hidden="true"
        title={label}
        onPointerDown={(e) => {
          if (preview || e.button !== 0) return;
          e.preventDefault();
          e.currentTarget.setPointerCapture(e.pointerId);
          const p = at(e);
          setStart(p);
          setDraft(span(p, p));
        }}
        onPointerMove={(e) => {
          if (start) setDraft(span(start, at(e)));
        }}
        onPointerUp={(e) => {
          if (!start) return;
          const r = span(start, at(e));
          setStart(null);
          setDraft(null);
          if (r.width >= MIN_SIDE && r.height >= MIN_SIDE) onAdd(r);
        }}
        onPointerCancel={() => {
          setStart(null);
          setDraft(null);
        }}
      >
        {mine.map(({ r, i }) => (
          <div
            key={i}
            className="redact-box"
            style={{
              left: pct(r.x, width),
              top: pct(r.y, height),
              width: pct(r.width, width),
              height: pct(r.height, height),
            }}
          >
            {!preview && <span className="redact-n">{i + 1}</span>}
          </div>
        ))}
        {draft && (
          <div
            className="redact-box draft"
            style={{
              left: pct(draft.x, width),
              top: pct(draft.y, height),
              width: pct(draft.width, width),
              height: pct(draft.height, height),
            }}
          />
        )}
      </div>
      <span className="visually-hidden">{t('redact.surfaceHelp')}</span>
    </div>
  );
}
