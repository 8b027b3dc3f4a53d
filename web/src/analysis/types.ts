/**
 * types.ts — the analysis API's shapes (src/analysis/schemas.ts, annotations/schemas.ts), each
 * the `Static<>` of the server's response schema, imported type-only: a changed schema fails
 * `tsc -p web` instead of drifting.
 */
import type { Static } from '@sinclair/typebox';
import type { AnnotationsSchema, NoteSchema } from '../../../src/analysis/annotations/schemas.js';
import type {
  ClaimSchema,
  EntityListSchema,
  EntitySchema,
  IncidentDetailSchema,
  IncidentListSchema,
  IncidentSummarySchema,
  LinkListSchema,
  LinkSchema,
} from '../../../src/analysis/schemas.js';
import type { CandidatesSchema, PlaceDetailSchema } from '../../../src/search/schemas.js';

export type Entity = Static<typeof EntitySchema>;
export type EntityList = Static<typeof EntityListSchema>;
export type IncidentSummary = Static<typeof IncidentSummarySchema>;
export type IncidentList = Static<typeof IncidentListSchema>;
export type IncidentDetail = Static<typeof IncidentDetailSchema>;
export type Claim = Static<typeof ClaimSchema>;
export type Link = Static<typeof LinkSchema>;
export type LinkList = Static<typeof LinkListSchema>;
export type SeenRef = Link['from'];
/** An entity as a link end shows it: in full, or (a protected person of another compartment) by pseudonym. */
export type EntityRef = Extract<SeenRef, { type: 'entity' }>['entity'];
export type Annotations = Static<typeof AnnotationsSchema>;
export type Note = Static<typeof NoteSchema>;
export type PlaceCandidates = Static<typeof CandidatesSchema>;
export type PlaceDetail = Static<typeof PlaceDetailSchema>;
