// Evacuation-operation tables (migration 0004-ops). JSON columns hold canonical JSON text.
export interface MandateTable {
  id: string;
  body: string;
  instrument: string;
  date: string;
  text_ref: string;
  title: string | null;
  vote_yes: number | null;
  vote_no: number | null;
  vote_abstain: number | null;
  vote_membership: number | null;
  unanimous: number;
}

export interface OperationTable {
  id: string;
  name: string;
  name_ar: string | null;
  compartment: string;
  /** PlaceRef JSON. */
  origin: string;
  destination: string;
  planned_people: number;
  /** OperationLink[] JSON. */
  links: string;
  deadline: string | null;
  /** 1 for an exercise (training) operation (migration 0011). */
  exercise: number;
  /** Partial<Thresholds> JSON. */
  thresholds: string;
  created_at: string;
}

export interface OperationMandateTable {
  operation_id: string;
  mandate_id: string;
  ord: number;
}

export interface OperationStatusTable {
  operation_id: string;
  ord: number;
  status: string;
  at: string;
  reason: string;
  actor_id: string;
}

export interface RoutePointTable {
  operation_id: string;
  id: string;
  ord: number;
  kind: string;
  /** PlaceRef JSON. */
  place: string;
  monitored: number;
  expected_minutes_to_next: number | null;
}

/** The monitors a plan assigns to a route point (migration 0025): one row per monitor, `ord` as planned. */
export interface RoutePointMonitorTable {
  operation_id: string;
  route_point_id: string;
  monitor_id: string;
  ord: number;
}

export interface ConvoyTable {
  id: string;
  operation_id: string;
  label: string;
}

export interface VehicleTable {
  id: string;
  operation_id: string;
  convoy_id: string | null;
  kind: string;
  marking: string;
  capacity: number;
}

export interface ManifestTable {
  id: string;
  operation_id: string;
  vehicle_id: string;
  headcount: number;
  categories: string;
  protected_entries: string;
}

export interface DeviceKeyTable {
  id: string;
  user_id: string;
  /** Raw 32-byte Ed25519 public key, base64. */
  public_key: string;
  label: string;
  created_at: string;
  revoked_at: string | null;
}

export interface ObservationTable {
  client_id: string;
  /** Order of acceptance (1-based); engines catch up by it. */
  seq: number;
  operation_id: string;
  route_point_id: string;
  kind: string;
  device_time: string;
  received_time: string;
  monitor_id: string;
  device_key_id: string;
  /** SHA-256 of `signed_text`: a re-send has the same, a conflicting body another (migration 0011). */
  body_sha256: string;
  /** accepted | held (a conflict waits for a coordinator) | chosen | set-aside. */
  status: string;
  source: string;
  vehicle_ids: string;
  headcount: number | null;
  categories: string;
  note: string;
  photo_sha256: string;
  /** The exact canonical JSON the device signed, kept so anyone can verify it later. */
  signed_text: string;
  signature: string;
}

export interface AlertTable {
  id: string;
  key: string;
  operation_id: string;
  kind: string;
  severity: string;
  state: string;
  subject_type: string;
  subject_id: string;
  evidence: string;
  note: string | null;
  raised_at: string;
  state_changed_at: string | null;
  /** Who last acknowledged or resolved it (migration 0009); null for the engine's own changes. */
  state_changed_by: string | null;
  /** JSON array of AlertStep (migration 0011). */
  history: string;
  updated_at: string;
}

/** ObservationConflictTable holds a coordinator's choice between conflicting bodies (migration 0011). */
export interface ObservationConflictTable {
  device_key_id: string;
  client_id: string;
  operation_id: string;
  chosen_sha256: string | null;
  reason: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
}

export interface OpsEventTable {
  seq: number;
  operation_id: string;
  type: string;
  data: string;
  at: string;
}

/** An open SSE stream, counted for the per-user limit across processes (migration 0023). */
export interface EventStreamTable {
  id: string;
  user_id: string;
  opened_at: string;
  /** The stream stops counting after this (ISO 8601) unless its process renews it. */
  lease_until: string;
}

export interface OpsTables {
  mandate: MandateTable;
  operation: OperationTable;
  operation_mandate: OperationMandateTable;
  operation_status: OperationStatusTable;
  route_point: RoutePointTable;
  route_point_monitor: RoutePointMonitorTable;
  convoy: ConvoyTable;
  vehicle: VehicleTable;
  manifest: ManifestTable;
  device_key: DeviceKeyTable;
  observation: ObservationTable;
  observation_conflict: ObservationConflictTable;
  alert: AlertTable;
  ops_event: OpsEventTable;
  event_stream: EventStreamTable;
}
