import { useEffect, useState } from 'react';

/** The current time, refreshed every `ms` (durations that tick while a session runs). */
export function useTicking(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const h = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(h);
  }, [ms]);
  return now;
}
