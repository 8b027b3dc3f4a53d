import type { AnnotationTables } from './annotations/tables.js';

// Analysis tables (migration 0015-analysis): what investigators record about the world, each
// row in one compartment. JSON columns hold canonical JSON text, alike on both dialects.
export interface EntityTable {
  id: string;
  kind: string;
  name: string;
  name_ar: string | null;
  /** JSON array of other names and spellings. */
  aliases: string;
  compartment: string;
  protection: string;
  pseudonym: string | null;
  pcode: string | null;
  /** JSON object (vehicle plate and type, an organisation's parent…). */
  attributes: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  /** Random hex; the custody entries' SHA-256 commits to it with the record (records.ts). */
  salt: string;
}

export interface IncidentTable {
  id: string;
  type: string;
  title: string;
  description: string;
  compartment: string;
  /** The earliest and latest the incident may have begun and ended (ISO 8601, UTC). */
  start_earliest: string | null;
  start_latest: string | null;
  end_earliest: string | null;
  end_latest: string | null;
  pcode: string | null;
  created_at: string;
  created_by: string;
  salt: string;
}

export interface LinkTable {
  id: string;
  from_type: string;
  from_id: string;
  relation: string;
  to_type: string;
  to_id: string;
  /** The item that is the link's basis (its id; null only when an end is that item). */
  basis_item_id: string | null;
  compartment: string;
  created_at: string;
  created_by: string;
  salt: string;
}

export interface ClaimTable {
  id: string;
  incident_id: string | null;
  statement: string;
  compartment: string;
  created_at: string;
  created_by: string;
  salt: string;
}

export interface StanceTable {
  claim_id: string;
  item_id: string;
  stance: string;
  created_at: string;
  created_by: string;
}

export interface AnalysisTables extends AnnotationTables {
  entity: EntityTable;
  incident: IncidentTable;
  link: LinkTable;
  claim: ClaimTable;
  stance: StanceTable;
}
