/**
 * text.ts — text redaction: spans (UTF-16 code-unit offsets into the decoded text, as a browser
 * selection gives them) replaced by a fixed marker, and names of protected people replaced by
 * their pseudonyms. Pure; the bytes in the vault are never touched (the result is a new item).
 */
import { CaseError } from '../errors.js';

export const REDACTED_MARK = '[REDACTED]';

export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

export interface NamePair {
  readonly name: string;
  readonly pseudonym: string;
}

/** redactSpans replaces each span of `text` by REDACTED_MARK; spans may touch or overlap. */
export function redactSpans(text: string, spans: readonly TextSpan[]): string {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  for (const s of sorted) {
    if (
      !Number.isSafeInteger(s.start) ||
      !Number.isSafeInteger(s.end) ||
      s.start < 0 ||
      s.end <= s.start ||
      s.end > text.length
    )
      throw new CaseError(
        'INVALID_REDACTION',
        `span ${s.start}–${s.end} is not inside the text (0–${text.length})`,
      );
  }
  const merged: TextSpan[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end)
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, s.end) };
    else merged.push(s);
  }
  let out = '';
  let at = 0;
  for (const s of merged) {
    out += text.slice(at, s.start) + REDACTED_MARK;
    at = s.end;
  }
  return out + text.slice(at);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * replaceNames replaces every occurrence of each name (case-insensitive, whole words, Arabic
 * included: a "word" boundary is any non-letter, non-digit) by its pseudonym. Longer names go
 * first so "Hassan al-Khatib" is replaced before "Hassan". Returns the text and the count.
 */
export function replaceNames(text: string, pairs: readonly NamePair[]): { text: string; count: number } {
  let count = 0;
  let out = text.normalize('NFC');
  const sorted = [...pairs]
    .filter((p) => p.name.trim().length > 0)
    .sort((a, b) => b.name.length - a.name.length);
  for (const p of sorted) {
    const re = new RegExp(
      `(?<![\\p{L}\\p{N}])${escapeRegExp(p.name.normalize('NFC'))}(?![\\p{L}\\p{N}])`,
      'giu',
    );
    out = out.replace(re, () => {
      count++;
      return p.pseudonym;
    });
  }
  return { text: out, count };
}
