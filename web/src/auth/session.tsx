/**
 * session.tsx — who is signed in. The profile (`GET /api/me`, with the CSRF token) is cached on
 * the device so that the monitor app opens offline after a reload; the server stays the judge:
 * every request still carries the session cookie, and a 401 signs the app out.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, setCsrfToken } from '../api/client.js';
import type { Me, Permission } from '../api/types.js';

const CACHE_KEY = 'attest.me';

export type SessionState =
  | { readonly status: 'loading' }
  | { readonly status: 'anonymous' }
  | { readonly status: 'signed-in'; readonly me: Me; readonly offline: boolean };

interface SessionApi {
  readonly state: SessionState;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

function cachedMe(): Me | null {
  try {
    const raw = localStorage.getItem(CACHE_KEY);
    return raw ? (JSON.parse(raw) as Me) : null;
  } catch {
    return null;
  }
}

function remember(me: Me | null): void {
  if (me) localStorage.setItem(CACHE_KEY, JSON.stringify(me));
  else localStorage.removeItem(CACHE_KEY);
  setCsrfToken(me?.csrfToken);
}

/** SessionProvider loads the session once and offers login/logout to the tree below. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const me = await api<Me>('GET', '/api/me');
      remember(me);
      setState({ status: 'signed-in', me, offline: false });
    } catch (err) {
      if (err instanceof ApiError && err.isNetwork) {
        const me = cachedMe();
        if (me) {
          setCsrfToken(me.csrfToken);
          setState({ status: 'signed-in', me, offline: true });
        } else setState({ status: 'anonymous' });
        return;
      }
      remember(null);
      setState({ status: 'anonymous' });
    }
  }, []);

  useEffect(() => {
    void refresh();
    const online = () => void refresh();
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [refresh]);

  const login = useCallback(async (username: string, password: string) => {
    const me = await api<Me>('POST', '/api/login', { username, password });
    remember(me);
    setState({ status: 'signed-in', me, offline: false });
  }, []);

  const logout = useCallback(async () => {
    try {
      await api('POST', '/api/logout');
    } finally {
      remember(null);
      setState({ status: 'anonymous' });
    }
  }, []);

  const value = useMemo(() => ({ state, login, logout, refresh }), [state, login, logout, refresh]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** useSession returns the session state and actions. */
export function useSession(): SessionApi {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** can says whether the signed-in user holds `permission` in at least one compartment. */
export function can(state: SessionState, permission: Permission): boolean {
  return state.status === 'signed-in' && state.me.permissions.includes(permission);
}
