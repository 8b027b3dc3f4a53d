/**
 * analysis-routes.tsx — the analysis screens by path, one lazy chunk for all of them (the shell
 * only knows the paths: web/src/app.tsx, which keeps its own code within the first visit's
 * budget, bench/web.ts). The caller holds `analysis:read`; each screen asks the API, which
 * answers 404 for what lies outside the caller's compartments.
 */
import type { ReactNode } from 'react';
import { matchPath } from '../router.js';
import AnalysisScreen from './analysis-screen.js';
import EntityEditScreen from './entity-edit-screen.js';
import EntityScreen from './entity-screen.js';
import IncidentScreen from './incident-screen.js';

export default function AnalysisRoutes({ path, notFound }: { path: string; notFound?: ReactNode }) {
  if (path === '/analysis') return <AnalysisScreen view="incidents" />;
  if (path === '/analysis/entities') return <AnalysisScreen view="entities" />;
  const incident = matchPath('/analysis/incidents/:id', path);
  if (incident) return <IncidentScreen key={incident.id} id={incident.id!} />;
  const edit = matchPath('/analysis/entities/:id/edit', path);
  if (edit) return <EntityEditScreen key={edit.id} id={edit.id!} />;
  const entity = matchPath('/analysis/entities/:id', path);
  if (entity) return <EntityScreen key={entity.id} id={entity.id!} />;
  return notFound ?? null;
}
