/**
 * amendment-record.ts — what an `amend` entry commits to about a change of provenance: the
 * amendment's id, who made it, why, and the changed fields before and after. The reason is free
 * text and the values may name people, so they stay in the `item_amendment` row; the entry holds
 *
 *   amendmentSha256 = SHA-256(canonical JSON of { "v": 1, "salt", "id", "actor", "reason", "before", "after" })
 *
 * salted with the item's provenance salt, so the hash confirms no guess.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../lib/canonical-json.js';

export interface AmendmentFields {
  readonly id: string;
  readonly actor_id: string;
  readonly reason: string;
  /** Canonical JSON of the changed fields' old values. */
  readonly before: string;
  /** Canonical JSON of the changed fields' new values. */
  readonly after: string;
}

export function amendmentSha256(a: AmendmentFields, salt: string): string {
  const text = canonicalJson({
    v: 1,
    salt,
    id: a.id,
    actor: a.actor_id,
    reason: a.reason,
    before: a.before,
    after: a.after,
  });
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
