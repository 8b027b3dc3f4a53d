// Tags and notes on items (migration 0020). Each row lives in its item's compartment (no
// column of its own, so it follows the item when vault/amend.ts moves it) and has a random
// `salt` that its custody entries' SHA-256 commits to.
export interface ItemTagTable {
  item_id: string;
  /** Normalised (tags.ts normalTag): NFC, lower case, single spaces. */
  tag: string;
  created_at: string;
  created_by: string;
  salt: string;
}

export interface ItemNoteTable {
  id: string;
  item_id: string;
  text: string;
  created_at: string;
  created_by: string;
  salt: string;
}

export interface AnnotationTables {
  item_tag: ItemTagTable;
  item_note: ItemNoteTable;
}
