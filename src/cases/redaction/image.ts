/**
 * image.ts — image redaction: opaque black rectangles composited over the regions (sharp), the
 * result re-encoded without the original's metadata (EXIF GPS and camera serials identify
 * people), so no pixel or tag of a redacted region survives.
 */
import sharp from 'sharp';
import { CaseError } from '../errors.js';

export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** 1-based PDF page (PDF only). */
  readonly page?: number;
}

/** checkRegion refuses a region that is empty or leaves the `width`×`height` image. */
export function checkRegion(r: Region, width: number, height: number): void {
  const ints = [r.x, r.y, r.width, r.height].every((v) => Number.isSafeInteger(v) && v >= 0);
  if (!ints || r.width === 0 || r.height === 0 || r.x + r.width > width || r.y + r.height > height)
    throw new CaseError(
      'INVALID_REDACTION',
      `region ${r.x},${r.y},${r.width},${r.height} is not inside the ${width}×${height} image`,
    );
}

/** burnRegions returns `image` with each region painted black, as PNG or in `format`. */
export async function burnRegions(
  image: Buffer,
  regions: readonly Region[],
  format: 'png' | 'jpeg' | 'webp' = 'png',
): Promise<Buffer> {
  // EXIF orientation: regions are given on the image as displayed, so rotate first.
  let rotated: { data: Buffer; info: { width: number; height: number } };
  try {
    rotated = await sharp(image, { limitInputPixels: 200_000_000 })
      .rotate()
      .toBuffer({ resolveWithObject: true });
  } catch {
    throw new CaseError('INVALID_REDACTION', 'the item is not an image that can be decoded');
  }
  const { width, height } = rotated.info;
  for (const r of regions) checkRegion(r, width, height);
  const out = sharp(rotated.data).composite(
    regions.map((r) => ({
      input: { create: { width: r.width, height: r.height, channels: 3, background: { r: 0, g: 0, b: 0 } } },
      left: r.x,
      top: r.y,
    })),
  );
  if (format === 'jpeg') return out.jpeg({ quality: 92 }).toBuffer();
  if (format === 'webp') return out.webp({ lossless: true }).toBuffer();
  return out.png().toBuffer();
}
