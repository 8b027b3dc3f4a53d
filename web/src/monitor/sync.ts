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
  for (const listed of pending) {
    // The monitor may have discarded it since the list was read: claim it in one transaction
    // (discard() checks the state in one too), and skip what is gone.
    const item = await db.transaction('rw', db.queue, async () => {
      const current = await db.queue.get(listed.clientId);
      if (!current || (current.state !== 'queued' && current.state !== 'sent')) return null;
      await db.queue.update(current.clientId, { state: 'sent', attempts: current.attempts + 1 });
      return current;
    });
    if (!item) continue;
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

/**
 * discard deletes an observation the monitor recorded by mistake, if it has not started to be
 * sent: returns false when it was already claimed by a sync (then the server decides). A deleted
 * observation was never sent, so nothing of it exists anywhere else.
 */
export async function discard(clientId: string): Promise<boolean> {
  return db.transaction('rw', db.queue, async () => {
    const current = await db.queue.get(clientId);
    if (!current || current.state !== 'queued') return false;
    await db.queue.delete(clientId);
    return true;
  });
}

/** requeue puts a rejected observation back in the queue (e.g. after the server was fixed). */
export async function requeue(clientId: string): Promise<void> {
  await db.queue.update(clientId, { state: 'queued', reason: null });
}
