import type { ReactNode } from 'react';

/**
 * One big number with its label (dashboard tiles); `live` announces changes to screen readers.
 * @example <StatCard label={t('online')} value={12} />
 */
export function StatCard({ label, value, hint, live }: { label: string; value: ReactNode; hint?: ReactNode; live?: boolean }) {
  return (
    <section className="card stat-card" aria-label={label}>
      <h2 className="stat-label">{label}</h2>
      <p className="stat" {...(live ? { 'aria-live': 'polite' as const } : {})}>{value}</p>
      {hint !== undefined && <p className="muted stat-hint">{hint}</p>}
    </section>
  );
}
