// Custody-log tables (DESIGN.md): append-only entries, the persisted complete-subtree hashes of
// the RFC 6962 tree (so a proof costs O(log n) reads), and every signed checkpoint.
export interface CustodyEntryTable {
  /** 0-based leaf index in the Merkle tree. */
  seq: number;
  /** Hex SHA-256(0x00 || payload) — RFC 6962 §2.1 leaf hash. */
  leaf_hash: string;
  kind: string;
  item_id: string | null;
  actor_id: string;
  at: string;
  /** The entry's canonical JSON: ids, hashes, kind, actor, time; never personal data. */
  payload: string;
}

export interface CustodyNodeTable {
  /** Height of the complete subtree: 0 = a leaf. */
  level: number;
  /** Position among the subtrees of that height: covers leaves [idx·2^level, (idx+1)·2^level). */
  idx: number;
  hash: string;
}

export interface CheckpointTable {
  size: number;
  root: string;
  signed_note: string;
  at: string;
}

export interface CustodyTables {
  custody_entry: CustodyEntryTable;
  custody_node: CustodyNodeTable;
  checkpoint: CheckpointTable;
}
