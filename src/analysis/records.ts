/**
 * records.ts — what every analysis service shares: the caller's compartments (`Scope`), field
 * checks for outside input, and the custody entry each change appends (ids, the record's
 * compartment and the SHA-256 of its canonical JSON with its random salt, never its text;
 * DESIGN rules 2 and 4).
 */
import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import { type Ctx, nowIso } from '../ctx.js';
import { appendEntries, maybeCheckpoint } from '../custody/index.js';
import { type CanonicalValue, canonicalJson } from '../lib/canonical-json.js';
import { sha256Hex } from '../lib/hash.js';
import { TEXT_UNSAFE } from '../lib/unsafe-text.js';
import type { Database } from '../store/schema.js';
import { AnalysisError } from './errors.js';

/** Where a caller may act: 'all' compartments, or a list (empty: none). */
export type Scope = readonly string[] | 'all';

/** inScope tells whether `compartment` is one of `scope`'s. */
export function inScope(scope: Scope, compartment: string): boolean {
  return scope === 'all' || scope.includes(compartment);
}

/**
 * The caller: their user id (or `cli`), where they may read and write analysis records, and
 * where they may see a protected person's name (persons:reveal).
 */
export interface Actor {
  readonly id: string;
  readonly read: Scope;
  readonly write: Scope;
  readonly reveal: Scope;
}

/** intersect is the compartments in both scopes. */
export function intersect(a: Scope, b: Scope): Scope {
  if (a === 'all') return b;
  if (b === 'all') return a;
  return a.filter((c) => b.includes(c));
}

/** newSalt is a record's commitment salt: 16 random bytes, hex. */
export function newSalt(): string {
  return randomBytes(16).toString('hex');
}

/** isRecordId checks the shape of a record id before any query (ent-, inc-, lnk-, clm- and a UUID). */
export function isRecordId(prefix: 'ent' | 'inc' | 'lnk' | 'clm', id: unknown): id is string {
  return (
    typeof id === 'string' &&
    new RegExp(`^${prefix}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).test(id)
  );
}

const COMPARTMENT = /^[a-z0-9][a-z0-9-]{0,62}$/;
// Control characters other than tab and newline, and bidi overrides, have no place in a name
// or statement (src/lib/unsafe-text.ts, shared with the vault's provenance and titles).
const CONTROL = TEXT_UNSAFE;

export function invalid(message: string, field: string): AnalysisError {
  return new AnalysisError('INVALID_RECORD', message, { field });
}

/** text checks a free-text field: a string of 1…max characters without control characters. */
export function text(value: unknown, field: string, max: number, optional = false): string | null {
  if (value === undefined || value === null || value === '') {
    if (optional) return null;
    throw invalid(`${field} is required`, field);
  }
  if (typeof value !== 'string') throw invalid(`${field} must be text`, field);
  const v = value.normalize('NFC').trim();
  if (v.length === 0 && !optional) throw invalid(`${field} is required`, field);
  if (v.length > max) throw invalid(`${field} is at most ${max} characters`, field);
  if (CONTROL.test(v)) throw invalid(`${field} contains control characters`, field);
  return v.length === 0 ? null : v;
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw invalid(`${field} must be one of: ${allowed.join(', ')}`, field);
  return value as T;
}

/** writableCompartment checks the compartment name and that the actor may write there. */
export function writableCompartment(actor: Actor, value: unknown): string {
  if (typeof value !== 'string' || !COMPARTMENT.test(value))
    throw invalid('compartment must be lowercase letters, digits and dashes', 'compartment');
  if (!inScope(actor.write, value))
    throw new AnalysisError('FORBIDDEN_COMPARTMENT', `you may not record in compartment ${value}`);
  return value;
}

/**
 * The version of what an entry's `sha256` commits to. 1 (entries without `commitment`): the
 * record's columns but created_at (and an entity's updated_at), a stance's claim, item and
 * stance — so when and by whom could be edited undetected. 2: every column of the record, and
 * a stance's claim, item, stance, created_at and created_by (claims.ts `stanceBody`). verify.ts
 * checks each entry by its own version, so entries written before stay verifiable.
 */
export const COMMITMENT = '2';

/**
 * recordChange appends the custody entry of one change inside the caller's transaction: the
 * action, the record id, its compartment (so only log readers there see the entry's content,
 * src/custody/entry-access.ts), the item it concerns if any, and the SHA-256 of the record's
 * canonical JSON — which includes its random salt, so the hash confirms no guessed name.
 *
 * A record that belongs to an item (a tag set, a note) names no compartment of its own: the
 * entry's item decides who reads it, and that follows the item when it moves compartment
 * (vault/amend.ts), where a compartment written into the entry could not change.
 */
export async function recordChange(
  ctx: Ctx,
  trx: Transaction<Database>,
  actor: Actor,
  change: {
    action: string;
    record: string;
    /** The record's compartment; omitted only for a record that belongs to `itemId`. */
    compartment?: string;
    body: CanonicalValue;
    itemId?: string | null;
    extra?: Record<string, string>;
  },
): Promise<void> {
  await appendEntries(
    trx,
    [
      {
        kind: 'annotate',
        actor: actor.id,
        ...(change.itemId ? { itemId: change.itemId } : {}),
        data: {
          annotation: change.action,
          record: change.record,
          ...(change.compartment !== undefined ? { compartment: change.compartment } : {}),
          sha256: sha256Hex(canonicalJson(change.body)),
          commitment: COMMITMENT,
          ...(change.extra ?? {}),
        },
      },
    ],
    nowIso(ctx),
  );
}

/**
 * inTransaction runs one change (its rows and its custody entry) in a transaction, then lets the
 * log sign a checkpoint if one is due.
 */
export async function inTransaction<T>(ctx: Ctx, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  const out = await ctx.db.transaction().execute(fn);
  await maybeCheckpoint(ctx);
  return out;
}
