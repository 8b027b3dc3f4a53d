/**
 * admin-screen.tsx — administration (lazy-loaded): users and their roles per compartment, API
 * tokens, monitors' device keys, the access audit and the server's health. Each tab shows only to those whose
 * permissions its API requires (the server checks again on every call).
 */
import { useTranslation } from 'react-i18next';
import type { Permission } from '../api/types.js';
import { can, useSession } from '../auth/session.js';
import { Link } from '../router.js';
import { AuditPanel } from './audit-panel.js';
import { DevicesPanel } from './devices-panel.js';
import { HealthPanel } from './health-panel.js';
import { TokensPanel } from './tokens-panel.js';
import { UsersPanel } from './users-panel.js';

export type AdminTab = 'users' | 'tokens' | 'devices' | 'audit' | 'health';

const TABS: ReadonlyArray<{ tab: AdminTab; label: string; permission: Permission | null }> = [
  { tab: 'users', label: 'admin.users', permission: 'users:admin' },
  { tab: 'devices', label: 'admin.devices', permission: 'users:admin' },
  { tab: 'audit', label: 'admin.audit', permission: 'audit:read' },
  { tab: 'health', label: 'health.tab', permission: 'users:admin' },
  { tab: 'tokens', label: 'admin.tokens', permission: null },
];

export default function AdminScreen({ tab }: { tab: AdminTab | null }) {
  const { t } = useTranslation();
  const { state } = useSession();
  const tabs = TABS.filter((x) => x.permission === null || can(state, x.permission));
  const current = tabs.find((x) => x.tab === tab) ?? tabs[0]!;
  return (
    <main id="main">
      <h1>{t('admin.title')}</h1>
      <nav aria-label={t('admin.sections')} className="tabs">
        <ul>
          {tabs.map((x) => (
            <li key={x.tab}>
              <Link href={`/admin/${x.tab}`} aria-current={x.tab === current.tab ? 'page' : undefined}>
                {t(x.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {current.tab === 'users' && <UsersPanel />}
      {current.tab === 'tokens' && <TokensPanel />}
      {current.tab === 'devices' && <DevicesPanel />}
      {current.tab === 'audit' && <AuditPanel />}
      {current.tab === 'health' && <HealthPanel />}
    </main>
  );
}
