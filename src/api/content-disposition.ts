/**
 * content-disposition.ts — the Content-Disposition of a download, RFC 6266 §4: an ASCII
 * `filename` every client understands, and `filename*` (RFC 8187 §3.2: UTF-8, percent-encoded)
 * carrying the real name when it is not plain ASCII, so Arabic names arrive intact. Names are
 * attacker-controlled (the uploader chose them): path separators, control and format characters
 * (bidi overrides included) and quotes are replaced, leading dots removed, the length bounded.
 */

const MAX_NAME = 200;

/** safeFileName makes `name` harmless as a file name on any system (never empty). */
export function safeFileName(name: string): string {
  const clean = name
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/[/\\:*?"<>|]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  const chars = [...clean];
  const bounded = chars.length > MAX_NAME ? chars.slice(chars.length - MAX_NAME).join('') : clean;
  return bounded || 'download';
}

/** asciiFallback replaces every non-ASCII character, for the plain `filename` parameter. */
function asciiFallback(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '_').replace(/[%\\"]/g, '_');
}

/** RFC 8187 §3.2.1 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" */
function encodeExtValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9!#$&+\-.^_`|~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** attachment returns the header value for downloading a file called `name`. */
export function attachment(name: string): string {
  const safe = safeFileName(name);
  const fallback = asciiFallback(safe);
  if (fallback === safe) return `attachment; filename="${safe}"`;
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(safe)}`;
}
