import { useTranslation } from 'react-i18next';

/**
 * Previous/next paging for `{items, total}` lists with `limit`/`offset`.
 * @example <Pager total={data.total} limit={50} offset={offset} onChange={setOffset} />
 */
export function Pager({ total, limit, offset, onChange }: { total: number; limit: number; offset: number; onChange(offset: number): void }) {
  const { t } = useTranslation();
  if (total <= limit && offset === 0) return <p className="muted pager">{t('common:pager.count', { count: total })}</p>;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return (
    <nav className="row pager" aria-label={t('common:pager.label')}>
      <button type="button" disabled={offset === 0} onClick={() => onChange(Math.max(offset - limit, 0))}>{t('common:pager.previous')}</button>
      <span aria-live="polite">{t('common:pager.range', { from, to, total })}</span>
      <button type="button" disabled={offset + limit >= total} onClick={() => onChange(offset + limit)}>{t('common:pager.next')}</button>
    </nav>
  );
}
