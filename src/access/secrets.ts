/**
 * secrets.ts — the random secrets the access layer hands out (session ids, API tokens, one-time
 * links) and how they are kept: only their SHA-256 is stored, so a copy of the database lets
 * no one sign in. Each secret carries 256 bits from the CSPRNG, so a plain hash (no salt, no
 * stretching) is enough and lets the server find the row by its hash.
 */
import { randomBytes } from 'node:crypto';
import { constantTimeEqual, sha256Hex } from '../lib/hash.js';

export const SECRET_BYTES = 32;
/** base64url of 32 bytes: 43 characters. */
const SECRET = /^[A-Za-z0-9_-]{43}$/;
export const API_TOKEN_PREFIX = 'att_';

/** newSecret returns 32 random bytes as base64url (43 characters). */
export function newSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** isSecretShaped tells whether `s` looks like a secret from newSecret (checked before lookup). */
export function isSecretShaped(s: string): boolean {
  return SECRET.test(s);
}

/** secretHash is the stored form of a secret: hex SHA-256. */
export function secretHash(secret: string): string {
  return sha256Hex(secret);
}

/** csrfTokenFor derives a session's CSRF token from its (secret) id; nothing extra is stored. */
export function csrfTokenFor(sessionId: string): string {
  return Buffer.from(sha256Hex(`attest-csrf\0${sessionId}`), 'hex').toString('base64url');
}

/** csrfTokenMatches compares a presented CSRF token with the session's in constant time. */
export function csrfTokenMatches(sessionId: string, presented: string): boolean {
  return constantTimeEqual(csrfTokenFor(sessionId), presented);
}
