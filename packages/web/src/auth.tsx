import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError } from './api';
import i18n from './i18n';

export type Role = 'admin' | 'operator' | 'driver';
export interface Me {
  id: number;
  email: string;
  name: string | null;
  role: Role;
  locale: string;
}

interface AuthState {
  /** undefined while loading, null when logged out. */
  me: Me | null | undefined;
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

/** Holds the logged-in user (GET /api/v1/me) for the whole app. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const refresh = useCallback(async () => {
    try {
      const user = await api<Me>('/api/v1/me');
      setMe(user);
      if (user.locale && user.locale !== i18n.language && !localStorage.getItem('voltlane.lang')) void i18n.changeLanguage(user.locale);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) setMe(null);
      else throw err;
    }
  }, []);
  useEffect(() => {
    refresh().catch(() => setMe(null));
  }, [refresh]);
  const login = useCallback(async (email: string, password: string) => {
    await api('/api/v1/auth/login', { method: 'POST', body: { email, password } });
    await refresh();
  }, [refresh]);
  const logout = useCallback(async () => {
    await api('/api/v1/auth/logout', { method: 'POST' }).catch(() => undefined);
    setMe(null);
  }, []);
  return <AuthContext.Provider value={{ me, login, logout, refresh }}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** Operators and admins manage the network; drivers see their own data only. */
export function isStaff(me: Me | null | undefined): boolean {
  return me?.role === 'admin' || me?.role === 'operator';
}
