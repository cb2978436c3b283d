import type { ReactNode } from 'react';

/** One page of the app: a path under /app and what it renders. */
export interface AppRoute {
  path: string;
  element: ReactNode;
}
