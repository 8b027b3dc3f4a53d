/**
 * derived-key.ts — what a derivation's key means to a reader. Intake names each derivative of an
 * item by a key unique within its kind (src/intake/extractors: `page:3`, `t:20`, `record:2`,
 * `member:0`, `attachment:1`, a thumbnail's size in pixels, `all`, the extractor's name); the
 * item page says it in words ("page 3", "at 20 s") or says nothing when the kind says it all.
 */

/** DERIVED_KINDS are the derivation kinds named in both languages (`item.derivedKind`; src/intake/derive.ts). */
export const DERIVED_KINDS = [
  'text',
  'page-text',
  'ocr-text',
  'metadata',
  'thumbnail',
  'keyframe',
  'member',
  'attachment',
  'body',
] as const;

/** DerivedKeyText is an i18n key under `item.derivedKey` with its values, or null: nothing to add. */
export type DerivedKeyText = { readonly key: string; readonly n: number } | null;

const NUMBERED: Record<string, { readonly key: string; readonly base: 0 | 1 }> = {
  page: { key: 'page', base: 1 },
  t: { key: 'second', base: 1 },
  record: { key: 'record', base: 1 },
  // Archive members and mail attachments are numbered from 0 by the extractors; readers count from 1.
  member: { key: 'member', base: 0 },
  attachment: { key: 'attachment', base: 0 },
};

/**
 * derivedKeyText reads `key` of a derivative of `kind`: a numbered part in words, null when the
 * kind alone says what it is (the whole text, the facts found), or undefined for a key it does not
 * know (shown as data, unchanged).
 */
export function derivedKeyText(kind: string, key: string): DerivedKeyText | undefined {
  if (key === 'all' || key === 'text' || key === 'image' || kind === 'metadata') return null;
  if (kind === 'thumbnail' && /^\d{1,5}$/.test(key)) return { key: 'pixels', n: Number(key) };
  const m = /^([a-z]+):(\d{1,9})$/.exec(key);
  const rule = m ? NUMBERED[m[1]!] : undefined;
  if (!m || !rule) return undefined;
  const n = Number(m[2]);
  return rule.key === 'second' ? { key: rule.key, n } : { key: rule.key, n: rule.base === 0 ? n + 1 : n };
}
