/**
 * hash.ts — SHA-256 helpers shared by the vault, the custody log and exports.
 * Digests are lowercase hex everywhere they are stored or shown.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** sha256Hex returns the lowercase hex SHA-256 of `data`. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 returns the raw 32-byte SHA-256 of the concatenation of `parts`. */
export function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** isSha256Hex tells whether `s` is exactly 64 lowercase hex digits. */
export function isSha256Hex(s: string): boolean {
  return SHA256_HEX.test(s);
}

/** constantTimeEqual compares two secrets without leaking where they first differ. */
export function constantTimeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const x = typeof a === 'string' ? Buffer.from(a, 'utf8') : Buffer.from(a);
  const y = typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b);
  if (x.length !== y.length) {
    // Compare against itself so the time spent does not depend on where a short guess ends.
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}
