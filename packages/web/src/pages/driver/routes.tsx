import { lazy } from 'react';
import type { AppRoute } from '../../routes';

const StartPage = lazy(() => import('./StartPage'));
const MePage = lazy(() => import('./MePage'));
const SessionPage = lazy(() => import('./SessionPage'));

/** Driver pages reachable before login (the QR start page shows the station first). */
export const driverPublicRoutes: AppRoute[] = [
  { path: '/start', element: <StartPage /> },
  { path: '/start/:stationId', element: <StartPage /> },
  { path: '/start/:stationId/:evseId', element: <StartPage /> },
];

/** Driver and member pages (any logged-in user; data scoped to the user by the API). */
export const driverRoutes: AppRoute[] = [
  { path: '/me', element: <MePage /> },
  { path: '/me/sessions/:id', element: <SessionPage /> },
];
