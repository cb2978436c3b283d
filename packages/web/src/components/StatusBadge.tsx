import { useTranslation } from 'react-i18next';

/**
 * A coloured, translated status word: OCPP connector statuses (Available, Charging, Faulted...),
 * station states (online, offline, charging...), session and id token statuses. Unknown statuses
 * are shown as sent.
 * @example <StatusBadge status="Charging" />
 */
export function StatusBadge({ status }: { status: string | null | undefined }) {
  const { t, i18n } = useTranslation();
  const value = status ?? 'unknown';
  const key = `common:status.${value}`;
  return <span className={`badge status-${value}`}>{i18n.exists(key) ? t(key) : value}</span>;
}
