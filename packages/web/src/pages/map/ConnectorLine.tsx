import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { StatusBadge } from '../../components/StatusBadge';
import { formatPower } from '../../components/format';

/**
 * People's name of an OCPI connector type ("Type 2", "CCS (Type 2)"...), the code itself when the
 * app has no name for it, "Unknown type" for null.
 */
export function useConnectorType(): (type: string | null | undefined) => string {
  const { t, i18n } = useTranslation('map');
  return useCallback((type) => {
    if (!type) return t('types.unknown');
    return i18n.exists(`map:types.${type}`) ? t(`types.${type}`) : type;
  }, [t, i18n]);
}

/** One connector in a line: type, power, AC/DC and live status. */
export function ConnectorLine({ connector: c }: { connector: { evseId: number; connectorId: number; type: string | null; powerType?: string | null; maxPowerW: number | null; status: string | null } }) {
  const { t } = useTranslation('map');
  const typeLabel = useConnectorType();
  const current = c.powerType === 'DC' ? 'DC' : c.powerType ? 'AC' : null;
  return (
    <span className="connector-line">
      <span className="muted">{t('evse', { evse: c.evseId })}</span>{' '}
      <strong>{typeLabel(c.type)}</strong>
      {c.maxPowerW !== null && <> · {formatPower(c.maxPowerW)}</>}
      {current && <> · {current}</>}{' '}
      <StatusBadge status={c.status} />
    </span>
  );
}
