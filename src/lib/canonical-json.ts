/**
 * canonical-json.ts — one byte sequence per value, for custody-log entries whose hashes must be
 * recomputable by anyone: the RFC 8785 (JCS) rules restricted to what entries use — objects with
 * keys sorted by UTF-16 code units, arrays, strings, safe integers, booleans and null; no
 * whitespace. Floats, NaN, undefined and non-plain objects are refused rather than coerced.
 */
export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | CanonicalValue[]
  | { [k: string]: CanonicalValue };

/** canonicalJson returns the canonical text of `value`, or throws TypeError on a value it will not encode. */
export function canonicalJson(value: CanonicalValue): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new TypeError(`canonical JSON takes safe integers only, got ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    // A plain loop and one growing string: every custody append passes here (no map/join arrays).
    const keys = Object.keys(value).sort();
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = value[k];
      if (v === undefined) throw new TypeError(`canonical JSON has no undefined (key ${k})`);
      out += `${i === 0 ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
    }
    return `${out}}`;
  }
  throw new TypeError(`canonical JSON cannot encode ${typeof value}`);
}
