/**
 * cases-routes.tsx — the cases screens by path, one lazy chunk for all of them (the shell only
 * knows the paths: web/src/app.tsx). The caller holds `cases:read`; each screen asks the API,
 * which answers 404 for what lies outside the caller's compartments.
 */
import type { ReactNode } from 'react';
import { matchPath } from '../router.js';
import CaseScreen from './case-screen.js';
import CasesListScreen from './cases-list-screen.js';
import RedactionScreen from './redaction-screen.js';
import RfaScreen from './rfa-screen.js';

export default function CasesRoutes({ path, notFound }: { path: string; notFound?: ReactNode }) {
  const c = matchPath('/cases/:ref', path);
  const r = matchPath('/rfas/:ref', path);
  const redact = matchPath('/evidence/:ern/redact', path);
  if (path === '/cases') return <CasesListScreen />;
  if (c && /^CASE-[0-9]{4,}$/.test(c.ref!)) return <CaseScreen key={c.ref} caseRef={c.ref!} />;
  if (r && /^RFA-[0-9]{4,}$/.test(r.ref!)) return <RfaScreen key={r.ref} rfaRef={r.ref!} />;
  if (redact && /^ATT-[0-9]{6,15}$/.test(redact.ern!))
    return <RedactionScreen key={redact.ern} ern={redact.ern!} />;
  return notFound ?? null;
}
