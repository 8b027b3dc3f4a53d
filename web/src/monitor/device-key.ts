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

/** LABEL_MAX is the longest device name kept (the server bounds it too). */
export const LABEL_MAX = 60;

/**
 * defaultDeviceLabel names a device the monitor did not name: the kind of device and browser, and
 * the start of its key's fingerprint, so that two identical phones still differ in the list.
 */
export async function defaultDeviceLabel(publicKey: string): Promise<string> {
  const raw = Uint8Array.from(atob(publicKey), (c) => c.charCodeAt(0));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', raw));
  const print = [...digest.slice(0, 3)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const ua = navigator.userAgent;
  const device = /Android/i.test(ua)
    ? 'Android'
    : /iPhone|iPad/i.test(ua)
      ? 'iOS'
      : /Windows/i.test(ua)
        ? 'Windows'
        : /Mac OS/i.test(ua)
          ? 'macOS'
          : /Linux/i.test(ua)
            ? 'Linux'
            : 'device';
  const browser = /Firefox\//.test(ua)
    ? 'Firefox'
    : /Edg\//.test(ua)
      ? 'Edge'
      : /Chrom/.test(ua)
        ? 'Chromium'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'browser';
  return `${device} · ${browser} · ${print}`;
}

/** setDeviceLabel keeps the monitor's name for this device, used when its key is registered. */
export async function setDeviceLabel(label: string): Promise<void> {
  await deviceKey();
  await db.device.update('device', { label: label.trim().slice(0, LABEL_MAX) });
}

/** registeredDeviceKeyId registers the key for `userId` if needed and returns its id (needs the network). */
export async function registeredDeviceKeyId(userId: string): Promise<string> {
  const key = await deviceKey();
  if (key.deviceKeyId && key.userId === userId) return key.deviceKeyId;
  const { deviceKeyId } = await api<{ deviceKeyId: string }>('POST', '/api/ops/devices', {
    publicKey: key.publicKey,
    label: key.label || (await defaultDeviceLabel(key.publicKey)),
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
