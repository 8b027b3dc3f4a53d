// Cases tables (DESIGN.md core data model: case, case_item, export_package): a case with its
// team, entities (suspects, units, witnesses — pseudonymous where protected), incidents, notes,
// legal-element links; requests for assistance, jurisdictions, consent conditions and overrides;
// export packages. Structured values are JSON text so both dialects store them alike.

export interface LegalCaseTable {
  id: string;
  /** CASE-0001: sequential per deployment, never reused. */
  ref: string;
  title: string;
  legal_framework: string;
  compartment: string;
  status: string;
  created_at: string;
  created_by: string;
}

export interface CaseItemTable {
  case_id: string;
  item_id: string;
  added_at: string;
  added_by: string;
}

export interface CaseEntityTable {
  id: string;
  case_id: string;
  /** suspect | unit | witness | victim | organisation */
  kind: string;
  /** The real name (or a unit's designation); shown only inside the case's compartment. */
  name: string;
  /** Required when protected: what everyone outside the compartment and every redaction sees. */
  pseudonym: string | null;
  protected: number;
  /** The compartment whose holders see the real name of a protected entity (e.g. witness-protection). */
  name_compartment: string | null;
  /** An entity id in the search domain, once linked. */
  entity_ref: string | null;
  created_at: string;
  created_by: string;
}

export interface CaseEntityItemTable {
  entity_id: string;
  item_id: string;
}

export interface CaseIncidentTable {
  id: string;
  case_id: string;
  /** An incident id in the search domain, once linked; null for a case-local incident. */
  incident_ref: string | null;
  title: string;
  occurred_on: string | null;
  created_at: string;
}

export interface CaseNoteTable {
  id: string;
  case_id: string;
  body: string;
  at: string;
  author: string;
}

export interface CaseMemberTable {
  case_id: string;
  user_id: string;
  /** lead | member | reviewer */
  role: string;
  added_at: string;
}

export interface CaseChecklistTable {
  case_id: string;
  checklist_id: string;
  added_at: string;
}

export interface ElementLinkTable {
  id: string;
  case_id: string;
  /** e.g. rs-eoc/7-1-d/1 (checklist/crime/element). */
  element_id: string;
  /** item | incident */
  target_kind: string;
  target_id: string;
  /** supports | contradicts */
  stance: string;
  note: string;
  created_at: string;
  created_by: string;
}

export interface JurisdictionTable {
  code: string;
  name: string;
  /** 1 when the jurisdiction may impose the death penalty. */
  death_penalty: number;
  updated_at: string;
}

export interface RfaTable {
  id: string;
  /** RFA-0001 */
  ref: string;
  case_id: string;
  authority: string;
  jurisdiction: string;
  purpose: string;
  scope: string;
  status: string;
  received_on: string;
  due_on: string | null;
  closed_on: string | null;
  created_at: string;
  created_by: string;
}

export interface ConsentConditionTable {
  id: string;
  /** item | source | witness */
  subject_kind: string;
  /** item id | provenance source | case entity id (a witness) */
  subject_ref: string;
  /** Where this condition is visible (the subject's compartment). */
  compartment: string;
  /** JSON array of jurisdiction codes consent covers; null = any. */
  jurisdictions: string | null;
  /** JSON array of purposes consent covers; null = any. */
  purposes: string | null;
  /** 1: not to a jurisdiction that may impose the death penalty. */
  no_death_penalty: number;
  /** 1: no sharing at all outside the Mechanism. */
  no_sharing: number;
  note: string;
  recorded_at: string;
  recorded_by: string;
  /** Random hex the custody entry's SHA-256 commits to (migration 0024); null: recorded before. */
  salt: string | null;
}

export interface ConsentOverrideTable {
  id: string;
  rfa_id: string;
  item_id: string;
  reason: string;
  at: string;
  by: string;
}

export interface ExportPackageTable {
  id: string;
  case_id: string;
  rfa_id: string | null;
  redacted: number;
  /** queued | running | done | failed */
  status: string;
  done: number;
  total: number;
  bytes: number;
  item_count: number;
  /** JSON array of {ern, reason} the consent rules or compartments kept out. */
  excluded: string;
  /** Where the archive sits under <data>/exports, once done. */
  file: string | null;
  sha256: string | null;
  error: string | null;
  requested_by: string;
  created_at: string;
  finished_at: string | null;
  /** The durable job that builds a package requested over the API (null for the CLI's). */
  job_id: string | null;
}

export interface CasesTables {
  legal_case: LegalCaseTable;
  case_item: CaseItemTable;
  case_entity: CaseEntityTable;
  case_entity_item: CaseEntityItemTable;
  case_incident: CaseIncidentTable;
  case_note: CaseNoteTable;
  case_member: CaseMemberTable;
  case_checklist: CaseChecklistTable;
  element_link: ElementLinkTable;
  jurisdiction: JurisdictionTable;
  rfa: RfaTable;
  consent_condition: ConsentConditionTable;
  consent_override: ConsentOverrideTable;
  export_package: ExportPackageTable;
}
