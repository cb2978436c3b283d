import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useLiveEvents } from '../../live';
import { qs } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { StatCard } from '../../components/StatCard';
import { StatusBadge } from '../../components/StatusBadge';
import { TimeChart, type ChartData } from '../../components/TimeChart';
import { formatEnergy, formatNumber, formatPower } from '../../components/format';
import { useApi, useThrottled } from '../../components/useApi';
import type { ConsoleStation, List, Summary } from './types';

const HISTORY_MINUTES = 60;
/** Live points kept on the chart beyond the history (about an hour at one point per 2 s). */
const MAX_LIVE_POINTS = 1800;

function localMidnight(): string {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
}

/**
 * /dashboard: stations by state, energy today, active sessions, power now and its curve. Every
 * live event refreshes the numbers (throttled); each refresh adds a point to the power curve.
 */
export default function DashboardPage() {
  const { t } = useTranslation('console');
  const [since] = useState(localMidnight);
  const summary = useApi<Summary>(`/api/v1/dashboard/summary${qs({ since })}`);
  const history = useApi<{ items: { at: string; powerW: number }[] }>(`/api/v1/dashboard/power${qs({ minutes: HISTORY_MINUTES, bucketSec: 60 })}`);
  const faulted = useApi<List<ConsoleStation>>(`/api/v1/dashboard/stations${qs({ state: 'faulted', limit: 10 })}`);
  const [live, setLive] = useState<{ x: number; w: number }[]>([]);

  useEffect(() => {
    document.title = `${t('dashboard.title')} · Voltlane`;
  }, [t]);

  const refresh = useThrottled(() => {
    summary.reload();
    faulted.reload();
  }, 2000);
  useLiveEvents(() => refresh());

  // Each summary answer is a live sample of the network's power.
  useEffect(() => {
    const s = summary.data;
    if (!s) return;
    setLive((pts) => [...pts.slice(-MAX_LIVE_POINTS + 1), { x: Date.now() / 1000, w: s.powerW }]);
  }, [summary.data]);

  const data = useMemo<ChartData>(() => {
    const hist = (history.data?.items ?? []).map((p) => ({ x: Date.parse(p.at) / 1000, w: p.powerW }));
    const firstLive = live[0]?.x ?? Infinity;
    const pts = [...hist.filter((p) => p.x < firstLive), ...live];
    return [pts.map((p) => p.x), pts.map((p) => p.w / 1000)];
  }, [history.data, live]);
  const series = useMemo(() => [{ label: t('dashboard.power'), unit: 'kW' }], [t]);

  const s = summary.data;
  return (
    <>
      <h1>{t('dashboard.title')}</h1>
      <ErrorMessage error={summary.error} />
      <div className="grid stats" aria-live="polite">
        <StatCard label={t('dashboard.online')} value={s ? formatNumber(s.stations.online) : '…'} hint={s ? t('dashboard.ofTotal', { total: s.stations.total }) : undefined} />
        <StatCard label={t('dashboard.offline')} value={s ? formatNumber(s.stations.offline) : '…'} />
        <StatCard label={t('dashboard.charging')} value={s ? formatNumber(s.stations.charging) : '…'} />
        <StatCard label={t('dashboard.faulted')} value={s ? formatNumber(s.stations.faulted) : '…'} />
        <StatCard label={t('dashboard.energyToday')} value={s ? formatEnergy(s.energySinceWh) : '…'} hint={s ? t('dashboard.sessionsToday', { count: s.sessionsSince }) : undefined} />
        <StatCard label={t('dashboard.activeSessions')} value={s ? formatNumber(s.activeSessions) : '…'} />
        <StatCard label={t('dashboard.powerNow')} value={s ? formatPower(s.powerW) : '…'} />
      </div>
      {s && s.stations.pending > 0 && (
        <p className="card notice">
          {t('dashboard.pending', { count: s.stations.pending })} <Link to="/stations?registrationStatus=Pending">{t('dashboard.review')}</Link>
        </p>
      )}
      <section className="card">
        <TimeChart
          title={t('dashboard.powerChart')}
          summary={s ? formatPower(s.powerW) : t('common:loading')}
          series={series}
          data={data}
          emptyText={t('dashboard.noPower')}
        />
      </section>
      {faulted.data && faulted.data.items.length > 0 && (
        <section className="card" aria-labelledby="faulted-h">
          <h2 id="faulted-h">{t('dashboard.faultedStations')}</h2>
          <ul className="plain">
            {faulted.data.items.map((st) => (
              <li key={st.id}>
                <Link to={`/stations/${encodeURIComponent(st.id)}`}>{st.id}</Link> <StatusBadge status={st.state} />{' '}
                {st.connectors.filter((c) => c.status === 'Faulted').map((c) => t('stations.connectorN', { n: c.evseId })).join(', ')}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
