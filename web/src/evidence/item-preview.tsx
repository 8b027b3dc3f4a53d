/**
 * item-preview.tsx — an item shown by what it is: an image with what its EXIF says (time,
 * camera, GPS on a small map), a PDF's pages, a video the browser seeks with Range requests
 * (the content route answers 206) and its keyframes (click to jump there), audio, a web
 * capture's records listed by URL, text. The facts come from intake's `metadata` derivative.
 * Everything is read from the item's own content route: no outside request, no inline script.
 */
import { lazy, Suspense, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { DerivedRow, Item } from '../api/types.js';
import { useFormat } from '../i18n/format.js';
import { TableScroll } from '../ui/table-scroll.js';

const GpsMap = lazy(() => import('./gps-map.js'));
const PdfPages = lazy(() => import('./pdf-pages.js'));

export type Facts = Readonly<Record<string, unknown>>;

export const contentUrl = (ern: string) => `/api/items/${ern}/content`;

/** Browsers draw these image types; others (TIFF, HEIC) are shown by their thumbnail. */
const DRAWN = /^image\/(jpeg|png|gif|webp|avif|bmp|svg\+xml)$/;
const PLAYABLE = /^(video\/(mp4|webm|ogg)|audio\/(mpeg|ogg|wav|webm|mp4|flac))$/;

function Exif({ facts }: { facts: Facts }) {
  const { t } = useTranslation();
  const gps = facts.gps as { latitude?: number; longitude?: number; altitude?: number } | undefined;
  const camera = [facts.make, facts.model].filter((x) => typeof x === 'string').join(' ');
  if (facts.exif !== true) return <p className="muted">{t('item.noExif')}</p>;
  return (
    <div className="exif">
      <dl className="item-facts">
        {typeof facts.takenAt === 'string' && (
          <>
            <dt>{t('item.takenAt')}</dt>
            <dd translate="no">
              {facts.takenAt}
              {typeof facts.takenAtOffset === 'string' ? ` ${facts.takenAtOffset}` : ` (${t('item.noZone')})`}
            </dd>
          </>
        )}
        {camera && (
          <>
            <dt>{t('item.camera')}</dt>
            <dd translate="no">{camera}</dd>
          </>
        )}
        {typeof facts.software === 'string' && (
          <>
            <dt>{t('item.software')}</dt>
            <dd translate="no">{facts.software}</dd>
          </>
        )}
        <dt>{t('item.gps')}</dt>
        <dd>
          {gps && typeof gps.latitude === 'number' && typeof gps.longitude === 'number' ? (
            <bdi translate="no">{`${gps.latitude.toFixed(6)}, ${gps.longitude.toFixed(6)}`}</bdi>
          ) : (
            t('item.noGps')
          )}
        </dd>
      </dl>
      {typeof gps?.latitude === 'number' && typeof gps.longitude === 'number' && (
        <Suspense fallback={null}>
          <GpsMap lat={gps.latitude} lon={gps.longitude} />
        </Suspense>
      )}
    </div>
  );
}

/**
 * Keyframes lists a video's keyframes; each jumps the player to the moment it shows. A keyframe's
 * key is the start of its window (`t:20`), and intake samples the middle of each window of
 * `keyframeSeconds` (src/intake/extractors/video.ts, ffmpeg fps=1/N), so the frame shows about
 * key + N/2 seconds in: that is where the player goes, or the picture clicked would not be the
 * one the player shows.
 */
function Keyframes({
  frames,
  facts,
  onSeek,
}: {
  frames: readonly DerivedRow[];
  facts: Facts | null;
  onSeek: (s: number) => void;
}) {
  const { t } = useTranslation();
  if (frames.length === 0) return null;
  const span = typeof facts?.keyframeSeconds === 'number' ? facts.keyframeSeconds : 0;
  const duration = typeof facts?.durationSeconds === 'number' ? facts.durationSeconds : Infinity;
  return (
    <ul className="keyframes" aria-label={t('item.keyframes')}>
      {frames.map((k) => {
        const start = Number(k.key.replace(/^t:/, ''));
        const seconds = Math.min(start + span / 2, duration);
        return (
          <li key={k.ern}>
            <button
              type="button"
              onClick={() => onSeek(seconds)}
              // The name holds the visible text (WCAG 2.5.3, label in name).
              aria-label={t('item.seekTo', { at: t('item.atSeconds', { s: seconds }) })}
            >
              <img src={contentUrl(k.ern)} alt="" loading="lazy" width={120} />
              <span>{t('item.atSeconds', { s: seconds })}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

interface WarcRecord {
  type?: string;
  uri?: string;
  date?: string;
  status?: number;
  contentType?: string;
}

function WarcList({ facts }: { facts: Facts }) {
  const { t } = useTranslation();
  const list = Array.isArray(facts.list) ? (facts.list as WarcRecord[]) : [];
  if (list.length === 0) return <p className="muted">{t('item.noRecords')}</p>;
  return (
    <TableScroll name={t('item.captures')}>
      <table data-testid="warc-records">
        <caption>{t('item.captures')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('item.recordType')}</th>
            <th scope="col">{t('item.url')}</th>
            <th scope="col">{t('item.status')}</th>
            <th scope="col">{t('item.date')}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list; two records may share a URI and date.
            <tr key={i}>
              <td translate="no">{r.type}</td>
              <td translate="no" className="url">
                {r.uri}
              </td>
              <td translate="no">{r.status ?? ''}</td>
              <td translate="no">{r.date ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

export function ItemPreview({
  item,
  facts,
  derived,
  canContent,
}: {
  item: Item;
  facts: Facts | null;
  derived: readonly DerivedRow[];
  canContent: boolean;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const video = useRef<HTMLVideoElement>(null);
  if (!canContent) return <p className="muted">{t('item.noContentPermission')}</p>;
  const url = contentUrl(item.ern);
  const thumbnail = derived.find((d) => d.kind === 'thumbnail');
  const mt = item.mediaType.split(';')[0]!;
  let body: React.ReactNode;
  if (item.kind === 'image') {
    body = (
      <>
        {DRAWN.test(mt) ? (
          <img className="preview-image" src={url} alt={t('item.imageAlt', { title: item.title })} />
        ) : thumbnail ? (
          <img
            className="preview-image"
            src={contentUrl(thumbnail.ern)}
            alt={t('item.thumbAlt', { title: item.title })}
          />
        ) : (
          <p className="muted">{t('item.noPreview')}</p>
        )}
        {facts && <Exif facts={facts} />}
      </>
    );
  } else if (mt === 'application/pdf') {
    body = (
      <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
        <PdfPages url={url} />
      </Suspense>
    );
  } else if (item.kind === 'video') {
    const frames = derived.filter((d) => d.kind === 'keyframe');
    body = (
      <>
        {PLAYABLE.test(mt) ? (
          // biome-ignore lint/a11y/useMediaCaption: evidence has no caption track; its text is in the derived items.
          <video ref={video} className="preview-video" src={url} controls preload="metadata" />
        ) : (
          <p className="muted">{t('item.noPlayer')}</p>
        )}
        {typeof facts?.durationSeconds === 'number' && (
          <p className="muted">{t('item.duration', { s: f.number(Math.round(facts.durationSeconds)) })}</p>
        )}
        <Keyframes
          frames={frames}
          facts={facts}
          onSeek={(s) => {
            if (!video.current) return;
            video.current.currentTime = s;
            video.current.focus();
          }}
        />
      </>
    );
  } else if (item.kind === 'audio' && PLAYABLE.test(mt)) {
    // biome-ignore lint/a11y/useMediaCaption: as above.
    body = <audio src={url} controls preload="metadata" />;
  } else if (item.kind === 'web-capture') {
    body = facts ? <WarcList facts={facts} /> : <p className="muted">{t('item.afterIntake')}</p>;
  } else {
    body = <p className="muted">{t('item.noPreview')}</p>;
  }
  return (
    <section aria-labelledby="preview-h" className="card preview" data-testid="preview" data-kind={item.kind}>
      <h2 id="preview-h">{t('item.preview')}</h2>
      {body}
    </section>
  );
}
