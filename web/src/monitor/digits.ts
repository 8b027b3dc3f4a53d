/**
 * digits.ts — reading what a monitor types on a phone whose keyboard may be Arabic: Arabic-Indic
 * digits (٠–٩, U+0660–0669) and Extended Arabic-Indic digits (۰–۹, U+06F0–06F9, Persian and Urdu
 * keyboards) count as the digits they are. The text is attacker-controlled only in the weak sense
 * that anything can be typed: it is bounded, and anything but digits and surrounding spaces is
 * refused rather than guessed at ("1e3", "-5", "4.5", "١٢abc" are not counts).
 */

/** toAsciiDigits maps Arabic-Indic and Extended Arabic-Indic digits to 0–9; other characters stay. */
export function toAsciiDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (d) => {
    const c = d.charCodeAt(0);
    return String(c >= 0x06f0 ? c - 0x06f0 : c - 0x0660);
  });
}

/** MAX_COUNT_DIGITS bounds a count: no vehicle or checkpoint sees ten million people. */
export const MAX_COUNT_DIGITS = 7;

/** parseCount reads a whole number of people (0 or more), in any of the three digit sets, or null. */
export function parseCount(text: string): number | null {
  if (text.length > 64) return null;
  const ascii = toAsciiDigits(text).trim();
  if (!new RegExp(`^[0-9]{1,${MAX_COUNT_DIGITS}}$`).test(ascii)) return null;
  return Number(ascii);
}

/** markingKey reduces a marking or a search to upper-case letters and ASCII digits ("al-bus 0412" → "ALBUS0412"). */
export function markingKey(text: string): string {
  return toAsciiDigits(text.slice(0, 200))
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}
