import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, qs } from '../../api';
import { useLiveEvents } from '../../live';
import { DataTable } from '../../components/DataTable';
import { ErrorMessage } from '../../components/ErrorMessage';
import { StatusBadge } from '../../components/StatusBadge';
import { Tabs } from '../../components/Tabs';
import { TimeChart } from '../../components/TimeChart';
import { formatDateTime, formatEnergy, formatPower } from '../../components/format';
import { useApi, useThrottled } from '../../components/useApi';
import { sessionSeries, type Sample } from './meter';
import type { List, Station, Transaction } from './types';
import { CommandsPanel } from './station/CommandsPanel';
import { ConfigurationPanel } from './station/ConfigurationPanel';
import { InspectorPanel } from './station/InspectorPanel';
import { SecurityPanel } from './station/SecurityPanel';

/** /stations/:id: overview with live connectors and meter chart, commands, configuration, inspector, security. */
export default function StationPage() {
  const { t } = useTranslation('console');
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'overview';
  const path = `/api/v1/stations/${encodeURIComponent(id)}`;
  const station = useApi<Station>(path);
  const active = useApi<List<Transaction>>(`/api/v1/transactions${qs({ stationId: id, status: 'active', limit: 20 })}`);
  const reload = useThrottled(() => {
    station.reload();
    active.reload();
  }, 700);
  useLiveEvents((name, data) => {
    if (data.stationId === id && name !== 'meter.values') reload();
  });
  useEffect(() => {
    document.title = `${id} · Voltlane`;
  }, [id]);

  const st = station.data;
  if (station.error && !st) return <><h1>{id}</h1><ErrorMessage error={station.error} /></>;
  if (!st) return <p role="status">{t('common:loading')}</p>;
  const activeTx = active.data?.items ?? [];
  return (
    <>
      <p><Link to="/stations">← {t('stations.title')}</Link></p>
      <div className="row spread">
        <h1>
          {st.id} <span data-testid="station-online"><StatusBadge status={st.online ? 'online' : 'offline'} /></span>{' '}
          {st.registrationStatus !== 'Accepted' && <StatusBadge status={st.registrationStatus} />}
        </h1>
        <StationActions station={st} onChanged={station.reload} />
      </div>
      <dl className="facts">
        <div><dt>{t('stations.version')}</dt><dd>{st.ocppVersion?.replace('ocpp', 'OCPP ') ?? '—'}</dd></div>
        <div><dt>{t('stations.model')}</dt><dd>{[st.vendor, st.model].filter(Boolean).join(' ') || '—'}</dd></div>
        <div><dt>{t('stations.firmware')}</dt><dd>{st.firmwareVersion ?? '—'}{typeof st.firmwareStatus === 'string' ? ` (${st.firmwareStatus})` : ''}</dd></div>
        <div><dt>{t('stations.lastSeen')}</dt><dd>{formatDateTime(lastSeen(st))}</dd></div>
        {st.autoRegistered && <div><dt>{t('stations.registration')}</dt><dd>{t('stations.autoRegistered')}</dd></div>}
      </dl>
      <ErrorMessage error={station.error} />
      <Tabs
        label={t('station.sections')}
        selected={tab}
        onSelect={(x) => setParams(x === 'overview' ? {} : { tab: x }, { replace: true })}
        tabs={[
          { id: 'overview', label: t('station.overview'), render: () => <Overview station={st} active={activeTx} /> },
          { id: 'commands', label: t('station.commands'), render: () => <CommandsPanel station={st} active={activeTx} onSent={reload} /> },
          { id: 'configuration', label: t('station.configuration'), render: () => <ConfigurationPanel station={st} /> },
          { id: 'inspector', label: t('station.inspector'), render: () => <InspectorPanel stationId={st.id} /> },
          { id: 'security', label: t('station.security'), render: () => <SecurityPanel stationId={st.id} /> },
        ]}
      />
    </>
  );
}

/** The latest sign of life: heartbeat, connection or disconnection. */
function lastSeen(st: Station): string | null {
  const times = [st.lastHeartbeatAt, st.connectedAt, st.disconnectedAt].filter((x): x is string => typeof x === 'string');
  return times.sort().at(-1) ?? null;
}

/** Print its connectors' QR codes, accept a pending station, or delete it. */
function StationActions({ station, onChanged }: { station: Station; onChanged(): void }) {
  const { t, i18n } = useTranslation('console');
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>();
  const path = `/api/v1/stations/${encodeURIComponent(station.id)}`;
  async function setRegistration(status: 'Accepted' | 'Rejected') {
    setError(undefined);
    try {
      await api(path, { method: 'PATCH', body: { registrationStatus: status } });
      onChanged();
    } catch (e) {
      setError(e);
    }
  }
  async function remove() {
    if (!window.confirm(t('station.deleteConfirm', { id: station.id }))) return;
    try {
      await api(path, { method: 'DELETE' });
      navigate('/stations');
    } catch (e) {
      setError(e);
    }
  }
  // The QR sheet is an HTML page of the API (cookie login works for GET), labelled in the UI language.
  const qrSheet = `${path}/qr-sheet${qs({ lang: i18n.resolvedLanguage === 'fr' ? 'fr' : 'en' })}`;
  return (
    <div className="row">
      <a href={qrSheet} target="_blank" rel="noopener noreferrer">
        {t('station.qrSheet')}<span className="visually-hidden"> {t('common:newTab')}</span>
      </a>
      {station.registrationStatus !== 'Accepted' && <button type="button" className="primary" onClick={() => void setRegistration('Accepted')}>{t('station.accept')}</button>}
      {station.registrationStatus === 'Pending' && <button type="button" onClick={() => void setRegistration('Rejected')}>{t('station.reject')}</button>}
      <button type="button" className="danger" onClick={() => void remove()}>{t('actions.delete')}</button>
      <ErrorMessage error={error} />
    </div>
  );
}

function Overview({ station, active }: { station: Station; active: Transaction[] }) {
  const { t } = useTranslation('console');
  const recent = useApi<List<Transaction>>(`/api/v1/transactions${qs({ stationId: station.id, limit: 10 })}`);
  const reloadRecent = useThrottled(recent.reload, 3000);
  useLiveEvents((name, data) => {
    if (data.stationId === station.id && (name === 'meter.values' || name.startsWith('transaction.'))) reloadRecent();
  });
  return (
    <>
      <section aria-labelledby="connectors-h">
        <h2 id="connectors-h">{t('stations.connectors')}</h2>
        <DataTable
          caption={t('stations.connectors')}
          captionHidden
          rows={station.connectors ?? []}
          rowKey={(c) => `${c.evseId}-${c.connectorId}`}
          empty={t('station.noConnectors')}
          columns={[
            { key: 'evse', header: t('fields.evse'), render: (c) => c.evseId },
            { key: 'connector', header: t('fields.connector'), render: (c) => c.connectorId },
            { key: 'status', header: t('fields.status'), render: (c) => <span data-testid={`connector-${c.evseId}-${c.connectorId}`}><StatusBadge status={c.status} /></span> },
            { key: 'error', header: t('station.errorCode'), render: (c) => [c.errorCode !== 'NoError' ? c.errorCode : null, c.vendorErrorCode, c.info].filter(Boolean).join(' · ') || '—' },
            { key: 'since', header: t('station.since'), render: (c) => formatDateTime(c.statusAt) },
          ]}
        />
      </section>
      <LiveMeter stationId={station.id} active={active} />
      <section aria-labelledby="recent-h">
        <h2 id="recent-h">{t('station.recentSessions')}</h2>
        <SessionTable rows={recent.data?.items} />
        <p><Link to={`/sessions?stationId=${encodeURIComponent(station.id)}`}>{t('station.allSessions')}</Link></p>
      </section>
    </>
  );
}

/** Energy and power of an active session at the station, updated with every meter value. */
function LiveMeter({ stationId, active }: { stationId: string; active: Transaction[] }) {
  const { t } = useTranslation('console');
  const [picked, setPicked] = useState<number | null>(null);
  const txId = active.find((x) => x.id === picked)?.id ?? active[0]?.id ?? null;
  const tx = useApi<Transaction & { meterValues: Sample[] }>(txId === null ? null : `/api/v1/transactions/${txId}`);
  const reload = useThrottled(tx.reload, 1000);
  useLiveEvents((name, data) => {
    if (name === 'meter.values' && data.stationId === stationId) reload();
  });
  const series = useMemo(() => [{ label: t('session.energy'), unit: 'kWh' }, { label: t('session.power'), unit: 'kW' }], [t]);
  const s = useMemo(() => (tx.data && tx.data.id === txId ? sessionSeries(tx.data.meterValues ?? [], tx.data.meterStartWh) : null), [tx.data, txId]);
  return (
    <section aria-labelledby="meter-h">
      <h2 id="meter-h">{t('station.liveMeter')}</h2>
      {active.length === 0 ? <p className="muted">{t('station.noActive')}</p> : (
        <>
          {active.length > 1 && (
            <label>
              {t('station.session')}{' '}
              <select value={txId ?? ''} onChange={(e) => setPicked(Number(e.target.value))}>
                {active.map((x) => <option key={x.id} value={x.id}>{t('commands.sessionOn', { id: x.id, evse: x.evseId, token: x.idToken ?? '—' })}</option>)}
              </select>
            </label>
          )}
          {txId !== null && <p><Link to={`/sessions/${txId}`}>{t('station.openSession', { id: txId })}</Link> · {formatEnergy(s?.lastEnergyWh)} · {formatPower(s?.lastPowerW)}</p>}
          {s && (
            <TimeChart
              title={t('station.liveMeter')}
              summary={`${formatEnergy(s.lastEnergyWh)}, ${formatPower(s.lastPowerW)}`}
              series={series}
              data={s.data}
              emptyText={t('session.noMeterValues')}
            />
          )}
        </>
      )}
    </section>
  );
}

/** Sessions as a table (shared by the station page and the sessions list). */
export function SessionTable({ rows, showStation = false }: { rows: Transaction[] | undefined; showStation?: boolean }) {
  const { t } = useTranslation('console');
  return (
    <DataTable
      caption={t('sessions.title')}
      captionHidden
      rows={rows}
      rowKey={(x) => x.id}
      empty={t('sessions.none')}
      columns={[
        { key: 'id', header: t('sessions.id'), render: (x) => <Link to={`/sessions/${x.id}`}>{x.id}</Link> },
        ...(showStation ? [{ key: 'station', header: t('stations.station'), render: (x: Transaction) => <Link to={`/stations/${encodeURIComponent(x.stationId)}`}>{x.stationId}</Link> }] : []),
        { key: 'evse', header: t('fields.evse'), render: (x) => x.evseId },
        { key: 'token', header: t('fields.idToken'), render: (x) => x.idToken ?? '—' },
        { key: 'status', header: t('fields.status'), render: (x) => <StatusBadge status={x.status} /> },
        { key: 'start', header: t('sessions.started'), render: (x) => formatDateTime(x.startedAt) },
        { key: 'stop', header: t('sessions.stopped'), render: (x) => formatDateTime(x.stoppedAt) },
        { key: 'energy', header: t('session.energy'), numeric: true, render: (x) => formatEnergy(x.energyWh) },
        { key: 'reason', header: t('sessions.stopReason'), render: (x) => x.stopReason ?? '—' },
      ]}
    />
  );
}
