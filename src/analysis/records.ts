/**
 * records.ts — what every analysis service shares: the caller's compartments (`Scope`), field
 * checks for outside input, and the custody entry each change appends (ids and the SHA-256 of
 * the record's canonical JSON, never its text; DESIGN rule 2 and 4).
 */
import type { Transaction } from 'kysely';
import { appendEntries } from '../custody/service.js';
import { type Ctx, nowIso } from '../ctx.js';
import { type CanonicalValue, canonicalJson } from '../lib/canonical-json.js';
import { sha256Hex } from '../lib/hash.js';
import type { Database } from '../store/schema.js';
import { AnalysisError } from './errors.js';

/** Where a caller may act: 'all' compartments, or a list (empty: none). */
export type Scope = readonly string[] | 'all';

export function inScope(scope: Scope, compartment: string): boolean {
  return scope === 'all' || scope.includes(compartment);
}

/** The caller of a change: their user id (or `cli`), and where they may read and write. */
export interface Actor {
  readonly id: string;
  readonly read: Scope;
  readonly write: Scope;
}

const COMPARTMENT = /^[a-z0-9][a-z0-9-]{0,62}$/;
// Control characters other than tab and newline have no place in a name or statement.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

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

/** recordChange appends the custody entry of one change inside the caller's transaction. */
export async function recordChange(
  ctx: Ctx,
  trx: Transaction<Database>,
  actor: Actor,
  change: { action: string; record: string; body: CanonicalValue; itemId?: string | null; extra?: Record<string, string> },
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
          sha256: sha256Hex(canonicalJson(change.body)),
          ...(change.extra ?? {}),
        },
      },
    ],
    nowIso(ctx),
  );
}
