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
 * provenanceText. Every ingest computes it, so it writes the same bytes directly (the record is
 * flat, its keys fixed and already in canonical order, each value a string or null; JSON.stringify
 * of a string is JCS's string form) instead of building and sorting an object: a test holds the
 * two equal, Arabic, controls and lone surrogates included.
 */
export function provenanceSha256(row: ProvenanceRow, salt: string): string {
  const str = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));
  const metadataSha256 = hash('sha256', row.metadata, 'hex');
  const text =
    `{"collectedAt":${str(row.collected_at)},"collectedBy":${str(row.collected_by)}` +
    `,"compartment":${str(row.compartment)},"createdAt":${str(row.created_at)}` +
    `,"createdBy":${str(row.created_by)},"kind":${str(row.kind)},"mediaType":${str(row.media_type)}` +
    `,"metadataSha256":"${metadataSha256}","originalName":${str(row.original_name)}` +
    `,"originalNameHex":${str(row.original_name_hex)},"parentItemId":${str(row.parent_item_id)}` +
    `,"salt":${str(salt)},"source":${str(row.source)},"title":${str(row.title)},"v":1}`;
  return hash('sha256', text, 'hex');
}
