/**
 * pdq.ts — the PDQ perceptual hash (256 bits) and its quality, as in Meta's reference
 * implementation (facebook/ThreatExchange `pdq/cpp/hashing/pdqhashing.cpp`, and its Python port
 * `pdq/python/pdqhashing/hasher/pdq_hasher.py`), step for step; test/vectors/pdq/SOURCES.md
 * describes the algorithm and pdq.test.ts reproduces test/vectors/pdq/expected.csv.
 *
 * 1. (caller) decode to RGB, pre-shrink to at most 512 px like the reference tool (`pilThumbnail`)
 * 2. luma Y = 0.299 R + 0.587 G + 0.114 B (float, unrounded)
 * 3. two passes of a Jarosz box filter, window ⌈W/128⌉ along rows and ⌈H/128⌉ along columns
 * 4. decimate to 64×64 by sampling at ((i + ½)·H/64, (j + ½)·W/64)
 * 5. quality: Σ |trunc((neighbour difference)·100/255)| / 90, at most 100
 * 6. 16×16 DCT (frequencies 1…16), B = D·A·Dᵀ
 * 7. bit i·16+j = B[i][j] > median (Torben's median: the lower median, 128th smallest)
 * 8. hex: 16-bit words 15 … 0, `%04x` each; word i is DCT row i (bit j = column j)
 * Arithmetic is float64 as in the Python port, whose published values these are.
 */

/** Hamming distance at or under which two PDQ hashes are "the same image" (pdq/README.md). */
export const PDQ_MATCH_DISTANCE = 31;
/** Hashes of lower quality are not trusted for matching (pdq/README.md: discard ≤ 49). */
export const PDQ_MIN_QUALITY = 50;
/** Images are pre-shrunk to at most this size, as the reference tools do. */
export const PDQ_MAX_DIMENSION = 512;

const LUMA_R = 0.299;
const LUMA_G = 0.587;
const LUMA_B = 0.114;
const MIN_HASHABLE_DIM = 5;

export interface PdqResult {
  /** 64 lowercase hex digits. */
  readonly hash: string;
  /** 0–100; below PDQ_MIN_QUALITY the hash says little (flat or tiny images). */
  readonly quality: number;
}

/** DCT matrix D[i][j] = √(2/64)·cos(π/(2·64)·(i+1)·(2j+1)), i < 16, j < 64 (pdqhashing.cpp). */
const DCT: Float64Array = (() => {
  const d = new Float64Array(16 * 64);
  const scale = Math.sqrt(2.0 / 64.0);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++)
      d[i * 64 + j] = scale * Math.cos((Math.PI / 2 / 64.0) * (i + 1) * (2 * j + 1));
  }
  return d;
})();

/**
 * lumaFromRgb returns Y = 0.299 R + 0.587 G + 0.114 B for each pixel of interleaved 8-bit data
 * with `channels` channels (1 = grey used as is; 3 or 4 = RGB[A], alpha ignored).
 */
export function lumaFromRgb(data: Uint8Array, width: number, height: number, channels: number): Float64Array {
  const n = width * height;
  const luma = new Float64Array(n);
  if (channels === 1 || channels === 2) {
    for (let p = 0; p < n; p++) luma[p] = data[p * channels]!;
    return luma;
  }
  for (let p = 0, o = 0; p < n; p++, o += channels) {
    luma[p] = LUMA_R * data[o]! + LUMA_G * data[o + 1]! + LUMA_B * data[o + 2]!;
  }
  return luma;
}

/** pdqFromRgb hashes interleaved 8-bit pixels (see lumaFromRgb for `channels`). */
export function pdqFromRgb(data: Uint8Array, width: number, height: number, channels: number): PdqResult {
  return pdqFromLuma(lumaFromRgb(data, width, height, channels), width, height);
}

/** pdqFromLuma hashes a row-major luma plane of `height` rows × `width` columns. */
export function pdqFromLuma(luma: Float64Array, width: number, height: number): PdqResult {
  if (width < MIN_HASHABLE_DIM || height < MIN_HASHABLE_DIM) return { hash: '0'.repeat(64), quality: 0 };
  const a = downsampleTo64(luma, height, width);
  const quality = imageDomainQuality(a);
  const b = dct64To16(a);
  return { hash: hashFromDct(b), quality };
}

function downsampleTo64(luma: Float64Array, rows: number, cols: number): Float64Array {
  if (rows === 64 && cols === 64) return Float64Array.from(luma);
  const buf1 = Float64Array.from(luma);
  const buf2 = new Float64Array(rows * cols);
  // computeJaroszFilterWindowSize: (old + 2·64 − 1) / (2·64), integer division.
  const windowAlongRows = Math.floor((cols + 127) / 128);
  const windowAlongCols = Math.floor((rows + 127) / 128);
  for (let rep = 0; rep < 2; rep++) {
    for (let i = 0; i < rows; i++) box1D(buf1, buf2, i * cols, cols, 1, windowAlongRows);
    for (let j = 0; j < cols; j++) box1D(buf2, buf1, j, rows, cols, windowAlongCols);
  }
  const out = new Float64Array(64 * 64);
  for (let i = 0; i < 64; i++) {
    const ini = Math.floor(((i + 0.5) * rows) / 64);
    for (let j = 0; j < 64; j++) {
      const inj = Math.floor(((j + 0.5) * cols) / 64);
      out[i * 64 + j] = buf1[ini * cols + inj]!;
    }
  }
  return out;
}

/**
 * box1D is the reference's `box1DFloat`: a running-sum box filter whose window is truncated at
 * the ends (the mean of the samples in range), over `length` samples `stride` apart from `start`.
 * The running sum's order of additions is kept, so results match the reference bit for bit.
 */
function box1D(
  input: Float64Array,
  output: Float64Array,
  start: number,
  length: number,
  stride: number,
  fullWindow: number,
): void {
  const half = Math.floor((fullWindow + 2) / 2);
  const phase1 = half - 1;
  const phase2 = fullWindow - half + 1;
  const phase3 = length - fullWindow;
  const phase4 = half - 1;
  let li = start;
  let ri = start;
  let oi = start;
  let sum = 0.0;
  let size = 0;
  for (let i = 0; i < phase1; i++) {
    sum += input[ri]!;
    size++;
    ri += stride;
  }
  for (let i = 0; i < phase2; i++) {
    sum += input[ri]!;
    size++;
    output[oi] = sum / size;
    ri += stride;
    oi += stride;
  }
  for (let i = 0; i < phase3; i++) {
    sum += input[ri]!;
    sum -= input[li]!;
    output[oi] = sum / size;
    li += stride;
    ri += stride;
    oi += stride;
  }
  for (let i = 0; i < phase4; i++) {
    sum -= input[li]!;
    size--;
    output[oi] = sum / size;
    li += stride;
    oi += stride;
  }
}

/** imageDomainQuality is the reference's gradient-sum quality metric, 0–100. */
function imageDomainQuality(a: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) {
      sum += Math.abs(Math.trunc(((a[i * 64 + j]! - a[(i + 1) * 64 + j]!) * 100) / 255));
    }
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) {
      sum += Math.abs(Math.trunc(((a[i * 64 + j]! - a[i * 64 + j + 1]!) * 100) / 255));
    }
  }
  return Math.min(100, Math.floor(sum / 90));
}

/** dct64To16 computes B = D·A·Dᵀ (16×16) with the reference's order of summation. */
function dct64To16(a: Float64Array): Float64Array {
  const t = new Float64Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      let s = 0.0;
      for (let k = 0; k < 64; k++) s += DCT[i * 64 + k]! * a[k * 64 + j]!;
      t[i * 64 + j] = s;
    }
  }
  const b = new Float64Array(16 * 16);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let s = 0.0;
      for (let k = 0; k < 64; k++) s += t[i * 64 + k]! * DCT[j * 64 + k]!;
      b[i * 16 + j] = s;
    }
  }
  return b;
}

/** hashFromDct thresholds B at its lower median and writes words 15…0 as hex. */
function hashFromDct(b: Float64Array): string {
  const median = lowerMedian(b);
  const words = new Array<number>(16).fill(0);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) if (b[i * 16 + j]! > median) words[i]! |= 1 << j;
  }
  let hex = '';
  for (let i = 15; i >= 0; i--) hex += words[i]!.toString(16).padStart(4, '0');
  return hex;
}

/** lowerMedian is what Torben's median returns for an even count: the (n/2)-th smallest. */
function lowerMedian(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[(sorted.length - 1) >> 1]!;
}

/** pdqChunks splits a hash into its 16 16-bit words; chunk i is word i (DCT row i). */
export function pdqChunks(hex: string): number[] {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error('not a PDQ hash (64 lowercase hex digits)');
  const out = new Array<number>(16);
  for (let i = 0; i < 16; i++) out[i] = Number.parseInt(hex.slice(60 - 4 * i, 64 - 4 * i), 16);
  return out;
}

/** hammingDistanceHex counts the differing bits of two 64-digit hex hashes. */
export function hammingDistanceHex(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < 64; i += 8) {
    d += popcount32((Number.parseInt(a.slice(i, i + 8), 16) ^ Number.parseInt(b.slice(i, i + 8), 16)) >>> 0);
  }
  return d;
}

/** popcount32 counts the set bits of a 32-bit integer. */
export function popcount32(x: number): number {
  let v = x >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * pilThumbnailSize is the size Pillow's `Image.thumbnail((512, 512))` gives (Pillow 9.4
 * `preserve_aspect_ratio`): the reference Python tool pre-shrinks this way before hashing, so the
 * hashes of large images depend on it. Undefined when the image already fits.
 */
export function pilThumbnailSize(
  width: number,
  height: number,
  max = PDQ_MAX_DIMENSION,
): { width: number; height: number } | undefined {
  if (max >= width && max >= height) return undefined;
  const aspect = width / height;
  let x = max;
  let y = max;
  if (x / y >= aspect) {
    const n = y * aspect;
    const c = [Math.floor(n), Math.ceil(n)];
    x = Math.max(
      pickMin(c, (v) => Math.abs(aspect - v / y)),
      1,
    );
  } else {
    const n = x / aspect;
    const c = [Math.floor(n), Math.ceil(n)];
    y = Math.max(
      pickMin(c, (v) => (v === 0 ? 0 : Math.abs(aspect - x / v))),
      1,
    );
  }
  return { width: x, height: y };
}

function pickMin(values: number[], key: (v: number) => number): number {
  // Python's min() keeps the first of equal keys.
  let best = values[0]!;
  for (const v of values.slice(1)) if (key(v) < key(best)) best = v;
  return best;
}

const PRECISION_BITS = 32 - 8 - 2;

/**
 * pilResizeBicubic resizes interleaved 8-bit pixels as Pillow's `Image.resize(size, BICUBIC)`
 * does (libImaging/Resample.c: separable convolution with a = −0.5, support widened by the scale,
 * coefficients in fixed point with 22 fraction bits, horizontal pass first, each pass rounded and
 * clipped to 8 bits), so a pre-shrunk image has the reference tool's exact pixels.
 */
export function pilResizeBicubic(
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  const horiz = coefficients(width, outWidth);
  const vert = coefficients(height, outHeight);
  const yFirst = vert.bounds[0]!;
  const yLast = vert.bounds[outHeight * 2 - 2]! + vert.bounds[outHeight * 2 - 1]!;
  const tmpRows = yLast - yFirst;
  const tmp = new Uint8Array(outWidth * tmpRows * channels);
  for (let yy = 0; yy < tmpRows; yy++) {
    const rowIn = (yy + yFirst) * width * channels;
    for (let xx = 0; xx < outWidth; xx++) {
      const xmin = horiz.bounds[xx * 2]!;
      const xmax = horiz.bounds[xx * 2 + 1]!;
      const k = xx * horiz.ksize;
      for (let c = 0; c < channels; c++) {
        let ss = 1 << (PRECISION_BITS - 1);
        for (let x = 0; x < xmax; x++) ss += data[rowIn + (x + xmin) * channels + c]! * horiz.kk[k + x]!;
        tmp[(yy * outWidth + xx) * channels + c] = clip8(ss);
      }
    }
  }
  const out = new Uint8Array(outWidth * outHeight * channels);
  for (let yy = 0; yy < outHeight; yy++) {
    const ymin = vert.bounds[yy * 2]! - yFirst;
    const ymax = vert.bounds[yy * 2 + 1]!;
    const k = yy * vert.ksize;
    for (let xx = 0; xx < outWidth; xx++) {
      for (let c = 0; c < channels; c++) {
        let ss = 1 << (PRECISION_BITS - 1);
        for (let y = 0; y < ymax; y++)
          ss += tmp[((y + ymin) * outWidth + xx) * channels + c]! * vert.kk[k + y]!;
        out[(yy * outWidth + xx) * channels + c] = clip8(ss);
      }
    }
  }
  return out;
}

function clip8(ss: number): number {
  const v = Math.floor(ss / (1 << PRECISION_BITS));
  return Math.min(255, Math.max(0, v));
}

function bicubic(x0: number): number {
  const a = -0.5;
  const x = x0 < 0 ? -x0 : x0;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

/** coefficients is Resample.c's precompute_coeffs + normalize_coeffs_8bpc for a full-image box. */
function coefficients(
  inSize: number,
  outSize: number,
): { ksize: number; bounds: Int32Array; kk: Int32Array } {
  const support0 = 2.0;
  const scale = inSize / outSize;
  const filterscale = Math.max(1.0, scale);
  const support = support0 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const kk = new Int32Array(outSize * ksize);
  const bounds = new Int32Array(outSize * 2);
  const pre = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = 0 + (xx + 0.5) * scale;
    let ww = 0.0;
    const ss = 1.0 / filterscale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    for (let x = 0; x < xmax; x++) {
      const w = bicubic((x + xmin - center + 0.5) * ss);
      pre[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0.0 ? pre[x]! / ww : pre[x]!;
      kk[xx * ksize + x] =
        v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}
