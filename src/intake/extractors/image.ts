/**
 * image.ts — photographs and other raster images: dimensions and format, EXIF with GPS position
 * and the time taken (exifr), a thumbnail (sharp, JPEG, at most 320 px, EXIF orientation applied
 * so people see it upright), the PDQ hash with its quality (image-decode.ts), and the text in it
 * (tesseract, Arabic + English; photographed leaflets, notices and documents) as an `ocr-text`
 * derivative when there is any. The declared pixel count is checked before anything is decoded
 * (decompression bombs).
 */

import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import type { Derivative } from '../derive.js';
import { IntakeError } from '../errors.js';
import type { ExtractInput, Extraction, Extractor } from '../extractor.js';
import { checkPixels, pdqOfImage } from '../image-decode.js';
import { ocrDerivative, ocrImage, ocrStatus } from '../ocr.js';

export const THUMBNAIL_SIZE = 320;
const SHARP_VERSION = sharp.versions.sharp ?? 'unknown';

const RASTER = /^image\/(jpeg|png|gif|webp|tiff|avif|heic|heif|bmp)$/;

export const imageExtractor: Extractor = {
  name: 'image',
  accepts: (mediaType) => RASTER.test(mediaType),
  async extract(input: ExtractInput): Promise<Extraction> {
    const meta = await checkPixels(input.path, input.limits.maxImagePixels);
    input.signal.throwIfAborted();
    const exif = await readExif(input.path);
    const pdq = await pdqOfImage(input.path, input.limits.maxImagePixels);
    input.signal.throwIfAborted();
    const thumbnail = await makeThumbnail(input.path, input.limits.maxImagePixels);
    input.signal.throwIfAborted();
    await input.report(60, 'OCR');
    const ocr = await readText(input, meta.width ?? 0, meta.height ?? 0);
    return {
      pdq,
      facts: {
        format: meta.format ?? null,
        width: meta.width ?? null,
        height: meta.height ?? null,
        channels: meta.channels ?? null,
        bitsPerSample: meta.bitsPerSample ?? null,
        orientation: meta.orientation ?? null,
        pages: meta.pages ?? 1,
        pdq: pdq.hash,
        pdqQuality: pdq.quality,
        ocr: ocr.note,
        ...exif,
      },
      derivatives: [
        ...ocr.derivatives,
        {
          kind: 'thumbnail',
          key: `${THUMBNAIL_SIZE}`,
          content: thumbnail,
          mediaType: 'image/jpeg',
          originalName: 'thumbnail.jpg',
          tool: 'sharp',
          toolVersion: SHARP_VERSION,
          metadata: { maxSize: THUMBNAIL_SIZE },
        },
      ],
    };
  },
};

/** Images smaller than this (a side) hold no readable text worth a tesseract run. */
const MIN_OCR_SIDE = 32;
/** OCR reads a copy at most this large a side (tesseract's cost grows with the pixels). */
const MAX_OCR_SIDE = 4000;

/**
 * readText OCRs the image (upright, as PNG, at most MAX_OCR_SIDE a side) when tesseract is
 * installed; text with no letter at all (noise read from a photo) is not kept.
 */
async function readText(
  input: ExtractInput,
  width: number,
  height: number,
): Promise<{ derivatives: Derivative[]; note: string }> {
  const status = await ocrStatus();
  if (!status.available) return { derivatives: [], note: `not run: ${status.reason}` };
  if (width < MIN_OCR_SIDE || height < MIN_OCR_SIDE)
    return { derivatives: [], note: 'not run: image too small' };
  const png = join(input.tmpDir, 'ocr-input.png');
  await sharp(input.path, { limitInputPixels: input.limits.maxImagePixels, failOn: 'error' })
    .rotate()
    .resize(MAX_OCR_SIDE, MAX_OCR_SIDE, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .png()
    .toFile(png);
  const text = await ocrImage(png, status, input.limits.toolTimeoutMs, input.signal);
  const note = `tesseract ${status.version} (${status.languages.join('+')})`;
  if (!/\p{L}{2}/u.test(text)) return { derivatives: [], note: `${note}: no text found` };
  return { derivatives: [ocrDerivative('image', text, status, {})], note };
}

/** makeThumbnail returns a JPEG of at most THUMBNAIL_SIZE px a side, upright. */
export async function makeThumbnail(path: string | Buffer, maxPixels: number): Promise<Buffer> {
  try {
    return await sharp(path, { limitInputPixels: maxPixels, failOn: 'error' })
      .rotate()
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 80 })
      .toBuffer();
  } catch (err) {
    throw new IntakeError(
      'MALFORMED',
      `no thumbnail could be made: ${(err as Error).message.split('\n')[0]}`,
    );
  }
}

/**
 * readExif returns the time taken, GPS position and camera of an image, or nothing when it has
 * no EXIF. Values are kept only when they have the expected type (EXIF is outside input).
 */
async function readExif(path: string): Promise<Record<string, unknown>> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = (await exifr.parse(path, { gps: true, tiff: true, exif: true, xmp: false, icc: false })) as
      | Record<string, unknown>
      | undefined;
  } catch {
    return { exif: false };
  }
  if (!tags) return { exif: false };
  const out: Record<string, unknown> = { exif: true };
  const when = tags.DateTimeOriginal ?? tags.CreateDate ?? tags.DateTime;
  if (when instanceof Date && !Number.isNaN(when.getTime())) {
    // EXIF times carry no zone unless OffsetTimeOriginal says so; exifr builds the Date from the
    // written fields in local time, so the local getters give back the wall-clock time as written.
    out.takenAt = wallClock(when);
    if (typeof tags.OffsetTimeOriginal === 'string') out.takenAtOffset = tags.OffsetTimeOriginal;
  }
  if (typeof tags.latitude === 'number' && typeof tags.longitude === 'number') {
    if (Math.abs(tags.latitude) <= 90 && Math.abs(tags.longitude) <= 180) {
      out.gps = { latitude: tags.latitude, longitude: tags.longitude };
      if (typeof tags.GPSAltitude === 'number')
        (out.gps as Record<string, number>).altitude = tags.GPSAltitude;
    }
  }
  for (const key of ['Make', 'Model', 'Software', 'LensModel'] as const) {
    const v = tags[key];
    if (typeof v === 'string') out[key.charAt(0).toLowerCase() + key.slice(1)] = v.slice(0, 200);
  }
  return out;
}

function wallClock(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getFullYear(), 4)}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
