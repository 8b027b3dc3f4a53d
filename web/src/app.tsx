/**
 * app.tsx — the shell: skip link, header with role-aware navigation, language switch and
 * account menu, and the screen for the current path. Screens other than sign-in, setup and
 * the operations list are separate chunks loaded on first visit (and precached for offline
 * use by the service worker).
 */
import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Permission } from './api/types.js';
import { can, type SessionState, useSession } from './auth/session.js';
import { LANGUAGES, setLanguage } from './i18n/index.js';
import { Link, matchPath, navigate, usePath } from './router.js';
import { OperationsListScreen } from './screens/operations-list.js';
import { ResetPasswordScreen } from './screens/reset-password.js';
import { SetupScreen } from './screens/setup.js';
import { SignInScreen } from './screens/sign-in.js';
import { GrantText } from './ui/grant-text.js';

const DashboardScreen = lazy(() => import('./ops/dashboard-screen.js'));
const ConflictsScreen = lazy(() => import('./ops/conflicts-screen.js'));
const MonitorScreen = lazy(() => import('./monitor/monitor-screen.js'));
const EvidenceScreen = lazy(() => import('./screens/evidence-screen.js'));
const ItemScreen = lazy(() => import('./evidence/item-screen.js'));
const UploadScreen = lazy(() => import('./vault/upload-screen.js'));
const SearchScreen = lazy(() => import('./search/search-screen.js'));
const AdminScreen = lazy(() => import('./admin/admin-screen.js'));
const CasesRoutes = lazy(() => import('./cases/cases-routes.js'));
const AnalysisRoutes = lazy(() => import('./analysis/analysis-routes.js'));

interface Section {
  readonly path: string;
  readonly label: string;
  /** The section shows to users holding any of these. */
  readonly permission: Permission | readonly Permission[];
}

const SECTIONS: readonly Section[] = [
  { path: '/operations', label: 'nav.operations', permission: 'ops:read' },
  { path: '/monitor', label: 'nav.monitor', permission: 'observations:submit' },
  { path: '/evidence', label: 'nav.evidence', permission: 'items:read' },
  { path: '/search', label: 'nav.search', permission: 'items:read' },
  { path: '/cases', label: 'nav.cases', permission: 'cases:read' },
  { path: '/analysis', label: 'nav.analysis', permission: 'analysis:read' },
  { path: '/admin', label: 'nav.admin', permission: ['users:admin', 'audit:read'] },
];

const ADMIN_TABS = ['users', 'tokens', 'devices', 'audit', 'health'] as const;

/** canSee says whether the user holds the section's permission (or one of them). */
function canSee(state: SessionState, section: Section): boolean {
  const wanted = typeof section.permission === 'string' ? [section.permission] : section.permission;
  return wanted.some((p) => can(state, p));
}

/** homeFor is where a user lands: monitors go to the monitor app, others to their first section. */
function homeFor(state: SessionState): string | null {
  if (can(state, 'observations:submit') && !can(state, 'alerts:manage')) return '/monitor';
  return SECTIONS.find((s) => canSee(state, s))?.path ?? null;
}

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <fieldset className="lang">
      <legend className="visually-hidden">{t('app.language')}</legend>
      {LANGUAGES.map((l) => (
        <button
          key={l.code}
          type="button"
          lang={l.code}
          aria-pressed={i18n.language === l.code}
          onClick={() => void setLanguage(l.code)}
        >
          {l.label}
        </button>
      ))}
    </fieldset>
  );
}

function UserMenu() {
  const { t } = useTranslation();
  const { state, logout } = useSession();
  if (state.status !== 'signed-in') return null;
  const { me } = state;
  const out = async () => {
    await logout().catch(() => undefined);
    navigate('/', { replace: true });
  };
  return (
    <details className="user-menu">
      <summary>
        <span className="visually-hidden">{t('nav.userMenu')}: </span>
        <bdi translate="no">{me.username}</bdi>
      </summary>
      <div className="menu">
        <p>
          {t('nav.signedInAs', { name: '' })}
          <bdi translate="no">{me.username}</bdi>
        </p>
        <p className="muted">{t('nav.roles')}</p>
        <ul>
          {me.grants.map((g) => (
            <li key={`${g.role}/${g.compartment}`}>
              <GrantText role={g.role} compartment={g.compartment} />
            </li>
          ))}
        </ul>
        <p>
          <Link href="/admin/tokens">{t('admin.tokens')}</Link>
        </p>
        <button type="button" onClick={() => void out()}>
          {t('nav.signOut')}
        </button>
      </div>
    </details>
  );
}

function Header() {
  const { t } = useTranslation();
  const { state } = useSession();
  const path = usePath();
  const sections = SECTIONS.filter((s) => canSee(state, s));
  return (
    <header className="top">
      <a className="skip" href="#main">
        {t('app.skipToContent')}
      </a>
      <Link href="/" className="brand">
        {t('app.name')}
      </Link>
      {sections.length > 0 && (
        <nav aria-label={t('app.mainNav')}>
          <ul>
            {sections.map((s) => (
              <li key={s.path}>
                <Link href={s.path} aria-current={path.startsWith(s.path) ? 'page' : undefined}>
                  {t(s.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <div className="top-end">
        <LanguageSwitch />
        <UserMenu />
      </div>
    </header>
  );
}

function Loading() {
  const { t } = useTranslation();
  return (
    <main id="main">
      <p role="status">{t('app.loading')}</p>
    </main>
  );
}

function Home() {
  const { t } = useTranslation();
  const { state } = useSession();
  const home = homeFor(state);
  useEffect(() => {
    if (home) navigate(home, { replace: true });
  }, [home]);
  return home ? (
    <Loading />
  ) : (
    <main id="main">
      <h1>{t('app.name')}</h1>
      <p>{t('nav.nothingHere')}</p>
    </main>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <main id="main">
      <h1>{t('errors.notFound')}</h1>
      <p>
        {t('app.notFound')} <Link href="/">{t('app.home')}</Link>
      </p>
    </main>
  );
}

/** CASES are the paths of the cases screens (web/src/cases/cases-routes.tsx), for `cases:read`. */
const CASES = /^\/(cases(\/[^/]+)?|rfas\/[^/]+|evidence\/[^/]+\/redact)$/;

function Screen({ path }: { path: string }): ReactNode {
  const { state } = useSession();
  if (path === '/setup') return <SetupScreen />;
  if (path === '/reset') return <ResetPasswordScreen />;
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'anonymous') return <SignInScreen />;
  if (path === '/' || path === '/sign-in') return <Home />;
  if (path === '/operations') return <OperationsListScreen />;
  const conflicts = matchPath('/operations/:id/conflicts', path);
  if (conflicts) return can(state, 'alerts:manage') ? <ConflictsScreen id={conflicts.id!} /> : <NotFound />;
  const op = matchPath('/operations/:id', path);
  if (op) return <DashboardScreen id={op.id!} />;
  if (path === '/monitor') return <MonitorScreen />;
  if (path === '/evidence') return <EvidenceScreen />;
  if (path === '/evidence/upload') return <UploadScreen />;
  if (path === '/search') return <SearchScreen />;
  if (CASES.test(path))
    return can(state, 'cases:read') ? <CasesRoutes path={path} notFound={<NotFound />} /> : <NotFound />;
  const item = matchPath('/evidence/:ern', path);
  if (item && /^ATT-[0-9]{6,15}$/.test(item.ern!)) return <ItemScreen key={item.ern} ern={item.ern!} />;
  if (path === '/analysis' || path.startsWith('/analysis/'))
    return can(state, 'analysis:read') ? (
      <AnalysisRoutes path={path} notFound={<NotFound />} />
    ) : (
      <NotFound />
    );
  if (path === '/admin') return <AdminScreen tab={null} />;
  const admin = matchPath('/admin/:tab', path);
  if (admin && (ADMIN_TABS as readonly string[]).includes(admin.tab!))
    return <AdminScreen tab={admin.tab as (typeof ADMIN_TABS)[number]} />;
  return <NotFound />;
}

export function App() {
  const path = usePath();
  const { t } = useTranslation();
  useEffect(() => {
    document.title = t('app.name');
  }, [t]);
  return (
    <>
      <Header />
      <Suspense fallback={<Loading />}>
        <Screen path={path} />
      </Suspense>
    </>
  );
}
