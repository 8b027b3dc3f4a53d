/**
 * provenance-record.ts — the canonical provenance record of an item, to which its `ingest` entry
 * (and each later `amend` entry) commits by hash (issue 18.1). The record holds everything a
 * court asks about where an item came from that the entry itself does not (ERN, SHA-256 and size
 * are in the entry): title, original name, source, collector, collection time, compartment,
 * parent, metadata, creator and creation time, media type and kind. The entry carries only
 *
 *   provenanceSha256 = SHA-256(canonical JSON of { "v": 1, "salt": item.provenance_salt, …record })
 *
 * so no personal data enters the log, and the per-item random salt keeps the hash from confirming
 * a guess ("was this collected by monitor-07?") to anyone who reads the entry. `attest verify`
 * recomputes it from the item row and names the item whose provenance no longer matches.
 */
import { createHash, hash } from 'node:crypto';
import type { Selectable } from 'kysely';
import { canonicalJson } from '../lib/canonical-json.js';
import type { ItemTable } from './tables.js';

/** The item columns the record is made of. */
export type ProvenanceRow = Pick<
  Selectable<ItemTable>,
  | 'title'
  | 'original_name'
  | 'original_name_hex'
  | 'source'
  | 'collected_at'
  | 'collected_by'
  | 'compartment'
  | 'parent_item_id'
  | 'metadata'
  | 'created_at'
  | 'created_by'
  | 'media_type'
  | 'kind'
>;

/** provenanceRecord returns the canonical record (metadata by the SHA-256 of its stored JSON). */
export function provenanceRecord(row: ProvenanceRow): Record<string, string | null> {
  return {
    title: row.title,
    originalName: row.original_name,
    originalNameHex: row.original_name_hex,
    source: row.source,
    collectedAt: row.collected_at,
    collectedBy: row.collected_by,
    compartment: row.compartment,
    parentItemId: row.parent_item_id,
    // Metadata may hold any JSON (floats included), so it is committed to as the stored text.
    metadataSha256: createHash('sha256').update(row.metadata, 'utf8').digest('hex'),
    createdAt: row.created_at,
    createdBy: row.created_by,
    mediaType: row.media_type,
    kind: row.kind,
  };
}

/** provenanceText returns the canonical JSON that provenanceSha256 hashes (the definition). */
export function provenanceText(row: ProvenanceRow, salt: string): string {
  return canonicalJson({ v: 1, salt, ...provenanceRecord(row) });
}

/**
 * provenanceSha256 returns the hex commitment to `row`'s provenance under its salt: SHA-256 of
 * provenanceText. Every ingest computes it, so it serialises in one JSON.stringify of an object
 * whose keys are written in canonical (sorted) order, instead of building, sorting and joining:
 * the record is flat and each value a string, null or the integer 1, and JSON.stringify of those
 * is JCS's form (RFC 8785 §3.2.2), so the bytes are provenanceText's — a test holds the two
 * equal, Arabic, controls and lone surrogates included.
 */
export function provenanceSha256(row: ProvenanceRow, salt: string): string {
  const text = JSON.stringify({
    collectedAt: row.collected_at,
    collectedBy: row.collected_by,
    compartment: row.compartment,
    createdAt: row.created_at,
    createdBy: row.created_by,
    kind: row.kind,
    mediaType: row.media_type,
    metadataSha256: hash('sha256', row.metadata, 'hex'),
    originalName: row.original_name,
    originalNameHex: row.original_name_hex,
    parentItemId: row.parent_item_id,
    salt,
    source: row.source,
    title: row.title,
    v: 1,
  });
  return hash('sha256', text, 'hex');
}
