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
  /** 1, 2, 3…: a deleted checkpoint leaves a gap that verify names. */
  number: number;
  size: number;
  root: string;
  signed_note: string;
  at: string;
}

/** One row per (actor, item, part, hour): the view entry that covers those reads, and their count. */
export interface CustodyViewWindowTable {
  actor_id: string;
  item_id: string;
  /** detail | content */
  part: string;
  /** The hour's start, UTC ISO 8601. */
  hour: string;
  /** The `view` entry that records the first read of the window. */
  seq: number;
  reads: number;
  last_at: string;
}

/** A change of an item's provenance or compartment: the reason stays here, out of the log. */
export interface ItemAmendmentTable {
  id: string;
  item_id: string;
  /** The `amend` entry that commits to it. */
  seq: number;
  at: string;
  actor_id: string;
  reason: string;
  /** JSON of the changed fields' values before and after. */
  before: string;
  after: string;
}

/** A witness of the log (migration 0029): what it cosigned, its last error, its lease. */
export interface LogWitnessTable {
  vkey: string;
  name: string;
  cosigned_number: number | null;
  cosigned_size: number | null;
  cosigned_root: string | null;
  cosigned_at: string | null;
  known_size: number | null;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_error_code: string | null;
  last_error: string | null;
  last_error_at: string | null;
  failures: number;
  next_attempt_at: string | null;
  lease_owner: string | null;
  lease_until: string | null;
}

/** A verified cosignature/v1 line on a checkpoint (migration 0029). */
export interface CheckpointCosignatureTable {
  checkpoint_number: number;
  witness_vkey: string;
  witness_name: string;
  timestamp: number;
  line: string;
  received_at: string;
}

export interface CustodyTables {
  log_witness: LogWitnessTable;
  checkpoint_cosignature: CheckpointCosignatureTable;
  custody_view_window: CustodyViewWindowTable;
  item_amendment: ItemAmendmentTable;
  custody_entry: CustodyEntryTable;
  custody_node: CustodyNodeTable;
  checkpoint: CheckpointTable;
}
