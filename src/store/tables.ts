// Tables owned by the storage layer itself.
export interface CounterTable {
  name: string;
  value: number;
}

/** A durable job (src/store/jobs.ts). Times are UTC ISO 8601, so text order is time order. */
export interface JobTable {
  id: string;
  /** The registered kind that runs it, e.g. `intake`. */
  kind: string;
  /** The item it works on, if any (its intake state is read from here). */
  item_id: string | null;
  /** The item's compartment, so listings and counts are scoped in the query (DESIGN rule 7). */
  compartment: string | null;
  /** JSON object: ids and settings only. */
  payload: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  priority: number;
  attempts: number;
  max_attempts: number;
  /** Not claimed before this time (back-off after a failed attempt). */
  run_after: string;
  /** The worker holding the lease while running, and until when. */
  lease_owner: string | null;
  lease_until: string | null;
  /** 0–100. */
  progress: number;
  progress_note: string | null;
  /** Why the last attempt failed: a stable code and a sentence. */
  error_code: string | null;
  error: string | null;
  /** JSON object the handler returned. */
  result: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** The key that signs the custody log (migration 0018): one row, id 1. */
export interface LogSignerTable {
  id: number;
  /** C2SP signed-note verifier key (public): `origin+keyhash+base64`. */
  verifier_key: string;
  updated_at: string;
}

export interface StoreTables {
  counter: CounterTable;
  job: JobTable;
  log_signer: LogSignerTable;
}
