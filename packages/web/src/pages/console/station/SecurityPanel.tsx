import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { qs } from '../../../api';
import { DataTable } from '../../../components/DataTable';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Pager } from '../../../components/Pager';
import { formatDateTime } from '../../../components/format';
import { useApi } from '../../../components/useApi';
import type { List } from '../types';

interface SecurityEvent {
  id: number;
  source: 'station' | 'csms';
  type: string;
  at: string;
  techInfo: string | null;
}

const LIMIT = 50;

/** Security events of a station (reported by it, or raised by Voltlane for refused connections) and its security profile. */
export function SecurityPanel({ stationId }: { stationId: string }) {
  const { t } = useTranslation('console');
  const [source, setSource] = useState('');
  const [offset, setOffset] = useState(0);
  const id = encodeURIComponent(stationId);
  const events = useApi<List<SecurityEvent>>(`/api/v1/stations/${id}/security-events${qs({ source, limit: LIMIT, offset })}`);
  const profile = useApi<{ securityProfile: number; pendingSecurityProfile: number | null; hasPassword: boolean }>(`/api/v1/stations/${id}/security`);
  return (
    <>
      {profile.data && (
        <dl className="facts">
          <div><dt>{t('security.profile')}</dt><dd>{profile.data.securityProfile}{profile.data.pendingSecurityProfile !== null && ` → ${profile.data.pendingSecurityProfile} (${t('security.pending')})`}</dd></div>
          <div><dt>{t('security.password')}</dt><dd>{profile.data.hasPassword ? t('common:yes') : t('common:no')}</dd></div>
        </dl>
      )}
      <form className="row filters" onSubmit={(e) => e.preventDefault()} aria-label={t('security.filters')}>
        <label>
          {t('security.source')}
          <select value={source} onChange={(e) => { setSource(e.target.value); setOffset(0); }}>
            <option value="">{t('filters.all')}</option>
            <option value="station">{t('security.fromStation')}</option>
            <option value="csms">{t('security.fromCsms')}</option>
          </select>
        </label>
      </form>
      <ErrorMessage error={events.error ?? profile.error} />
      <DataTable
        caption={t('security.events')}
        captionHidden
        rows={events.data?.items}
        rowKey={(e) => e.id}
        empty={t('security.none')}
        columns={[
          { key: 'at', header: t('fields.time'), render: (e) => formatDateTime(e.at) },
          { key: 'type', header: t('security.type'), render: (e) => <code>{e.type}</code> },
          { key: 'source', header: t('security.source'), render: (e) => (e.source === 'station' ? t('security.fromStation') : t('security.fromCsms')) },
          { key: 'info', header: t('security.techInfo'), render: (e) => e.techInfo ?? '—' },
        ]}
      />
      {events.data && <Pager total={events.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />}
    </>
  );
}
