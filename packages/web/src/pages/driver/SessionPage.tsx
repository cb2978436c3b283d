import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api';
import { useLiveEvents } from '../../live';
import { ErrorMessage } from '../../components/ErrorMessage';
import { StatusBadge } from '../../components/StatusBadge';
import { TimeChart, type ChartData } from '../../components/TimeChart';
import { formatDateTime, formatDuration, formatEnergy, formatMoney, formatPower } from '../../components/format';
import { useApi, useThrottled } from '../../components/useApi';
import type { DriverSessionDetail } from './types';
import { useTicking } from './useTicking';
import '../map/common.css';
import './driver.css';

/**
 * /me/sessions/:id: one of the driver's sessions, live while it runs (energy, power, a ticking
 * duration, cost so far) from meter.values and transaction.stopped events; Stop ends it. Someone
 * else's session is "not found", like one that does not exist.
 */
export default function SessionPage() {
  const { t } = useTranslation('driver');
  const { id = '' } = useParams();
  const valid = /^[1-9]\d*$/.test(id);
  const session = useApi<DriverSessionDetail>(valid ? `/api/v1/me/sessions/${id}` : null);
  const reload = useThrottled(session.reload, 1000);
  useLiveEvents((name, data) => {
    if (Number(data.transactionId) !== Number(id)) return;
    if (name === 'meter.values' || name === 'transaction.stopped') reload();
  });
  const now = useTicking();
  useEffect(() => {
    document.title = `${t('session.title')} · Voltlane`;
  }, [t]);
  const series = useMemo(() => [{ label: t('session.energy'), unit: 'kWh' }, { label: t('session.power'), unit: 'kW', color: '#175cd3' }], [t]);
  const data = useMemo<ChartData>(() => {
    const mv = session.data?.meterValues ?? [];
    // One point draws no line and gives uPlot no time range: wait for the second.
    if (mv.length < 2) return [[], [], []];
    return [mv.map((m) => Date.parse(m.at) / 1000), mv.map((m) => (m.energyWh === null ? null : m.energyWh / 1000)), mv.map((m) => (m.powerW === null ? null : m.powerW / 1000))];
  }, [session.data]);

  const notFound = !valid || (session.error instanceof ApiError && session.error.status === 404);
  if (notFound) {
    return (
      <section className="driver narrow">
        <h1>{t('session.notFoundTitle')}</h1>
        <p role="alert">{t('session.notFound')}</p>
        <p><Link to="/me">{t('session.back')}</Link></p>
      </section>
    );
  }
  if (session.error && !session.data) return <ErrorMessage error={session.error} />;
  const s = session.data;
  if (!s) return <p role="status">{t('common:loading')}</p>;
  const active = s.status === 'active';
  const duration = active ? (now - Date.parse(s.startedAt)) / 1000 : s.durationS;

  return (
    <section className="driver">
      <p><Link to="/me">← {t('session.back')}</Link></p>
      <h1>{t('session.title')} <StatusBadge status={s.status} /></h1>
      <p className="muted">{s.stationId} · {t('me.evse', { evse: s.evseId })} · {formatDateTime(s.startedAt)}</p>
      <div className="live-figures" aria-live={active ? 'polite' : undefined}>
        <div className="figure big-figure"><span className="figure-label">{t('session.energy')}</span><span data-testid="energy" className="figure-value">{formatEnergy(s.energyWh)}</span></div>
        <div className="figure"><span className="figure-label">{t('session.power')}</span><span data-testid="power" className="figure-value">{active ? formatPower(s.powerW) : '—'}</span></div>
        <div className="figure"><span className="figure-label">{t('session.duration')}</span><span data-testid="duration" className="figure-value" aria-live="off">{formatDuration(duration)}</span></div>
        <div className="figure"><span className="figure-label">{active ? t('session.costSoFar') : t('session.cost')}</span><span data-testid="cost" className="figure-value">{s.costInclVat !== null ? formatMoney(s.costInclVat, s.currency) : t('session.noTariff')}</span></div>
      </div>
      {active && <StopButton id={s.id} onDone={session.reload} />}
      {!active && s.stoppedAt && <p>{t('session.stoppedAt', { at: formatDateTime(s.stoppedAt) })}</p>}
      <div className="card">
        <TimeChart title={t('session.chart')} summary={`${formatEnergy(s.energyWh)}, ${formatPower(s.powerW)}`} series={series} data={data} emptyText={t('session.noValues')} />
      </div>
    </section>
  );
}

/** Remote stop; shows the station's reply when it refuses. */
function StopButton({ id, onDone }: { id: number; onDone(): void }) {
  const { t } = useTranslation('driver');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState<string>();
  async function stop() {
    setBusy(true);
    setError(undefined);
    setNote(undefined);
    try {
      const r = await api<{ status: string }>(`/api/v1/me/sessions/${id}/stop`, { method: 'POST' });
      setNote(r.status === 'Accepted' ? t('session.stopping') : t('session.stopRejected', { status: r.status }));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="stop-row">
      <button type="button" className="danger big" disabled={busy} onClick={() => void stop()}>{busy ? t('session.stopping') : t('session.stop')}</button>
      {note && <p role="status">{note}</p>}
      <ErrorMessage error={error} />
    </div>
  );
}
