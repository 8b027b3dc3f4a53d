/**
 * verify-entry.ts — the "verify" action of the custody timeline: fetch the log's key, the latest
 * signed checkpoint, the entry and its inclusion proof, and check them here (verify.ts). Each
 * step is reported, so the reader sees what was checked and where a failure lies.
 *
 * The verifier key is pinned on this device the first time it is seen (trust on first use, as
 * SSH does): a later, different key is a failure, not a silent switch — a server that swapped its
 * key could otherwise sign any history. The key's name and hash are shown so a reader can compare
 * them with the key the deployment publishes.
 */
import { api } from '../api/client.js';
import {
  type Checkpoint,
  type Ed25519Engine,
  entryLeafHash,
  type LogEntry,
  openCheckpoint,
  parseVerifierKey,
  VerifyError,
  verifyInclusion,
} from './verify.js';

export type StepName = 'key' | 'checkpoint' | 'leaf' | 'proof';

export interface StepResult {
  readonly step: StepName;
  readonly ok: boolean;
  /** A code for the UI to put in words (VerifyError codes, or KEY_CHANGED, NOT_YET, MISMATCH, FAILED). */
  readonly code: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  /** Not in a signed checkpoint yet: nothing failed, there is nothing to check against. */
  readonly pending: boolean;
  readonly steps: readonly StepResult[];
  readonly checkpoint?: { readonly size: number; readonly origin: string; readonly rootHex: string };
  readonly key?: { readonly name: string; readonly hashHex: string; readonly pinnedNow: boolean };
  readonly engine?: Ed25519Engine;
}

const PIN_PREFIX = 'attest.logKey.';

async function fetchText(path: string): Promise<string> {
  const res = await fetch(path, { credentials: 'same-origin', headers: { accept: 'text/plain' } });
  if (!res.ok) throw new VerifyError('MALFORMED_NOTE', `HTTP ${res.status}`);
  return res.text();
}

/** verifyLogEntry checks entry `seq` of the custody log end to end, in this browser. */
export async function verifyLogEntry(seq: number, expectedLeafHash: string): Promise<VerifyResult> {
  const steps: StepResult[] = [];
  const fail = (step: StepName, err: unknown, extra: Partial<VerifyResult> = {}): VerifyResult => {
    steps.push({ step, ok: false, code: err instanceof VerifyError ? err.code : String(err) });
    return { ok: false, pending: false, steps, ...extra };
  };

  // 1. The log's key, pinned on this device.
  let key: Awaited<ReturnType<typeof parseVerifierKey>>;
  let pinnedNow = false;
  try {
    const served = await api<{ origin: string; key: string }>('GET', '/api/log/key');
    key = await parseVerifierKey(served.key);
    const pinned = localStorage.getItem(PIN_PREFIX + served.origin);
    if (pinned === null) {
      localStorage.setItem(PIN_PREFIX + served.origin, served.key);
      pinnedNow = true;
    } else if (pinned !== served.key) return fail('key', 'KEY_CHANGED');
  } catch (err) {
    return fail('key', err instanceof VerifyError ? err : 'FAILED');
  }
  const keyInfo = { name: key.name, hashHex: key.keyHash.toString(16).padStart(8, '0'), pinnedNow };
  steps.push({ step: 'key', ok: true, code: pinnedNow ? 'PINNED_NOW' : 'PINNED' });

  // 2. The latest signed checkpoint, its signature checked against that key.
  let cp: Checkpoint;
  try {
    cp = await openCheckpoint(await fetchText('/api/log/checkpoint'), key);
  } catch (err) {
    return fail('checkpoint', err instanceof VerifyError ? err : 'FAILED', { key: keyInfo });
  }
  const rootHex = Array.from(cp.root, (b) => b.toString(16).padStart(2, '0')).join('');
  const checkpoint = { size: cp.size, origin: cp.origin, rootHex };
  steps.push({ step: 'checkpoint', ok: true, code: 'SIGNED' });
  if (seq >= cp.size) return { ok: false, pending: true, steps, checkpoint, key: keyInfo, engine: cp.engine };
  const extra = { checkpoint, key: keyInfo, engine: cp.engine };

  // 3. The entry's leaf hash, recomputed from its content.
  let leaf: string;
  try {
    const entry = await api<LogEntry>('GET', `/api/log/entries/${seq}`);
    leaf = await entryLeafHash(entry);
    if (leaf !== entry.leafHash || leaf !== expectedLeafHash) return fail('leaf', 'MISMATCH', extra);
  } catch (err) {
    return fail('leaf', err instanceof VerifyError ? err : 'FAILED', extra);
  }
  steps.push({ step: 'leaf', ok: true, code: 'RECOMPUTED' });

  // 4. The inclusion proof, from that leaf up to the signed root.
  try {
    const p = await api<{ index: number; size: number; leafHash: string; proof: string[] }>(
      'GET',
      `/api/log/proofs/inclusion?index=${seq}&size=${cp.size}`,
    );
    const ok =
      p.index === seq && p.size === cp.size && (await verifyInclusion(leaf, seq, cp.size, p.proof, cp.root));
    if (!ok) return fail('proof', 'MISMATCH', extra);
  } catch (err) {
    return fail('proof', err instanceof VerifyError ? err : 'FAILED', extra);
  }
  steps.push({ step: 'proof', ok: true, code: 'INCLUDED' });
  return { ok: true, pending: false, steps, ...extra };
}
