import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useLiveEvents } from '../../live';
import { ErrorMessage } from '../../components/ErrorMessage';
import { JsonBlock } from '../../components/JsonBlock';
import { StatusBadge } from '../../components/StatusBadge';
import { TimeChart } from '../../components/TimeChart';
import { formatDateTime, formatDuration, formatEnergy, formatMoney, formatPower } from '../../components/format';
import { useApi, useThrottled } from '../../components/useApi';
import { sessionSeries, type Sample } from './meter';
import type { Transaction } from './types';
import { CommandReply } from './station/CommandReply';
import { useCommands } from './station/command';

/** /sessions/:id: facts, energy and power charts (live while active), remote stop, raw samples. */
export default function SessionPage() {
  const { t } = useTranslation('console');
  const { id = '' } = useParams();
  const tx = useApi<Transaction & { meterValues: Sample[]; events?: unknown[] }>(`/api/v1/transactions/${encodeURIComponent(id)}`);
  const reload = useThrottled(tx.reload, 1000);
  useLiveEvents((name, data) => {
    const x = tx.data;
    if (!x || x.status !== 'active' || data.stationId !== x.stationId) return;
    if (name === 'meter.values' || (name === 'transaction.stopped' && data.transactionId === x.id)) reload();
  });
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    document.title = `${t('session.title', { id })} · Voltlane`;
    const h = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(h);
  }, [id, t]);
  const s = useMemo(() => (tx.data ? sessionSeries(tx.data.meterValues ?? [], tx.data.meterStartWh) : null), [tx.data]);
  const energySeries = useMemo(() => [{ label: t('session.energy'), unit: 'kWh' }], [t]);
  const powerSeries = useMemo(() => [{ label: t('session.power'), unit: 'kW', color: '#175cd3' }], [t]);

  if (tx.error && !tx.data) return <><h1>{t('session.title', { id })}</h1><ErrorMessage error={tx.error} /></>;
  const x = tx.data;
  if (!x || !s) return <p role="status">{t('common:loading')}</p>;
  const end = x.stoppedAt ? Date.parse(x.stoppedAt) : now;
  return (
    <>
      <p><Link to="/sessions">← {t('sessions.title')}</Link></p>
      <h1>{t('session.title', { id: x.id })} <StatusBadge status={x.status} /></h1>
      <dl className="facts">
        <div><dt>{t('stations.station')}</dt><dd><Link to={`/stations/${encodeURIComponent(x.stationId)}`}>{x.stationId}</Link> · {t('fields.evse')} {x.evseId}</dd></div>
        <div><dt>{t('fields.idToken')}</dt><dd>{x.idToken ?? '—'}</dd></div>
        <div><dt>{t('sessions.started')}</dt><dd>{formatDateTime(x.startedAt)}</dd></div>
        <div><dt>{t('sessions.stopped')}</dt><dd>{formatDateTime(x.stoppedAt)}</dd></div>
        <div><dt>{t('session.duration')}</dt><dd>{formatDuration((end - Date.parse(x.startedAt)) / 1000)}</dd></div>
        <div><dt>{t('session.energy')}</dt><dd data-testid="session-energy">{formatEnergy(x.energyWh)}</dd></div>
        <div><dt>{t('session.power')}</dt><dd>{x.status === 'active' ? formatPower(s.lastPowerW) : '—'}</dd></div>
        <div><dt>{t('session.cost')}</dt><dd>{x.cost ? formatMoney(x.cost.inclVat, x.cost.currency) : '—'}</dd></div>
        {x.stopReason && <div><dt>{t('sessions.stopReason')}</dt><dd>{x.stopReason}</dd></div>}
        {x.ocppTransactionId && <div><dt>{t('session.ocppId')}</dt><dd><code>{x.ocppTransactionId}</code></dd></div>}
      </dl>
      <StopButton tx={x} onStopped={tx.reload} />
      <div className="columns">
        <section className="card">
          <TimeChart title={t('session.energyChart')} summary={formatEnergy(s.lastEnergyWh)} series={energySeries} data={[s.data[0], s.data[1]!]} emptyText={t('session.noMeterValues')} />
        </section>
        <section className="card">
          <TimeChart title={t('session.powerChart')} summary={formatPower(s.lastPowerW)} series={powerSeries} data={[s.data[0], s.data[2]!]} emptyText={t('session.noMeterValues')} />
        </section>
      </div>
      <details>
        <summary>{t('session.samples', { count: x.meterValues.length })}</summary>
        <JsonBlock value={x.meterValues} />
      </details>
      {x.events && x.events.length > 0 && (
        <details>
          <summary>{t('session.events', { count: x.events.length })}</summary>
          <JsonBlock value={x.events} />
        </details>
      )}
    </>
  );
}

/** Remote stop while the session is active; the charger's reply stays shown after it ended. */
function StopButton({ tx, onStopped }: { tx: Transaction; onStopped(): void }) {
  const { t } = useTranslation('console');
  const { send, results, busy } = useCommands(tx.stationId);
  const v2 = tx.ocppTransactionId !== null;
  const action = v2 ? 'RequestStopTransaction' : 'RemoteStopTransaction';
  if (tx.status !== 'active' && !results[action]) return null;
  return (
    <div className="card">
      {tx.status === 'active' && <button type="button" className="danger" disabled={busy !== null}
        onClick={() => void send(action, v2 ? { transactionId: tx.ocppTransactionId } : { transactionId: tx.id }).then(onStopped)}>
        {t('session.stop')}
      </button>}
      <CommandReply result={results[action]} />
    </div>
  );
}
