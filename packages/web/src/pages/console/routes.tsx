import { lazy } from 'react';
import type { AppRoute } from '../../routes';

// Pages load on demand: drivers never download the console.
const LoginPage = lazy(() => import('./LoginPage'));
const SetupPage = lazy(() => import('./SetupPage'));
const AccountPage = lazy(() => import('./AccountPage'));
const DashboardPage = lazy(() => import('./DashboardPage'));
const StationsPage = lazy(() => import('./StationsPage'));
const StationPage = lazy(() => import('./StationPage'));
const SessionsPage = lazy(() => import('./SessionsPage'));
const SessionPage = lazy(() => import('./SessionPage'));
const IdTokensPage = lazy(() => import('./IdTokensPage'));
const ReservationsPage = lazy(() => import('./ReservationsPage'));
const ChargingProfilesPage = lazy(() => import('./ChargingProfilesPage'));
const UsersPage = lazy(() => import('./UsersPage'));
const ExportsPage = lazy(() => import('./ExportsPage'));

/** Login, first-run setup: reachable without a session. (Owned by the console pages.) */
export const publicRoutes: AppRoute[] = [
  { path: '/login', element: <LoginPage /> },
  { path: '/setup', element: <SetupPage /> },
];

/** The account page: every logged-in user, drivers included. */
export const accountRoutes: AppRoute[] = [{ path: '/account', element: <AccountPage /> }];

/** Operator console pages (operators and admins; /users shows its content to admins only). */
export const consoleRoutes: AppRoute[] = [
  { path: '/dashboard', element: <DashboardPage /> },
  { path: '/stations', element: <StationsPage /> },
  { path: '/stations/:id', element: <StationPage /> },
  { path: '/sessions', element: <SessionsPage /> },
  { path: '/sessions/:id', element: <SessionPage /> },
  { path: '/id-tokens', element: <IdTokensPage /> },
  { path: '/reservations', element: <ReservationsPage /> },
  { path: '/charging-profiles', element: <ChargingProfilesPage /> },
  { path: '/users', element: <UsersPage /> },
  { path: '/exports', element: <ExportsPage /> },
];
