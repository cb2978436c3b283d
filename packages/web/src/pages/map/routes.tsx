import { lazy } from 'react';
import type { AppRoute } from '../../routes';

const MapPage = lazy(() => import('./MapPage'));

/** The charge point map (any logged-in user). */
export const mapRoutes: AppRoute[] = [{ path: '/map', element: <MapPage /> }];
