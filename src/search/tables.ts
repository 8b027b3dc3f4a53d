// Search tables (migrations 0010, 0022, 0026). The search_fts_<shard> tables (SQLite FTS5) and search_doc.tsv
// (PostgreSQL) are reached only through sql`` in the backends, so they are not declared here.
export interface SearchDocTable {
  item_id: string;
  doc_id: number;
  ern: string;
  title: string;
  kind: string;
  source: string;
  compartment: string;
  /** collected_at when it is a date, else the time the item was added (ISO 8601). */
  date: string;
  year: number | null;
  /** The text that snippets are cut from (metadata values, the item's and derived texts). */
  body: string;
  text_sha256: string;
  indexed_at: string;
  /** Level 1 and 2 admin units the item lies in, P-codes separated by spaces (migration 0022). */
  admin: string;
  /** SQLite: the FTS5 table (search_fts_<shard>) that holds the terms (migration 0026). */
  fts_shard: number | null;
}

/** SQLite (migration 0026): the FTS5 table of each compartment, search_fts_<shard>. */
export interface SearchShardTable {
  compartment: string;
  shard: number;
}

export interface SearchPlaceTable {
  item_id: string;
  pcode: string;
  level: number;
}

export interface PlaceMentionTable {
  item_id: string;
  n: number;
  text_item_id: string;
  start_offset: number;
  end_offset: number;
  surface: string;
  pcode: string;
  /** JSON array of P-codes, best first. */
  candidates: string;
}

/** Migration 0022: the conditions an entity-name term's scope key stands for (entity-terms.ts). */
export interface SearchEntityScopeTable {
  key: string;
  /** JSON array, sorted: "c:<compartment>" (analysis:read), "r:<compartment>" (persons:reveal). */
  conditions: string;
}

export interface SearchTables {
  search_shard: SearchShardTable;
  search_entity_scope: SearchEntityScopeTable;
  search_doc: SearchDocTable;
  search_place: SearchPlaceTable;
  place_mention: PlaceMentionTable;
  saved_search: SavedSearchTable;
}

/** A user's saved search (migration 0020; saved.ts). */
export interface SavedSearchTable {
  id: string;
  user_id: string;
  name: string;
  q: string;
  sort: string;
  created_at: string;
  updated_at: string;
  /** Migration 0027: `all`, or a JSON array of the compartments readable when saved; null: any. */
  scope: string | null;
}
