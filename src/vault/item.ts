/** item.ts — the evidence item as services and clients see it, mapped from its row. */
import type { Selectable } from 'kysely';
import type { ItemTable } from './tables.js';

export interface Item {
  readonly id: string;
  readonly ern: string;
  readonly sha256: string;
  readonly title: string;
  readonly kind: string;
  readonly mediaType: string;
  readonly originalName: string;
  readonly originalNameHex: string | null;
  readonly size: number;
  readonly source: string;
  readonly collectedAt: string;
  readonly collectedBy: string;
  readonly compartment: string;
  readonly parentItemId: string | null;
  readonly metadata: Record<string, unknown>;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** itemFromRow maps a database row to an Item. */
export function itemFromRow(row: Selectable<ItemTable>): Item {
  return {
    id: row.id,
    ern: row.ern,
    sha256: row.blob_sha256,
    title: row.title,
    kind: row.kind,
    mediaType: row.media_type,
    originalName: row.original_name,
    originalNameHex: row.original_name_hex,
    size: Number(row.size),
    source: row.source,
    collectedAt: row.collected_at,
    collectedBy: row.collected_by,
    compartment: row.compartment,
    parentItemId: row.parent_item_id,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}
