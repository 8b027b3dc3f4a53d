/**
 * observation-signing.ts — the bytes a monitor's device signs for an observation and their check.
 * The signed text is the canonical JSON (src/lib/canonical-json.ts: sorted keys, no whitespace,
 * UTF-8) of the observation as the device sends it (ObservationWire), so the server verifies the
 * very object it received and the web app (web/src/monitor/device-key.ts) signs the same bytes. Devices sign with Ed25519
 * (RFC 8032) through WebCrypto; the server verifies with node:crypto. Public keys travel as the raw
 * 32 bytes in base64 and are wrapped in SPKI DER (RFC 8410 §4) for node:crypto.
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { type CanonicalValue, canonicalJson } from '../../lib/canonical-json.js';
import type { CategoryCounts, Observation } from '../model.js';

/** SignedObservation is an observation as signed: everything the device knows, no receipt time. */
export type SignedObservation = Omit<Observation, 'receivedTime'>;

/** ED25519_SPKI_PREFIX is the DER of SubjectPublicKeyInfo{id-Ed25519} up to the 32 key bytes (RFC 8410). */
export const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** ED25519_PKCS8_PREFIX is the DER of PrivateKeyInfo{id-Ed25519} up to the 32 seed bytes (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const CATEGORY_KEYS = ['adults', 'children', 'medical', 'unaccompaniedMinors'] as const;

function categoriesValue(categories: CategoryCounts): CanonicalValue {
  const out: Record<string, CanonicalValue> = {};
  for (const key of CATEGORY_KEYS) {
    const n = categories[key];
    if (n !== undefined) out[key] = n;
  }
  return out;
}

/** DEFAULT_SOURCE is the source of an observation whose device names none: the UN monitors. */
export const DEFAULT_SOURCE = 'un-monitors';

/**
 * ObservationWire is an observation exactly as a device signs and sends it (the monitor app's
 * `ObservationBody`, web/src/api/types.ts). Who made it is not in it: the device key that signed
 * it says so, and the server records the key's owner as `monitorId`. Optional fields are left
 * out rather than empty, so that one observation has one signed form.
 */
export interface ObservationWire {
  readonly clientId: string;
  readonly operationId: string;
  readonly routePointId: string;
  readonly deviceTime: string;
  readonly kind: Observation['kind'];
  readonly vehicleIds: readonly string[];
  readonly headcount: number | null;
  readonly categories: CategoryCounts;
  readonly note?: string;
  readonly photoSha256?: readonly string[];
  readonly source?: string;
}

/** wireObservation returns the signed form of a domain observation (see ObservationWire). */
export function wireObservation(obs: SignedObservation): ObservationWire {
  return {
    clientId: obs.clientId,
    operationId: obs.operationId,
    routePointId: obs.routePointId,
    deviceTime: obs.deviceTime,
    kind: obs.kind,
    vehicleIds: [...obs.vehicleIds],
    headcount: obs.headcount,
    categories: obs.categories,
    ...(obs.note !== '' ? { note: obs.note } : {}),
    ...(obs.photoSha256.length > 0 ? { photoSha256: [...obs.photoSha256] } : {}),
    ...(obs.source !== DEFAULT_SOURCE ? { source: obs.source } : {}),
  };
}

/**
 * observationFromWire is the domain observation for a signed wire observation, with what the
 * server knows: the signing key, its owner and the receipt time.
 */
export function observationFromWire(
  wire: ObservationWire,
  known: { readonly monitorId: string; readonly deviceKeyId: string; readonly receivedTime: string },
): Observation {
  return {
    clientId: wire.clientId,
    operationId: wire.operationId,
    routePointId: wire.routePointId,
    kind: wire.kind,
    deviceTime: wire.deviceTime,
    receivedTime: known.receivedTime,
    monitorId: known.monitorId,
    deviceKeyId: known.deviceKeyId,
    source: wire.source ?? DEFAULT_SOURCE,
    vehicleIds: [...wire.vehicleIds],
    headcount: wire.headcount,
    categories: { ...wire.categories },
    note: wire.note ?? '',
    photoSha256: [...(wire.photoSha256 ?? [])],
  };
}

/** wireSigningText is the canonical JSON of a wire observation: the exact bytes a device signs. */
export function wireSigningText(wire: ObservationWire): string {
  const value: Record<string, CanonicalValue> = {
    clientId: wire.clientId,
    operationId: wire.operationId,
    routePointId: wire.routePointId,
    deviceTime: wire.deviceTime,
    kind: wire.kind,
    vehicleIds: [...wire.vehicleIds],
    headcount: wire.headcount,
    categories: categoriesValue(wire.categories),
  };
  if (wire.note !== undefined) value.note = wire.note;
  if (wire.photoSha256 !== undefined) value.photoSha256 = [...wire.photoSha256];
  if (wire.source !== undefined) value.source = wire.source;
  return canonicalJson(value);
}

/**
 * observationSigningText returns the canonical JSON that the device signed for `obs`: that of its
 * wire form. Absent category counts are left out (not null), so `{}` and `{adults: undefined}` sign
 * the same; the monitor, device key and receipt time are not signed (the key implies the first two).
 */
export function observationSigningText(obs: SignedObservation): string {
  return wireSigningText(wireObservation(obs));
}

/** observationSigningBytes returns the UTF-8 bytes of `observationSigningText(obs)`. */
export function observationSigningBytes(obs: SignedObservation): Buffer {
  return Buffer.from(observationSigningText(obs), 'utf8');
}

/** publicKeyFromRaw wraps a raw 32-byte Ed25519 public key for node:crypto, or returns null. */
export function publicKeyFromRaw(raw: Uint8Array): KeyObject | null {
  if (raw.length !== 32) return null;
  try {
    return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** decodeBase64Strict decodes standard base64 and returns null unless it re-encodes identically. */
function decodeBase64Strict(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

/**
 * verifyObservationSignature says whether `signatureB64` is the Ed25519 signature of `obs`'s signing
 * text by the raw public key `publicKeyRawB64`. Both strings are attacker-controlled: they are
 * decoded strictly (one accepted base64 form, 64-byte signature, 32-byte key), and any malformed
 * input yields false rather than an exception.
 */
export function verifyObservationSignature(
  obs: SignedObservation,
  signatureB64: string,
  publicKeyRawB64: string,
): boolean {
  let text: string;
  try {
    text = observationSigningText(obs);
  } catch {
    return false;
  }
  return verifySignedText(text, signatureB64, publicKeyRawB64);
}

/** verifySignedText checks an Ed25519 signature over UTF-8 `text`, with the same strictness. */
export function verifySignedText(text: string, signatureB64: string, publicKeyRawB64: string): boolean {
  if (typeof signatureB64 !== 'string' || typeof publicKeyRawB64 !== 'string') return false;
  const signature = decodeBase64Strict(signatureB64);
  if (signature?.length !== 64) return false;
  const key = cachedPublicKey(publicKeyRawB64);
  if (!key) return false;
  return verify(null, Buffer.from(text, 'utf8'), key, signature);
}

/** A few thousand device keys at most are live; building a KeyObject is half the cost of a verify. */
const KEY_CACHE_LIMIT = 4096;
const keyCache = new Map<string, KeyObject>();

function cachedPublicKey(publicKeyRawB64: string): KeyObject | null {
  const hit = keyCache.get(publicKeyRawB64);
  if (hit) return hit;
  const raw = decodeBase64Strict(publicKeyRawB64);
  const key = raw ? publicKeyFromRaw(raw) : null;
  if (!key) return null;
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(publicKeyRawB64, key);
  return key;
}

/** publicKeyIsValid says whether base64 `publicKeyRawB64` is a usable raw Ed25519 public key. */
export function publicKeyIsValid(publicKeyRawB64: string): boolean {
  const raw = decodeBase64Strict(publicKeyRawB64);
  return raw !== null && publicKeyFromRaw(raw) !== null;
}

/** DeviceKey is an Ed25519 key pair as a device holds it: the raw seed and public key, base64. */
export interface DeviceKey {
  readonly privateSeedB64: string;
  readonly publicKeyRawB64: string;
}

/** deviceKeyFromSeed derives a device key from a 32-byte seed (tests and the demo use fixed seeds). */
export function deviceKeyFromSeed(seed: Uint8Array): DeviceKey {
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return {
    privateSeedB64: Buffer.from(seed).toString('base64'),
    publicKeyRawB64: spki.subarray(ED25519_SPKI_PREFIX.length).toString('base64'),
  };
}

/** signObservation returns the base64 Ed25519 signature of `obs`, as the monitor app makes it. */
export function signObservation(obs: SignedObservation, key: DeviceKey): string {
  return signSignedText(observationSigningText(obs), key);
}

/** signSignedText returns the base64 Ed25519 signature of UTF-8 `text` by `key`. */
export function signSignedText(text: string, key: DeviceKey): string {
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(key.privateSeedB64, 'base64')]),
    format: 'der',
    type: 'pkcs8',
  });
  return sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64');
}
