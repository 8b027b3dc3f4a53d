/**
 * bagit.ts — the text formats of a BagIt 1.0 bag (RFC 8493): the bag declaration (§2.1.1),
 * payload and tag manifests (§2.1.3, §2.2.1) and bag-info.txt (§2.2.2), written and read.
 * Pure: no file system. Readers take attacker-controlled text (a package from anywhere) and
 * are bounded; every malformed line is an error naming the line.
 */

export const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';
export const MANIFEST = 'manifest-sha256.txt';
export const TAG_MANIFEST = 'tagmanifest-sha256.txt';
/** A manifest of more lines than this is refused before it is read further. */
export const MAX_MANIFEST_LINES = 1_000_000;

/**
 * encodePath percent-encodes the characters RFC 8493 §2.1.3 requires in a manifest filepath:
 * CR, LF and `%` (and only those).
 */
export function encodePath(path: string): string {
  return path.replace(/[%\r\n]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** decodePath reverses encodePath (only %25, %0A, %0D are decoded, as §2.1.3 specifies). */
export function decodePath(encoded: string): string {
  return encoded.replace(/%(25|0A|0D)/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

/**
 * formatManifest writes `checksum  filepath` lines (§2.1.3), sorted by path. Two spaces keep the
 * file readable by `sha256sum -c` as well as by BagIt tools.
 */
export function formatManifest(entries: ReadonlyMap<string, string>): string {
  return [...entries.keys()]
    .sort()
    .map((p) => `${entries.get(p)}  ${encodePath(p)}\n`)
    .join('');
}

export class BagFormatError extends Error {}

/**
 * isSafeBagPath tells whether a manifest path stays inside the bag: relative, `/`-separated, no
 * empty, `.` or `..` segments, no backslashes or NUL (a hostile manifest must not point outside).
 */
export function isSafeBagPath(p: string): boolean {
  if (p.length === 0 || p.length > 4096 || p.startsWith('/') || p.includes('\\') || p.includes('\0'))
    return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** parseManifest reads a SHA-256 manifest into path → hex checksum, refusing duplicates. */
export function parseManifest(text: string, name: string): Map<string, string> {
  const out = new Map<string, string>();
  if (text.length > 0 && !text.endsWith('\n'))
    throw new BagFormatError(`${name}: the last line has no newline`);
  const lines = text.length === 0 ? [] : text.slice(0, -1).split('\n');
  if (lines.length > MAX_MANIFEST_LINES)
    throw new BagFormatError(`${name}: more than ${MAX_MANIFEST_LINES} lines`);
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const m = /^([0-9a-fA-F]{64})[ \t]+\*?(.+)$/.exec(line);
    if (!m) throw new BagFormatError(`${name} line ${i + 1}: not "checksum filepath"`);
    const path = decodePath(m[2]!);
    if (!isSafeBagPath(path)) throw new BagFormatError(`${name} line ${i + 1}: unsafe path`);
    if (out.has(path)) throw new BagFormatError(`${name} line ${i + 1}: ${path} listed twice`);
    out.set(path, m[1]!.toLowerCase());
  });
  return out;
}

/** formatBagInfo writes `Label: Value` lines (§2.2.2) in the order given. */
export function formatBagInfo(fields: readonly (readonly [string, string])[]): string {
  return fields
    .map(([k, v]) => {
      if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(k) || /[\r\n]/.test(v))
        throw new BagFormatError(`bad bag-info field ${k}`);
      return `${k}: ${v}\n`;
    })
    .join('');
}

/**
 * parseBagInfo reads bag-info.txt into label → values (a label may repeat, §2.2.2); a line
 * starting with whitespace continues the previous value.
 */
export function parseBagInfo(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let last: { label: string; index: number } | undefined;
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    if (/^[ \t]/.test(line) && last) {
      const values = out.get(last.label)!;
      values[last.index] = `${values[last.index]} ${line.trim()}`;
      return;
    }
    const m = /^([^:\s][^:]*):[ \t]*(.*)$/.exec(line);
    if (!m) throw new BagFormatError(`bag-info.txt line ${i + 1}: not "Label: Value"`);
    const label = m[1]!.trim();
    const values = out.get(label) ?? [];
    values.push(m[2]!.trim());
    out.set(label, values);
    last = { label, index: values.length - 1 };
  });
  return out;
}

/** payloadOxum is "OctetCount.StreamCount" (§2.2.2). */
export function payloadOxum(bytes: number, files: number): string {
  return `${bytes}.${files}`;
}
