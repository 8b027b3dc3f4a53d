/**
 * display.ts — text from outside (file names, notes) is shown to people with its control and
 * bidirectional-override characters made visible, so a name like "invoice\u202Efdp.exe" cannot
 * pose as something else on a terminal or page. Storage keeps the original.
 */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** visible returns `s` with control, zero-width and bidi-control characters escaped as \u{…}. */
export function visible(s: string): string {
  return s.replace(INVISIBLE, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`);
}

/** decodeName decodes raw file-name bytes; `hex` is set only when they were not valid UTF-8. */
export function decodeName(raw: Uint8Array): { name: string; hex: string | null } {
  try {
    return { name: new TextDecoder('utf-8', { fatal: true }).decode(raw).normalize('NFC'), hex: null };
  } catch {
    return { name: new TextDecoder('utf-8').decode(raw), hex: Buffer.from(raw).toString('hex') };
  }
}
