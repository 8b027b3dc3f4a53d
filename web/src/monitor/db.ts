/**
 * db.ts — the monitor app's IndexedDB (Dexie): the queue of signed observations, the device
 * key, and the last operation data fetched (so the app opens offline). An observation is
 * written here, signed, before the app says it is queued; it leaves only when the server has
 * answered accepted, duplicate or rejected — and even then it stays, with its state, as the
 * device's own record. Transactions use strict durability: a crash right after "queued" keeps it.
 */
import { Dexie, type EntityTable } from 'dexie';
import type { ObservationBody } from '../api/types.js';

/** QueueState: queued → sent → accepted | duplicate | rejected; a network failure goes back to queued. */
export type QueueState = 'queued' | 'sent' | 'accepted' | 'duplicate' | 'rejected';

export interface QueuedObservation {
  readonly clientId: string;
  readonly body: ObservationBody;
  /** base64 Ed25519 signature of canonicalJson(body). */
  readonly signature: string;
  readonly state: QueueState;
  /** Why the server refused it (problem type and detail), for `rejected`. */
  readonly reason: string | null;
  readonly createdAt: number;
  readonly attempts: number;
  readonly serverId: string | null;
  /** Photos taken with the observation, kept on the device. */
  readonly photos: readonly Blob[];
  /**
   * What the monitor saw when recording (not signed, never sent): the point's names and the
   * vehicles' markings, so the queue names them even offline or after the assignment changed.
   */
  readonly labels?: QueueLabels;
}

export interface QueueLabels {
  readonly point: string;
  readonly pointAr: string | null;
  readonly markings: readonly string[];
}

export interface DeviceRecord {
  readonly id: 'device';
  /** The non-extractable Ed25519 private key (structured-cloned CryptoKey). */
  readonly privateKey: CryptoKey;
  /** Raw 32-byte public key, base64. */
  readonly publicKey: string;
  /** Set once the server has registered the key (POST /api/ops/devices). */
  readonly deviceKeyId: string | null;
  /** The user the key was registered for; another user on this device registers anew. */
  readonly userId: string | null;
  /** The name the monitor gave this device, sent when the key is registered. */
  readonly label?: string;
}

export interface CacheRecord {
  readonly key: string;
  readonly value: unknown;
  readonly at: number;
}

export class MonitorDb extends Dexie {
  queue!: EntityTable<QueuedObservation, 'clientId'>;
  device!: EntityTable<DeviceRecord, 'id'>;
  cache!: EntityTable<CacheRecord, 'key'>;

  constructor() {
    super('attest-monitor', { chromeTransactionDurability: 'strict' });
    this.version(1).stores({
      queue: 'clientId, state, createdAt',
      device: 'id',
      cache: 'key',
    });
  }
}

export const db = new MonitorDb();

/** cacheGet returns a cached value, or null. */
export async function cacheGet<T>(key: string): Promise<T | null> {
  const row = await db.cache.get(key);
  return row ? (row.value as T) : null;
}

/** cachePut stores a value under `key`. */
export async function cachePut(key: string, value: unknown): Promise<void> {
  await db.cache.put({ key, value, at: Date.now() });
}
