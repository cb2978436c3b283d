import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** One column: a header and how a row renders in it. */
export interface Column<T> {
  /** Stable key (also the React key). */
  key: string;
  header: ReactNode;
  render(row: T): ReactNode;
  /** Right-align numbers. */
  numeric?: boolean;
}

/**
 * An accessible table (caption, column headers, horizontal scroll on narrow screens) with an
 * empty-state line.
 * @example <DataTable caption={t('stations')} columns={cols} rows={items} rowKey={(s) => s.id} />
 */
export function DataTable<T>({ caption, columns, rows, rowKey, empty, captionHidden }: {
  caption: string;
  columns: Column<T>[];
  rows: T[] | undefined;
  rowKey(row: T): string | number;
  /** Shown when there are no rows (default: "Nothing to show"). */
  empty?: ReactNode;
  /** Keep the caption for screen readers only (when a heading already names the table). */
  captionHidden?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined}>{c.header}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows === undefined ? (
            <tr><td colSpan={columns.length} role="status">{t('common:loading')}</td></tr>
          ) : rows.length === 0 ? (
            <tr><td colSpan={columns.length} className="muted">{empty ?? t('common:table.empty')}</td></tr>
          ) : (
            rows.map((r) => (
              <tr key={rowKey(r)}>
                {columns.map((c) => <td key={c.key} className={c.numeric ? 'num' : undefined}>{c.render(r)}</td>)}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
