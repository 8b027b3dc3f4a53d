/**
 * ern.ts — evidence reference numbers. An ERN is `ATT-` followed by the item's sequence number,
 * zero-padded to at least six digits (ATT-000123). Numbers come from one counter per deployment,
 * are never reused and never reordered; past 999,999 the number simply grows a digit.
 */
export const ERN_PREFIX = 'ATT-';
const ERN_PATTERN = /^ATT-(\d{6,15})$/;

/** formatErn returns the ERN for sequence number `seq` (a positive safe integer). */
export function formatErn(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq <= 0) throw new RangeError(`invalid ERN sequence ${seq}`);
  return `${ERN_PREFIX}${String(seq).padStart(6, '0')}`;
}

/**
 * parseErn returns the sequence number of `ern`, or undefined when it is not exactly one
 * canonical ERN. Input is attacker-controlled (URLs, CLI): the canonical form is re-made and
 * compared, so `ATT-0000123` and `att-000123` are rejected rather than aliased.
 */
export function parseErn(ern: string): number | undefined {
  const m = ERN_PATTERN.exec(ern);
  if (!m) return undefined;
  const seq = Number(m[1]);
  if (!Number.isSafeInteger(seq) || seq <= 0) return undefined;
  return formatErn(seq) === ern ? seq : undefined;
}
