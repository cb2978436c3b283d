import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api';

/** State of a GET request made by {@link useApi}. */
export interface ApiState<T> {
  /** The last successful answer; kept while reloading so live pages do not flicker. */
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  /** Fetches again (e.g. after a live event or a change). */
  reload(): void;
}

/**
 * GETs `path` (null: nothing) and again whenever it changes; answers that arrive after a newer
 * request started are dropped.
 * @example const { data, error, reload } = useApi<List<Station>>(`/api/v1/stations${qs({ q })}`);
 */
export function useApi<T>(path: string | null): ApiState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    if (path === null) return;
    const mine = ++seq.current;
    const ctrl = new AbortController();
    setLoading(true);
    api<T>(path, { signal: ctrl.signal })
      .then((d) => {
        if (mine !== seq.current) return;
        setData(d);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (mine !== seq.current || (e instanceof DOMException && e.name === 'AbortError')) return;
        setError(e instanceof Error ? e : new Error(String(e)));
      })
      .finally(() => {
        if (mine === seq.current) setLoading(false);
      });
    return () => ctrl.abort();
  }, [path, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}

/**
 * Returns a function that calls `fn` at most once per `ms` (trailing call kept): live events
 * can come by the hundred, a page reload per burst is enough.
 */
export function useThrottled(fn: () => void, ms = 500): () => void {
  const ref = useRef(fn);
  ref.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  return useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      ref.current();
    }, ms);
  }, [ms]);
}
