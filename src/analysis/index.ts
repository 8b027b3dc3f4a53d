// The analysis domain's public surface for other domains.
export { createClaim, getClaim, setStance } from './claims.js';
export { type ClaimStatus, type IncidentStatus, incidentStatus, tallyClaim } from './corroboration.js';
export { createEntity, getEntity, listEntities, updateEntity } from './entities.js';
export { createIncident, getIncident, listIncidents } from './incidents.js';
export { createLink, linksOf } from './links.js';
export type { Actor, Scope } from './records.js';
