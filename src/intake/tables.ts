// Intake tables (migration 0008): how a derived item was made, perceptual hashes with their
// multi-index chunks, and links between items (near-duplicates).

/** One row per derived item: its parent and what made it. */
export interface DerivationTable {
  item_id: string;
  parent_item_id: string;
  /** text, page-text, ocr-text, metadata, thumbnail, keyframe, member, attachment, body. */
  kind: string;
  /** Which part of the parent (page 3, member path's hash, keyframe second): unique per parent and kind. */
  key: string;
  tool: string;
  tool_version: string;
  created_at: string;
}

/** A PDQ hash (hex, 256 bits) and its 16 16-bit chunks c0…c15 for multi-index lookups. */
export interface PdqHashTable {
  item_id: string;
  compartment: string;
  hash: string;
  quality: number;
  c0: number;
  c1: number;
  c2: number;
  c3: number;
  c4: number;
  c5: number;
  c6: number;
  c7: number;
  c8: number;
  c9: number;
  c10: number;
  c11: number;
  c12: number;
  c13: number;
  c14: number;
  c15: number;
}

/** A directed link between two items of the same compartment, e.g. near-duplicate-of. */
export interface ItemLinkTable {
  from_item_id: string;
  to_item_id: string;
  relation: string;
  /** Hamming distance for near-duplicate-of. */
  distance: number | null;
  created_at: string;
}

export interface IntakeTables {
  derivation: DerivationTable;
  pdq_hash: PdqHashTable;
  item_link: ItemLinkTable;
}
