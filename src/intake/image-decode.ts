/**
 * image-decode.ts — pixels for PDQ, decoded the way the reference tools decode them, so Attest's
 * hashes equal the ones partners compute with Meta's tools (and the published vectors):
 * 8-bit RGB as Pillow's `convert("RGB")` gives it (grey replicated, alpha dropped without
 * compositing, 16-bit grey clipped to 0–255 as Pillow's I→RGB does), then pre-shrunk to at most
 * 512 px with Pillow's thumbnail size and bicubic filter (src/lib/pdq.ts). Decoding is libvips
 * (sharp) with the declared pixel count checked first (decompression bombs), EXIF orientation not
 * applied (as the reference does not).
 */
import sharp, { type Metadata } from 'sharp';
import { type PdqResult, pdqFromRgb, pilResizeBicubic, pilThumbnailSize } from '../lib/pdq.js';
import { IntakeError } from './errors.js';

export interface DecodedPixels {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/** checkPixels refuses an image whose header declares more than `maxPixels` pixels. */
export async function checkPixels(path: string, maxPixels: number): Promise<Metadata> {
  let meta: Metadata;
  try {
    // Reading the header only: nothing is decoded yet.
    meta = await sharp(path, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new IntakeError('MALFORMED', `the image cannot be read: ${(err as Error).message}`);
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w * h > maxPixels) {
    throw new IntakeError(
      'TOO_MANY_PIXELS',
      `the image declares ${w}×${h} pixels, over the limit of ${maxPixels} (ATTEST_INTAKE_MAX_IMAGE_PIXELS)`,
    );
  }
  return meta;
}

/** decodeForPdq returns the pre-shrunk RGB (or grey) pixels the reference would hash. */
export async function decodeForPdq(path: string | Buffer, maxPixels: number): Promise<DecodedPixels> {
  const img = () => sharp(path, { limitInputPixels: maxPixels, failOn: 'error' });
  try {
    const meta = await img().metadata();
    let data: Uint8Array;
    let width: number;
    let height: number;
    let channels: number;
    if (meta.depth === 'ushort' && (meta.channels === 1 || meta.channels === 2)) {
      const r = await img()
        .toColourspace('grey16')
        .raw({ depth: 'ushort' })
        .toBuffer({ resolveWithObject: true });
      const u16 = new Uint16Array(r.data.buffer, r.data.byteOffset, r.data.length / 2);
      data = Uint8Array.from(u16, (v) => Math.min(255, v));
      ({ width, height } = r.info);
      channels = 1;
    } else {
      const r = await img().toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
      data = r.data;
      ({ width, height, channels } = r.info);
    }
    const t = pilThumbnailSize(width, height);
    if (t) {
      data = pilResizeBicubic(data, width, height, channels, t.width, t.height);
      width = t.width;
      height = t.height;
    }
    return { data, width, height, channels };
  } catch (err) {
    if (err instanceof IntakeError) throw err;
    const msg = (err as Error).message ?? String(err);
    if (/pixel limit/i.test(msg))
      throw new IntakeError('TOO_MANY_PIXELS', `the image is over the pixel limit of ${maxPixels}`);
    throw new IntakeError('MALFORMED', `the image cannot be decoded: ${msg.split('\n')[0]}`);
  }
}

/** pdqOfImage hashes an image file or buffer as the reference tools would. */
export async function pdqOfImage(path: string | Buffer, maxPixels: number): Promise<PdqResult> {
  const px = await decodeForPdq(path, maxPixels);
  return pdqFromRgb(px.data, px.width, px.height, px.channels);
}
