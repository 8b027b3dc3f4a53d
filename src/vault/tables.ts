// Vault tables: content-addressed blobs and evidence items (DESIGN.md, core data model).
export interface BlobTable {
  sha256: string;
  size: number;
  media_type: string;
  stored_at: string;
}

export interface ItemTable {
  id: string;
  /** Evidence reference number, e.g. ATT-000123: sequential, never reused or reordered. */
  ern: string;
  ern_seq: number;
  blob_sha256: string;
  title: string;
  kind: string;
  media_type: string;
  /** The file name as given, decoded as UTF-8 (invalid bytes replaced); see original_name_hex. */
  original_name: string;
  /** The name's raw bytes in hex when they were not valid UTF-8; null otherwise. */
  original_name_hex: string | null;
  size: number;
  /** Provenance: each is a value or the literal "unknown", which marks it explicitly unknown. */
  source: string;
  collected_at: string;
  collected_by: string;
  compartment: string;
  parent_item_id: string | null;
  /** JSON object. */
  metadata: string;
  created_at: string;
  created_by: string;
  /**
   * Random per-item salt (hex) of the provenance commitment in the ingest entry
   * (provenance-record.ts); null for items recorded before the commitment existed.
   */
  provenance_salt: string | null;
}

/** A resumable (tus) upload in progress; its bytes so far are its parts (upload_part). */
export interface UploadTable {
  id: string;
  user_id: string;
  length: number;
  /** JSON object of the Upload-Metadata pairs (provenance, compartment, file name). */
  metadata: string;
  created_at: string;
  expires_at: string;
  /** Set once the upload completed and became an item. */
  item_ern: string | null;
  /** The running PATCH's lock and its lease (migration 0013; issue 12.6). */
  lock_token: string | null;
  locked_until: string | null;
  /** tus concatenation: null (an ordinary upload), 'partial' or 'final' (migration 0013). */
  concat: string | null;
  /** For a final upload: the JSON array of the partial upload ids it joined, in order. */
  parts: string | null;
}

/**
 * A blob stored for an item not yet recorded (src/vault/staging.ts): gc and clean-up leave its
 * bytes alone while the hold lives.
 */
export interface BlobHoldTable {
  id: string;
  sha256: string;
  /** `host/pid` of the process that staged it (a dead pid on this host frees the hold). */
  holder: string;
  held_at: string;
  expires_at: string;
}

/** One PATCH's bytes of a resumable upload, in the blob store's scratch space (migration 0023). */
export interface UploadPartTable {
  upload_id: string;
  /** 0, 1, 2… in the order the bytes arrived. */
  n: number;
  /** The part's name in the store: `uploads/<upload_id>/<key>`. */
  key: string;
  size: number;
  created_at: string;
}

export interface VaultTables {
  blob: BlobTable;
  item: ItemTable;
  upload: UploadTable;
  upload_part: UploadPartTable;
  blob_hold: BlobHoldTable;
}
