/** devices.ts — monitors' device keys in the database (Ed25519 public keys that sign observations). */
import type { Db } from './db.js';

/** selectDeviceKey returns a device key by id. */
export async function selectDeviceKey(db: Db, id: string) {
  return db.selectFrom('device_key').selectAll().where('id', '=', id).executeTakeFirst();
}

/** selectDeviceKeysByPublicKey returns every registration of a public key (at most one owner). */
export async function selectDeviceKeysByPublicKey(db: Db, publicKey: string) {
  return db
    .selectFrom('device_key')
    .select(['id', 'user_id', 'revoked_at'])
    .where('public_key', '=', publicKey)
    .execute();
}

export async function insertDeviceKey(
  db: Db,
  row: { id: string; userId: string; publicKey: string; label: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('device_key')
    .values({
      id: row.id,
      user_id: row.userId,
      public_key: row.publicKey,
      label: row.label,
      created_at: row.createdAt,
      revoked_at: null,
    })
    .execute();
}

/** selectDeviceKeys lists device keys (all, or one user's), newest first. */
export async function selectDeviceKeys(db: Db, userId?: string) {
  let q = db
    .selectFrom('device_key')
    .select(['id', 'user_id', 'label', 'created_at', 'revoked_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id');
  if (userId !== undefined) q = q.where('user_id', '=', userId);
  return q.execute();
}

/** revokeDeviceKeyRow marks an active key revoked (only `ownerId`'s when given); true if it did. */
export async function revokeDeviceKeyRow(db: Db, id: string, at: string, ownerId?: string): Promise<boolean> {
  let q = db
    .updateTable('device_key')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null);
  if (ownerId !== undefined) q = q.where('user_id', '=', ownerId);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
