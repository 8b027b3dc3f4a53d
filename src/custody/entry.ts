/**
 * entry.ts — what a custody-log entry says, and its exact bytes. An entry holds ids, hashes,
 * its kind, the acting account's id and the time — never personal data (DESIGN.md rule 4). Its
 * canonical JSON is the leaf data of the RFC 6962 tree, so anyone can recompute the leaf hash.
 */
import { type CanonicalValue, canonicalJson } from '../lib/canonical-json.js';
import { isSha256Hex } from '../lib/hash.js';
import { CustodyError } from './errors.js';

export const ENTRY_KINDS = [
  'ingest',
  'derive',
  'view',
  'export',
  'annotate',
  'redact',
  'transfer',
  'amend',
  'key-rotation',
  'delete-request',
  'observation',
  'observation-conflict-resolved',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** What a caller asks to log; the log adds seq and (from its clock) at. */
export interface NewEntry {
  readonly kind: EntryKind;
  readonly actor: string;
  /** The item this entry is about, if any. */
  readonly itemId?: string;
  /** Further ids and hashes: string, integer or boolean values only, keys [a-zA-Z0-9]. */
  readonly data?: Readonly<Record<string, string | number | boolean>>;
}

export interface Entry extends NewEntry {
  readonly seq: number;
  readonly at: string;
  /**
   * Version 2 entries carry a random 128-bit salt (hex), so that the leaf hash — served to every
   * log reader — commits to the entry without revealing anything guessable (ids, actors, times).
   * Version 1 entries (written before issue 12.5) have none.
   */
  readonly salt?: string;
}

/** SALT_HEX is a version 2 salt: 16 random bytes as lowercase hex. */
const SALT_HEX = /^[0-9a-f]{32}$/;

const ID = /^[A-Za-z0-9][A-Za-z0-9:._@/-]{0,127}$/;
const DATA_KEY = /^[a-zA-Z][a-zA-Z0-9]{0,31}$/;
const RESERVED = new Set(['v', 'salt', 'seq', 'at', 'kind', 'actor', 'item']);
const MAX_DATA_KEYS = 32;
const MAX_VALUE = 256;

/**
 * entryPayload returns the canonical JSON of `entry`: version 2
 * {"actor","at","item"?,"kind","salt","seq","v":2, …data} when it carries a salt, else version 1
 * (no salt). Values are bounded and checked so that free text (where personal data would hide)
 * cannot enter the log.
 */
export function entryPayload(entry: Entry): string {
  if (!ENTRY_KINDS.includes(entry.kind))
    throw new CustodyError('INVALID_ENTRY', `unknown entry kind ${entry.kind}`);
  if (!ID.test(entry.actor)) throw new CustodyError('INVALID_ENTRY', 'actor must be an id');
  if (entry.itemId !== undefined && !ID.test(entry.itemId))
    throw new CustodyError('INVALID_ENTRY', 'item must be an id');
  if (entry.salt !== undefined && !SALT_HEX.test(entry.salt))
    throw new CustodyError('INVALID_ENTRY', 'salt must be 32 lowercase hex digits');
  const body: Record<string, CanonicalValue> = {
    v: entry.salt === undefined ? 1 : 2,
    seq: entry.seq,
    at: entry.at,
    kind: entry.kind,
    actor: entry.actor,
  };
  if (entry.salt !== undefined) body.salt = entry.salt;
  if (entry.itemId !== undefined) body.item = entry.itemId;
  const data = entry.data ?? {};
  const keys = Object.keys(data);
  if (keys.length > MAX_DATA_KEYS) throw new CustodyError('INVALID_ENTRY', 'too many data fields');
  for (const k of keys) {
    const v = data[k]!;
    if (!DATA_KEY.test(k) || RESERVED.has(k)) throw new CustodyError('INVALID_ENTRY', `bad data key ${k}`);
    if (typeof v === 'string' && !(v.length <= MAX_VALUE && (ID.test(v) || isSha256Hex(v)))) {
      throw new CustodyError('INVALID_ENTRY', `data.${k} must be an id or a hash, not free text`);
    }
    if (typeof v === 'number' && !Number.isSafeInteger(v))
      throw new CustodyError('INVALID_ENTRY', `data.${k} must be an integer`);
    body[k] = v;
  }
  return canonicalJson(body);
}

/** A stored payload as parsed, its header fields checked (see readPayload). */
export interface RawEntry {
  readonly v: 1 | 2;
  readonly salt?: string;
  readonly seq: number;
  readonly at: string;
  readonly kind: string;
  readonly actor: string;
  readonly item?: unknown;
  readonly [field: string]: unknown;
}

/**
 * readPayload parses a stored payload and checks its header (version 1 or 2, seq, at, kind,
 * actor) without building an Entry: verify reads every entry of the log this way and builds the
 * Entry (entryOfRaw) only for the few kinds it keeps.
 */
export function readPayload(payload: string): RawEntry {
  const raw = JSON.parse(payload) as Record<string, unknown> | null;
  if (
    typeof raw !== 'object' ||
    raw === null ||
    !(
      (raw.v === 1 && raw.salt === undefined) ||
      (raw.v === 2 && typeof raw.salt === 'string' && SALT_HEX.test(raw.salt))
    ) ||
    typeof raw.seq !== 'number' ||
    typeof raw.at !== 'string' ||
    typeof raw.kind !== 'string' ||
    typeof raw.actor !== 'string'
  ) {
    throw new CustodyError('INVALID_ENTRY', 'not a version 1 or 2 custody entry');
  }
  return raw as RawEntry;
}

/** entryOfRaw builds the Entry of a payload read by readPayload. */
export function entryOfRaw(raw: RawEntry): Entry {
  const { v: _v, salt, seq, at, kind, actor, item, ...data } = raw;
  return {
    seq,
    at,
    ...(typeof salt === 'string' ? { salt } : {}),
    kind: kind as EntryKind,
    actor,
    ...(typeof item === 'string' ? { itemId: item } : {}),
    data: data as Record<string, string | number | boolean>,
  };
}

/** parsePayload reads a stored payload (version 1 or 2) back into an Entry (for verification and display). */
export function parsePayload(payload: string): Entry {
  return entryOfRaw(readPayload(payload));
}
