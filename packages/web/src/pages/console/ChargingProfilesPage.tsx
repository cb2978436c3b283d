import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { DataTable } from '../../components/DataTable';
import { ErrorMessage } from '../../components/ErrorMessage';
import { JsonBlock } from '../../components/JsonBlock';
import { formatDateTime } from '../../components/format';
import { useApi } from '../../components/useApi';
import { isV2, type ConsoleStation, type List, type Station } from './types';
import { CommandReply } from './station/CommandReply';
import { randomId, useCommands } from './station/command';

interface Profile {
  connectorId: number;
  chargingProfileId: number;
  stackLevel: number;
  purpose: string;
  kind: string;
  chargingLimitSource: string;
  validFrom: string | null;
  validTo: string | null;
  transactionId: string | null;
  profile: unknown;
}

/**
 * /charging-profiles: per station, the profiles it accepted and its last composite schedule; set a
 * simple default limit, clear profiles and ask for the composite schedule (replies shown).
 */
export default function ChargingProfilesPage() {
  const { t } = useTranslation('console');
  const [params, setParams] = useSearchParams();
  const stationId = params.get('stationId') ?? '';
  const stations = useApi<List<ConsoleStation>>('/api/v1/dashboard/stations?limit=1000&registrationStatus=Accepted');
  useEffect(() => {
    document.title = `${t('profiles.title')} · Voltlane`;
  }, [t]);
  return (
    <>
      <h1>{t('profiles.title')}</h1>
      <label>
        {t('stations.station')}{' '}
        <select value={stationId} onChange={(e) => setParams(e.target.value ? { stationId: e.target.value } : {}, { replace: true })}>
          <option value="">{t('profiles.pick')}</option>
          {stations.data?.items.map((s) => <option key={s.id} value={s.id}>{s.id}{s.online ? '' : ` (${t('common:status.offline')})`}</option>)}
        </select>
      </label>
      <ErrorMessage error={stations.error} />
      {stationId && <StationProfiles key={stationId} stationId={stationId} />}
    </>
  );
}

function StationProfiles({ stationId }: { stationId: string }) {
  const { t } = useTranslation('console');
  const id = encodeURIComponent(stationId);
  const station = useApi<Station>(`/api/v1/stations/${id}`);
  const profiles = useApi<{ items: Profile[]; total: number; lastCompositeSchedule: unknown }>(`/api/v1/stations/${id}/charging-profiles`);
  const { send, results, busy } = useCommands(stationId);
  const [last, setLast] = useState<string | null>(null);
  const v2 = isV2(station.data?.ocppVersion);
  const evses = [...new Set((station.data?.connectors ?? []).map((c) => c.evseId))];
  const [f, setF] = useState({ evse: '0', limit: '16', unit: 'A', stackLevel: '0', duration: '3600' });

  async function run(action: string, payload: Record<string, unknown>) {
    setLast(action);
    await send(action, payload);
    profiles.reload();
  }
  function setProfile(e: FormEvent) {
    e.preventDefault();
    const evse = Number(f.evse);
    const schedule = { chargingRateUnit: f.unit, chargingSchedulePeriod: [{ startPeriod: 0, limit: Number(f.limit) }] };
    const profileId = randomId();
    void run('SetChargingProfile', v2
      ? { evseId: evse, chargingProfile: { id: profileId, stackLevel: Number(f.stackLevel), chargingProfilePurpose: evse === 0 ? 'ChargingStationMaxProfile' : 'TxDefaultProfile', chargingProfileKind: 'Relative', chargingSchedule: [{ id: 1, ...schedule }] } }
      : { connectorId: evse, csChargingProfiles: { chargingProfileId: profileId, stackLevel: Number(f.stackLevel), chargingProfilePurpose: evse === 0 ? 'ChargePointMaxProfile' : 'TxDefaultProfile', chargingProfileKind: 'Relative', chargingSchedule: schedule } });
  }
  function composite(e: FormEvent) {
    e.preventDefault();
    const evse = Number(f.evse);
    void run('GetCompositeSchedule', v2
      ? { evseId: evse, duration: Number(f.duration), chargingRateUnit: f.unit }
      : { connectorId: evse, duration: Number(f.duration), chargingRateUnit: f.unit });
  }
  const clear = (p: Profile) => run('ClearChargingProfile', v2 ? { chargingProfileId: p.chargingProfileId } : { id: p.chargingProfileId });

  const online = station.data?.online ?? false;
  return (
    <>
      <p><Link to={`/stations/${id}`}>{stationId}</Link> · {station.data?.ocppVersion?.replace('ocpp', 'OCPP ') ?? ''} {!online && <span className="muted">({t('config.offlineHint')})</span>}</p>
      <ErrorMessage error={profiles.error ?? station.error} />
      <DataTable
        caption={t('profiles.installed')}
        rows={profiles.data?.items}
        rowKey={(p) => `${p.connectorId}-${p.chargingProfileId}-${p.chargingLimitSource}`}
        empty={t('profiles.none')}
        columns={[
          { key: 'id', header: t('profiles.id'), render: (p) => p.chargingProfileId },
          { key: 'evse', header: t('fields.evse'), render: (p) => p.connectorId },
          { key: 'purpose', header: t('profiles.purpose'), render: (p) => p.purpose },
          { key: 'kind', header: t('profiles.kind'), render: (p) => p.kind },
          { key: 'stack', header: t('profiles.stackLevel'), numeric: true, render: (p) => p.stackLevel },
          { key: 'valid', header: t('profiles.valid'), render: (p) => `${formatDateTime(p.validFrom)} → ${formatDateTime(p.validTo)}` },
          { key: 'detail', header: t('profiles.schedule'), render: (p) => <details><summary>{t('profiles.show')}</summary><JsonBlock value={p.profile} /></details> },
          { key: 'act', header: <span className="visually-hidden">{t('fields.actions')}</span>, render: (p) => <button type="button" disabled={!online || busy !== null} onClick={() => void clear(p)} aria-label={t('profiles.clearNamed', { id: p.chargingProfileId })}>{t('profiles.clear')}</button> },
        ]}
      />
      <div className="columns">
        <form className="card stack" onSubmit={setProfile} aria-labelledby="setp-h">
          <h2 id="setp-h">{t('profiles.setLimit')}</h2>
          <label>
            {t('fields.evse')}
            <select value={f.evse} onChange={(e) => setF({ ...f, evse: e.target.value })}>
              <option value="0">{t('commands.wholeStation')}</option>
              {evses.filter((e) => e > 0).map((e) => <option key={e} value={e}>{e}</option>)}
            </select>
          </label>
          <label>{t('profiles.limit')} <input type="number" min={0} step="0.1" required value={f.limit} onChange={(e) => setF({ ...f, limit: e.target.value })} /></label>
          <label>
            {t('profiles.unit')}
            <select value={f.unit} onChange={(e) => setF({ ...f, unit: e.target.value })}>
              <option value="A">A</option>
              <option value="W">W</option>
            </select>
          </label>
          <label>{t('profiles.stackLevel')} <input type="number" min={0} required value={f.stackLevel} onChange={(e) => setF({ ...f, stackLevel: e.target.value })} /></label>
          <button type="submit" className="primary" disabled={!online || busy !== null}>{t('commands.send')}</button>
        </form>
        <form className="card stack" onSubmit={composite} aria-labelledby="comp-h">
          <h2 id="comp-h">{t('profiles.composite')}</h2>
          <label>{t('profiles.duration')} <input type="number" min={1} required value={f.duration} onChange={(e) => setF({ ...f, duration: e.target.value })} /></label>
          <button type="submit" disabled={!online || busy !== null}>{t('profiles.getComposite')}</button>
          {profiles.data?.lastCompositeSchedule ? <JsonBlock value={profiles.data.lastCompositeSchedule} label={t('profiles.composite')} /> : null}
        </form>
      </div>
      {last && <CommandReply result={results[last]} />}
    </>
  );
}
