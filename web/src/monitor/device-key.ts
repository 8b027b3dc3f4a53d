/**
 * device-key.ts — the device's Ed25519 key (WebCrypto, RFC 8032). Made on first use, kept in
 * IndexedDB as a non-extractable CryptoKey (the private key never leaves the browser's key
 * store, not even to this code), and registered with the server (`POST /api/ops/devices`,
 * raw 32-byte public key in base64) the first time the device is online. Observations are
 * signed at the moment they are recorded, online or not; the signature covers
 * canonicalJson(observation) (src/lib/canonical-json.ts: sorted keys, no whitespace, UTF-8).
 */
import { type CanonicalValue, canonicalJson } from '../../../src/lib/canonical-json.js';
import { api } from '../api/client.js';
import type { ObservationBody } from '../api/types.js';
import { type DeviceRecord, db } from './db.js';

function toBase64(bytes: ArrayBuffer): string {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s);
}

/** ed25519Supported says whether this browser's WebCrypto can make Ed25519 keys. */
export async function ed25519Supported(): Promise<boolean> {
  try {
    await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
    return true;
  } catch {
    return false;
  }
}

/** deviceKey returns this device's key record, making the key pair on first use. */
export async function deviceKey(): Promise<DeviceRecord> {
  const existing = await db.device.get('device');
  if (existing) return existing;
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const raw = await crypto.subtle.exportKey('raw', pair.publicKey);
  const record: DeviceRecord = {
    id: 'device',
    privateKey: pair.privateKey,
    publicKey: toBase64(raw),
    deviceKeyId: null,
    userId: null,
  };
  // Two tabs may race on first use: keep whichever key was stored first.
  await db.transaction('rw', db.device, async () => {
    if (!(await db.device.get('device'))) await db.device.add(record);
  });
  return (await db.device.get('device'))!;
}

/** registeredDeviceKeyId registers the key for `userId` if needed and returns its id (needs the network). */
export async function registeredDeviceKeyId(userId: string): Promise<string> {
  const key = await deviceKey();
  if (key.deviceKeyId && key.userId === userId) return key.deviceKeyId;
  const { deviceKeyId } = await api<{ deviceKeyId: string }>('POST', '/api/ops/devices', {
    publicKey: key.publicKey,
    label: `${navigator.platform || 'device'} · ${new Date().toISOString().slice(0, 10)}`,
  });
  await db.device.update('device', { deviceKeyId, userId });
  return deviceKeyId;
}

/** observationValue is the observation as the canonical JSON value that is signed. */
export function observationValue(body: ObservationBody): CanonicalValue {
  return JSON.parse(JSON.stringify(body)) as CanonicalValue;
}

/** signObservation returns the base64 Ed25519 signature of canonicalJson(body). */
export async function signObservation(body: ObservationBody): Promise<string> {
  const key = await deviceKey();
  const bytes = new TextEncoder().encode(canonicalJson(observationValue(body)));
  return toBase64(await crypto.subtle.sign({ name: 'Ed25519' }, key.privateKey, bytes));
}
