/**
 * sync.ts — sends queued observations, oldest first, once each. One sync runs at a time across
 * every tab of the app (Web Locks). Outcomes per item: 201 accepted, 200 duplicate (the server
 * already had this clientId: a re-send after a crash), 4xx rejected with the problem's reason
 * (kept on the device, shown to the monitor). An observation's photos are sent right after it, and
 * it counts as accepted only once they are all stored. A network failure, a 5xx or a lost session puts
 * the item back in the queue and stops this round; the next `online` event or "Send now" retries.
 */
import { ApiError, api } from '../api/client.js';
import { db } from './db.js';
import { registeredDeviceKeyId } from './device-key.js';

const LOCK = 'attest-monitor-sync';

interface SubmitResult {
  readonly status: 'accepted' | 'duplicate';
  readonly id: string;
}

function retryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  return (
    err.isNetwork ||
    err.status >= 500 ||
    err.status === 401 ||
    err.status === 429 ||
    err.type === 'csrf-failed'
  );
}

async function syncRound(userId: string): Promise<void> {
  const pending = await db.queue.where('state').anyOf('queued', 'sent').sortBy('createdAt');
  if (pending.length === 0) return;
  const deviceKeyId = await registeredDeviceKeyId(userId);
  for (const item of pending) {
    await db.queue.update(item.clientId, { state: 'sent', attempts: item.attempts + 1 });
    try {
      const res = await api<SubmitResult>('POST', '/api/ops/observations', {
        deviceKeyId,
        signature: item.signature,
        observation: item.body,
      });
      // The photos' hashes are signed in the observation; their bytes follow (idempotent PUTs).
      const hashes = item.body.photoSha256 ?? [];
      for (const [i, photo] of item.photos.entries()) {
        const sha256 = hashes[i];
        if (sha256 === undefined) break;
        await api(
          'PUT',
          `/api/ops/observations/${encodeURIComponent(item.clientId)}/photos/${sha256}`,
          photo,
        );
      }
      await db.queue.update(item.clientId, {
        state: res.status === 'duplicate' ? 'duplicate' : 'accepted',
        serverId: res.id,
        reason: null,
      });
    } catch (err) {
      if (retryable(err)) {
        await db.queue.update(item.clientId, { state: 'queued' });
        throw err;
      }
      const e = err as ApiError;
      await db.queue.update(item.clientId, {
        state: 'rejected',
        reason: e.detail ? `${e.type}: ${e.detail}` : e.type,
      });
    }
  }
}

/** syncQueue sends what is queued for `userId`'s session; resolves when the round ends. */
export async function syncQueue(userId: string): Promise<void> {
  if (!navigator.onLine) return;
  if ('locks' in navigator) {
    await navigator.locks.request(LOCK, { ifAvailable: true }, async (lock) => {
      if (lock) await syncRound(userId);
    });
  } else {
    await syncRound(userId);
  }
}

/** requeue puts a rejected observation back in the queue (e.g. after the server was fixed). */
export async function requeue(clientId: string): Promise<void> {
  await db.queue.update(clientId, { state: 'queued', reason: null });
}
