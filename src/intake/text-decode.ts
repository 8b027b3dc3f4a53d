/**
 * text-decode.ts — bytes of unknown encoding to text, saying how the encoding was decided.
 * Order (WHATWG Encoding §6 "decode" BOM sniffing first, then the HTML prescan's meta charset,
 * then content): a byte-order mark wins; then an HTML `<meta charset>` in the first 1,024 bytes;
 * then strict UTF-8; then UTF-16 without a BOM when NUL bytes sit at alternate positions; then a
 * legacy single-byte code page — Windows-1256 when the high bytes read as Arabic letters there,
 * else Windows-1252. Never throws: the fallback decoders replace what they cannot map.
 */

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1256' | 'windows-1252';

export interface DecodedText {
  readonly text: string;
  readonly encoding: TextEncodingName;
  /** bom | meta | valid-utf8 | nul-pattern | arabic-letters | fallback */
  readonly detectedBy: string;
}

const LABELS: Readonly<Record<string, TextEncodingName>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'unicode-1-1-utf-8': 'utf-8',
  'utf-16': 'utf-16le',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  'windows-1256': 'windows-1256',
  cp1256: 'windows-1256',
  'x-cp1256': 'windows-1256',
  'windows-1252': 'windows-1252',
  'iso-8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'us-ascii': 'windows-1252',
  ascii: 'windows-1252',
};

/** decodeText decodes `bytes`, detecting the encoding (see the module comment). */
export function decodeText(bytes: Uint8Array, options: { html?: boolean } = {}): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: decode('utf-8', bytes.subarray(3)), encoding: 'utf-8', detectedBy: 'bom' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: decode('utf-16le', bytes.subarray(2)), encoding: 'utf-16le', detectedBy: 'bom' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: decode('utf-16be', bytes.subarray(2)), encoding: 'utf-16be', detectedBy: 'bom' };
  const nul = nulPattern(bytes);
  if (nul) return { text: decode(nul, bytes), encoding: nul, detectedBy: 'nul-pattern' };
  if (options.html) {
    const meta = metaCharset(bytes);
    if (meta) return { text: decode(meta, bytes), encoding: meta, detectedBy: 'meta' };
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text, encoding: 'utf-8', detectedBy: 'valid-utf8' };
  } catch {
    // not UTF-8: a legacy code page
  }
  if (looksArabic1256(bytes))
    return { text: decode('windows-1256', bytes), encoding: 'windows-1256', detectedBy: 'arabic-letters' };
  return { text: decode('windows-1252', bytes), encoding: 'windows-1252', detectedBy: 'fallback' };
}

function decode(encoding: TextEncodingName, bytes: Uint8Array): string {
  return new TextDecoder(encoding).decode(bytes);
}

/** UTF-16 text of mostly Basic Latin or Arabic has a NUL (or 0x06) in every other byte. */
function nulPattern(bytes: Uint8Array): TextEncodingName | undefined {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.3 && evenNul < pairs * 0.05) return 'utf-16le';
  if (evenNul > pairs * 0.3 && oddNul < pairs * 0.05) return 'utf-16be';
  return undefined;
}

/**
 * In Windows-1256, Arabic letters sit at 0xC1–0xDA (less 0xD7), 0xDC–0xDF, 0xE1, 0xE3–0xE6,
 * 0xEC–0xED; Latin text in Windows-1252 uses those bytes for accented letters, which come one or
 * two per word, not as whole words. Arabic is assumed when most high bytes are such letters.
 */
function looksArabic1256(bytes: Uint8Array): boolean {
  let high = 0;
  let arabic = 0;
  const n = Math.min(bytes.length, 65536);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    high++;
    if (
      (b >= 0xc1 && b <= 0xda && b !== 0xd7) ||
      (b >= 0xdc && b <= 0xdf) ||
      b === 0xe1 ||
      (b >= 0xe3 && b <= 0xe6) ||
      b === 0xec ||
      b === 0xed
    )
      arabic++;
  }
  return high > 0 && arabic / high > 0.6;
}

/** metaCharset finds `<meta charset=…>` or `<meta http-equiv content="…charset=…">` (HTML prescan). */
function metaCharset(bytes: Uint8Array): TextEncodingName | undefined {
  const head = new TextDecoder('windows-1252').decode(bytes.subarray(0, 1024)).toLowerCase();
  const m = /<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_-]+)/.exec(head);
  return m ? LABELS[m[1]!] : undefined;
}
