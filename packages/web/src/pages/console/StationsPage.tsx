import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, qs } from '../../api';
import { useLiveEvents } from '../../live';
import { DataTable } from '../../components/DataTable';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Pager } from '../../components/Pager';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime } from '../../components/format';
import { useApi, useThrottled } from '../../components/useApi';
import { OCPP_VERSIONS, STATION_STATES, type ConsoleStation, type List } from './types';

const LIMIT = 50;
const STATION_EVENTS = new Set(['station.connected', 'station.disconnected', 'station.booted', 'connector.status', 'transaction.started', 'transaction.stopped']);

/** /stations: search and filters (kept in the URL), live state and connector statuses, add a station. */
export default function StationsPage() {
  const { t } = useTranslation('console');
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const state = params.get('state') ?? '';
  const online = params.get('online') ?? '';
  const version = params.get('ocppVersion') ?? '';
  const registration = params.get('registrationStatus') ?? '';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const [text, setText] = useState(q);
  const list = useApi<List<ConsoleStation>>(
    `/api/v1/dashboard/stations${qs({ q, state, online, ocppVersion: version, registrationStatus: registration, limit: LIMIT, offset })}`,
  );
  const reload = useThrottled(list.reload, 1000);
  useLiveEvents((name) => {
    if (STATION_EVENTS.has(name)) reload();
  });
  useEffect(() => {
    document.title = `${t('stations.title')} · Voltlane`;
  }, [t]);

  // Typing searches after a short pause; filters apply at once. Both reset paging.
  useEffect(() => {
    if (text === q) return;
    const h = setTimeout(() => update({ q: text }), 300);
    return () => clearTimeout(h);
  }, [text]); // only typing restarts the pause
  function update(p: Record<string, string>) {
    const n = new URLSearchParams(params);
    for (const [k, v] of Object.entries(p)) {
      if (v) n.set(k, v);
      else n.delete(k);
    }
    if (!('offset' in p)) n.delete('offset');
    setParams(n, { replace: true });
  }

  return (
    <>
      <div className="row spread">
        <h1>{t('stations.title')}</h1>
        <AddStation />
      </div>
      <form className="filters row" role="search" aria-label={t('stations.filters')} onSubmit={(e) => { e.preventDefault(); update({ q: text }); }}>
        <label>
          {t('actions.search')}
          <input type="search" value={text} placeholder={t('stations.searchHint')} onChange={(e) => setText(e.target.value)} />
        </label>
        <label>
          {t('stations.state')}
          <select value={state} onChange={(e) => update({ state: e.target.value })}>
            <option value="">{t('filters.all')}</option>
            {STATION_STATES.map((s) => <option key={s} value={s}>{t(`common:status.${s}`)}</option>)}
          </select>
        </label>
        <label>
          {t('stations.connection')}
          <select value={online} onChange={(e) => update({ online: e.target.value })}>
            <option value="">{t('filters.all')}</option>
            <option value="true">{t('common:status.online')}</option>
            <option value="false">{t('common:status.offline')}</option>
          </select>
        </label>
        <label>
          {t('stations.version')}
          <select value={version} onChange={(e) => update({ ocppVersion: e.target.value })}>
            <option value="">{t('filters.all')}</option>
            {OCPP_VERSIONS.map((v) => <option key={v} value={v}>{v.replace('ocpp', 'OCPP ')}</option>)}
          </select>
        </label>
        <label>
          {t('stations.registration')}
          <select value={registration} onChange={(e) => update({ registrationStatus: e.target.value })}>
            <option value="">{t('filters.all')}</option>
            {['Accepted', 'Pending', 'Rejected'].map((v) => <option key={v} value={v}>{t(`common:status.${v}`)}</option>)}
          </select>
        </label>
      </form>
      <ErrorMessage error={list.error} />
      <DataTable
        caption={t('stations.title')}
        captionHidden
        rows={list.data?.items}
        rowKey={(s) => s.id}
        empty={t('stations.none')}
        columns={[
          { key: 'id', header: t('stations.station'), render: (s) => <Link to={`/stations/${encodeURIComponent(s.id)}`}>{s.id}</Link> },
          {
            key: 'state', header: t('stations.state'),
            render: (s) => (
              <span data-testid={`state-${s.id}`}>
                <StatusBadge status={s.state} />
                {s.registrationStatus !== 'Accepted' && <> <StatusBadge status={s.registrationStatus} /></>}
              </span>
            ),
          },
          {
            key: 'connectors', header: t('stations.connectors'),
            render: (s) => (
              <ul className="inline">
                {s.connectors.map((c) => (
                  <li key={`${c.evseId}-${c.connectorId}`}>
                    <span className="muted">{c.evseId}</span> <StatusBadge status={c.status} />
                  </li>
                ))}
              </ul>
            ),
          },
          { key: 'version', header: t('stations.version'), render: (s) => s.ocppVersion?.replace('ocpp', '') ?? '—' },
          { key: 'model', header: t('stations.model'), render: (s) => [s.vendor, s.model].filter(Boolean).join(' ') || '—' },
          { key: 'fw', header: t('stations.firmware'), render: (s) => s.firmwareVersion ?? '—' },
          { key: 'seen', header: t('stations.lastSeen'), render: (s) => formatDateTime(s.lastSeenAt) },
          { key: 'sessions', header: t('stations.activeSessions'), numeric: true, render: (s) => s.activeSessions },
        ]}
      />
      {list.data && <Pager total={list.data.total} limit={LIMIT} offset={offset} onChange={(o) => update({ offset: String(o) })} />}
    </>
  );
}

/** Registers a station (id, optional password for security profile 1) and opens its page. */
function AddStation() {
  const { t } = useTranslation('console');
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [id, setId] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      const st = await api<{ id: string }>('/api/v1/stations', { method: 'POST', body: { id: id.trim(), registrationStatus: 'Accepted', ...(password ? { password } : {}) } });
      navigate(`/stations/${encodeURIComponent(st.id)}`);
    } catch (err) {
      setError(err);
    }
  }
  if (!open) return <button type="button" className="primary" onClick={() => setOpen(true)}>{t('stations.add')}</button>;
  return (
    <form className="card stack" onSubmit={(e) => void submit(e)} aria-label={t('stations.add')}>
      <label>
        {t('stations.stationId')}
        <input required maxLength={48} pattern="[^\s/]+" value={id} onChange={(e) => setId(e.target.value)} autoFocus />
      </label>
      <label>
        {t('stations.password')}
        <input type="password" autoComplete="new-password" minLength={8} maxLength={64} value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby="add-pw-help" />
      </label>
      <p id="add-pw-help" className="muted">{t('stations.passwordHelp')}</p>
      <ErrorMessage error={error} />
      <div className="row">
        <button type="submit" className="primary">{t('actions.create')}</button>
        <button type="button" onClick={() => setOpen(false)}>{t('actions.cancel')}</button>
      </div>
    </form>
  );
}
