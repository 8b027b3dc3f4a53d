/**
 * devices.ts — monitors' device keys: a phone makes an Ed25519 key pair, registers the public half
 * here, and signs every observation with the private half. A key has one owner; a revoked key (a
 * lost or seized phone) signs no more, and cannot be registered again.
 */
import { randomUUID } from 'node:crypto';
import { type Ctx, nowIso } from '../../ctx.js';
import { OpsError } from '../errors.js';
import {
  insertDeviceKey,
  revokeDeviceKeyRow,
  selectDeviceKeys,
  selectDeviceKeysByPublicKey,
} from '../repo/devices.js';
import { publicKeyIsValid } from './signing.js';

/** registerDeviceKey records a monitor's device public key (raw Ed25519, base64) and returns its id. */
export async function registerDeviceKey(
  ctx: Ctx,
  userId: string,
  publicKey: string,
  label: string,
): Promise<string> {
  if (!publicKeyIsValid(publicKey)) {
    throw new OpsError('INVALID_DEVICE_KEY', 'publicKey must be a raw 32-byte Ed25519 key in base64');
  }
  const existing = await selectDeviceKeysByPublicKey(ctx.db, publicKey);
  // A revoked key stays revoked: registering it again would undo the revocation of a lost phone.
  if (existing.some((k) => k.revoked_at !== null)) {
    throw new OpsError('DEVICE_KEY_REVOKED', 'this device key was revoked; the app must make a new one');
  }
  // One key, one monitor: a key registered by someone else is refused without saying whose.
  if (existing.some((k) => k.user_id !== userId)) {
    throw new OpsError('INVALID_DEVICE_KEY', 'this public key cannot be registered');
  }
  if (existing[0]) return existing[0].id;
  const id = `dk-${randomUUID()}`;
  await insertDeviceKey(ctx.db, { id, userId, publicKey, label, createdAt: nowIso(ctx) });
  return id;
}

/** DeviceKeyView is a registered device key as its owner sees it. */
export interface DeviceKeyView {
  readonly id: string;
  readonly label: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** listDeviceKeys returns `userId`'s device keys, newest first. */
export async function listDeviceKeys(ctx: Ctx, userId: string): Promise<DeviceKeyView[]> {
  return (await listAllDeviceKeys(ctx, userId)).map(({ userId: _owner, ...view }) => view);
}

/** listAllDeviceKeys returns every device key (or one user's), newest first, with its owner. */
export async function listAllDeviceKeys(
  ctx: Ctx,
  userId?: string,
): Promise<Array<DeviceKeyView & { readonly userId: string }>> {
  const rows = await selectDeviceKeys(ctx.db, userId);
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    label: r.label,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  }));
}

/**
 * revokeDeviceKey stops a device key from signing (a lost or seized phone); observations it signed
 * before stay, with their signatures. With `ownerId`, only that user's key is revoked. It says
 * whether an active key was revoked.
 */
export function revokeDeviceKey(ctx: Ctx, id: string, ownerId?: string): Promise<boolean> {
  return revokeDeviceKeyRow(ctx.db, id, nowIso(ctx), ownerId);
}
