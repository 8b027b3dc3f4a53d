/**
 * index.ts — what other domains and the app layers may import from src/analysis: its routes, its
 * CLI commands, its error codes, its tables' types, and the services (entities, incidents, links,
 * claims and corroboration).
 */

export { annotationRoutes } from './annotations/routes.js';
export { addNote, changeTags, itemAnnotations } from './annotations/service.js';
export type { AnnotationTables } from './annotations/tables.js';
export { createClaim, getClaim, setStance } from './claims.js';
export { registerAnalysis } from './cli.js';
export { type ClaimStatus, type IncidentStatus, incidentStatus, tallyClaim } from './corroboration.js';
export { createEntity, getEntity, listEntities, updateEntity } from './entities.js';
export { AnalysisError, type AnalysisErrorCode } from './errors.js';
export { createIncident, getIncident, listIncidents } from './incidents.js';
export { createLink, linksOf } from './links.js';
export type { Actor, Scope } from './records.js';
export { analysisRoutes } from './routes.js';
export type { AnalysisTables } from './tables.js';
export { verifyAnalysis } from './verify.js';
