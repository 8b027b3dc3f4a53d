/**
 * types.ts — the cases API's shapes as the web app reads them: each the `Static<>` of the
 * server's TypeBox schema (src/cases/schemas.ts), imported type-only, so a changed schema fails
 * `tsc -p web` instead of drifting (as web/src/api/types.ts does for the rest).
 */
import type { Static } from '@sinclair/typebox';
import type {
  CaseDetailSchema,
  CaseListSchema,
  ChecklistsSchema,
  CoverageSchema,
  ExportSchema,
  JurisdictionListSchema,
  RedactionListSchema,
  RedactionResultSchema,
  RfaDetailSchema,
  RfaListSchema,
  RfaSchema,
} from '../../../src/cases/schemas.js';

export type CaseList = Static<typeof CaseListSchema>;
export type CaseSummary = CaseList['cases'][number];
export type CaseDetail = Static<typeof CaseDetailSchema>;
export type CaseItem = CaseDetail['items'][number];
export type Coverage = Static<typeof CoverageSchema>;
export type CrimeCoverage = Coverage['crimes'][number];
export type ElementCoverage = CrimeCoverage['elements'][number];
export type Evidence = ElementCoverage['supporting'][number];
export type Checklists = Static<typeof ChecklistsSchema>;
export type Jurisdictions = Static<typeof JurisdictionListSchema>;
export type Rfa = Static<typeof RfaSchema>;
export type RfaList = Static<typeof RfaListSchema>;
export type RfaDetail = Static<typeof RfaDetailSchema>;
export type Decision = RfaDetail['decisions'][number];
export type Block = Decision['blocks'][number];
export type ExportJob = Static<typeof ExportSchema>;
export type RedactionResult = Static<typeof RedactionResultSchema>;
export type RedactionList = Static<typeof RedactionListSchema>;

/** Media types the redaction tool draws on (the server redacts these by regions). */
export const REDACTABLE = /^(image\/(jpeg|png|webp|gif)|application\/pdf)$/;
