/**
 * vocabulary.ts — the controlled vocabularies of analysis, as data. Incident types follow the
 * violation categories common to human-rights documentation (HURIDOCS Events standard formats'
 * "type of act", the UN Commission of Inquiry on Syria's reporting) narrowed to what Attest's
 * users record; relations are the links investigators draw between people, units, places,
 * vehicles, incidents and evidence. Adding a term is a code change with a README line.
 */
export const ENTITY_KINDS = ['person', 'organisation', 'unit', 'place', 'vehicle'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/**
 * Protection of a person's identity:
 * - `none`: the name is shown wherever the entity is visible (inside its compartment);
 * - `pseudonymised`: outside its compartment the person appears by pseudonym only (in links,
 *   incidents), never by name, aliases or attributes;
 * - `protected`: as pseudonymised, and inside the compartment too the name is shown only on an
 *   explicit reveal, which is recorded in the custody log as a view.
 */
export const PROTECTION_LEVELS = ['none', 'pseudonymised', 'protected'] as const;
export type Protection = (typeof PROTECTION_LEVELS)[number];

export const INCIDENT_TYPES = [
  'airstrike',
  'shelling',
  'chemical-attack',
  'attack-on-medical',
  'attack-on-school',
  'attack-on-humanitarian',
  'attack-on-market',
  'detention',
  'enforced-disappearance',
  'torture',
  'killing',
  'sexual-violence',
  'siege',
  'forced-displacement',
  'evacuation',
  'checkpoint-incident',
  'looting',
  'property-destruction',
  'other',
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

export const RECORD_TYPES = ['item', 'entity', 'incident'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const RELATIONS = [
  'mentions',
  'depicts',
  'documents',
  'witness-of',
  'victim-of',
  'perpetrator-of',
  'responsible-for',
  'member-of',
  'commands',
  'located-at',
  'occurred-at',
  'drove',
  'same-as',
  'related-to',
] as const;
export type Relation = (typeof RELATIONS)[number];

export const STANCES = ['supports', 'contradicts', 'silent'] as const;
export type Stance = (typeof STANCES)[number];
