/**
 * mime-structure.ts — counts the parts of a MIME message and how deeply multiparts nest
 * (RFC 2046 §5.1.1: a part begins at a line `--boundary`, a multipart ends at `--boundary--`),
 * with one linear scan and no parsing, so a hostile message can be refused before a MIME parser
 * builds thousands of nested objects for it.
 */

export interface MimeShape {
  /** Delimiter lines seen (each starts a body part). */
  readonly parts: number;
  /** Deepest nesting of multiparts. */
  readonly depth: number;
}

/** mimeShape measures `raw` (the message as latin1 text, so bytes map 1:1). */
export function mimeShape(raw: string): MimeShape {
  const boundaries = new Set<string>();
  for (const m of raw.matchAll(/boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"\r\n]{1,200}))/gi)) {
    boundaries.add(m[1] ?? m[2]!);
  }
  let parts = 0;
  let depth = 0;
  const open: string[] = [];
  const lines = raw.split(/\r?\n/);
  for (const line of lines) {
    if (!line.startsWith('--')) continue;
    const closing = line.trimEnd().endsWith('--') && boundaries.has(line.trimEnd().slice(2, -2));
    const b = closing ? line.trimEnd().slice(2, -2) : line.trimEnd().slice(2);
    if (!boundaries.has(b)) continue;
    if (closing) {
      const at = open.lastIndexOf(b);
      if (at >= 0) open.length = at;
      continue;
    }
    parts++;
    if (!open.includes(b)) {
      open.push(b);
      depth = Math.max(depth, open.length);
    }
  }
  return { parts, depth };
}

/** looksLikeEmail says whether a text starts with an RFC 5322 header block of a message. */
export function looksLikeEmail(head: string): boolean {
  const block = head.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const lines = block.split(/\r?\n/).filter((l) => !/^[ \t]/.test(l));
  if (lines.length < 2 || !lines.every((l) => /^[A-Za-z0-9-]{1,76}:/.test(l) || l.startsWith('From ')))
    return false;
  const names = new Set(lines.map((l) => l.split(':', 1)[0]!.toLowerCase()));
  const known = ['from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'received', 'return-path'];
  return known.filter((k) => names.has(k)).length >= 2;
}
