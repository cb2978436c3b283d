import { Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, NavLink, Route, Routes, useLocation } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { AuthProvider, isStaff, useAuth } from './auth';
import { LANGUAGES } from './i18n';
import { SearchBox } from './components/SearchBox';
import { accountRoutes, consoleRoutes, publicRoutes } from './pages/console/routes';
import { driverRoutes, driverPublicRoutes } from './pages/driver/routes';
import { mapRoutes } from './pages/map/routes';

/** A page reachable from the navigation bar; `staff` pages are hidden from drivers. */
interface NavItem {
  to: string;
  label: string;
  staff: boolean;
  /** Only admins see it (user management). */
  admin?: boolean;
}

const NAV: NavItem[] = [
  { to: '/dashboard', label: 'nav.dashboard', staff: true },
  { to: '/stations', label: 'nav.stations', staff: true },
  { to: '/sessions', label: 'nav.sessions', staff: true },
  { to: '/id-tokens', label: 'nav.idTokens', staff: true },
  { to: '/reservations', label: 'nav.reservations', staff: true },
  { to: '/charging-profiles', label: 'nav.chargingProfiles', staff: true },
  { to: '/exports', label: 'nav.exports', staff: true },
  { to: '/users', label: 'nav.users', staff: true, admin: true },
  { to: '/map', label: 'nav.map', staff: false },
  { to: '/me', label: 'nav.mySessions', staff: false },
  { to: '/account', label: 'nav.account', staff: false },
];

function Layout({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const { me, logout } = useAuth();
  const staff = isStaff(me);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">{t('skipToContent')}</a>
      <header className="topbar">
        <span className="brand">Voltlane</span>
        {me && (
          <nav aria-label={t('nav.label')}>
            <ul>
              {NAV.filter((n) => (staff || !n.staff) && (!n.admin || me.role === 'admin')).map((n) => (
                <li key={n.to}>
                  <NavLink to={n.to}>{t(n.label)}</NavLink>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div className="topbar-end">
          {staff && <SearchBox admin={me?.role === 'admin'} />}
          <label>
            <span className="visually-hidden">{t('language')}</span>
            <select value={i18n.resolvedLanguage} onChange={(e) => void i18n.changeLanguage(e.target.value)} aria-label={t('language')}>
              {LANGUAGES.map((l) => <option key={l.code} value={l.code}>{l.label}</option>)}
            </select>
          </label>
          {me && (
            <button type="button" onClick={() => void logout()}>
              {t('logout')}
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>{children}</main>
    </div>
  );
}

/** Sends visitors who are not logged in to /login (and back here afterwards). */
function RequireLogin({ children, staff }: { children: ReactNode; staff?: boolean }) {
  const { me } = useAuth();
  const location = useLocation();
  const { t } = useTranslation();
  if (me === undefined) return <p role="status">{t('loading')}</p>;
  if (me === null) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (staff && !isStaff(me)) return <Navigate to="/me" replace />;
  return <>{children}</>;
}

function Home() {
  const { me } = useAuth();
  return <Navigate to={isStaff(me) ? '/dashboard' : '/me'} replace />;
}

export function App() {
  const { t } = useTranslation();
  return (
    <BrowserRouter basename="/app">
      <AuthProvider>
        <Layout>
          <Suspense fallback={<p role="status">{t('loading')}</p>}>
            <Routes>
              {[...publicRoutes, ...driverPublicRoutes].map((r) => <Route key={r.path} path={r.path} element={r.element} />)}
              {consoleRoutes.map((r) => <Route key={r.path} path={r.path} element={<RequireLogin staff>{r.element}</RequireLogin>} />)}
              {[...mapRoutes, ...driverRoutes, ...accountRoutes].map((r) => <Route key={r.path} path={r.path} element={<RequireLogin>{r.element}</RequireLogin>} />)}
              <Route path="/" element={<RequireLogin><Home /></RequireLogin>} />
              <Route path="*" element={<p>{t('notFound')}</p>} />
            </Routes>
          </Suspense>
        </Layout>
      </AuthProvider>
    </BrowserRouter>
  );
}
