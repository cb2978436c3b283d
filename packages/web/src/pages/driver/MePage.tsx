import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { qs } from '../../api';
import { useLiveEvents } from '../../live';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Pager } from '../../components/Pager';
import { StatusBadge } from '../../components/StatusBadge';
import { TimeChart } from '../../components/TimeChart';
import { formatDateTime, formatDuration, formatEnergy, formatMoney, formatPower } from '../../components/format';
import { useApi, useThrottled } from '../../components/useApi';
import type { DriverSession, MonthlyStat } from './types';
import { useTicking } from './useTicking';
import '../map/common.css';
import './driver.css';

const LIMIT = 10;

/**
 * /me: the driver's charging at a glance: sessions in progress (live), history with paging,
 * energy and cost per month, CSV download, and their charging cards.
 */
export default function MePage() {
  const { t } = useTranslation('driver');
  const [offset, setOffset] = useState(0);
  const active = useApi<{ items: DriverSession[]; total: number }>('/api/v1/me/sessions?status=active&limit=20');
  const history = useApi<{ items: DriverSession[]; total: number }>(`/api/v1/me/sessions${qs({ limit: LIMIT, offset })}`);
  const monthly = useApi<{ items: MonthlyStat[] }>('/api/v1/me/stats/monthly?months=12');
  const tokens = useApi<{ items: { idToken: string; status: string }[] }>('/api/v1/me/id-tokens');
  const reloadActive = useThrottled(active.reload, 1000);
  const reloadAll = useThrottled(() => {
    active.reload();
    history.reload();
    monthly.reload();
  }, 1000);
  useLiveEvents((name) => {
    if (name === 'transaction.started' || name === 'transaction.stopped') reloadAll();
    else if (name === 'meter.values') reloadActive();
  });
  useEffect(() => {
    document.title = `${t('me.title')} · Voltlane`;
  }, [t]);

  return (
    <div className="driver">
      <div className="row spread">
        <h1>{t('me.title')}</h1>
        <Link className="button primary" to="/start">{t('me.startNew')}</Link>
      </div>
      <section aria-labelledby="active-title">
        <h2 id="active-title">{t('me.active')}</h2>
        <ErrorMessage error={active.error} />
        {active.data?.items.length === 0 && <p className="muted">{t('me.noActive')} <Link to="/map">{t('me.findStation')}</Link></p>}
        <div className="session-cards">
          {active.data?.items.map((s) => <ActiveCard key={s.id} session={s} />)}
        </div>
      </section>
      <MonthlyCharts stats={monthly.data?.items} error={monthly.error} />
      <section aria-labelledby="history-title">
        <div className="row spread">
          <h2 id="history-title">{t('me.history')}</h2>
          <a className="button" href="/api/v1/me/sessions.csv" download>{t('me.csv')}</a>
        </div>
        <ErrorMessage error={history.error} />
        <ul className="history" aria-busy={history.loading}>
          {history.data?.items.map((s) => (
            <li key={s.id}>
              <Link to={`/me/sessions/${s.id}`} className="history-item">
                <span className="history-main">
                  <strong>{formatDateTime(s.startedAt)}</strong>
                  <span className="muted">{s.stationId} · {t('me.evse', { evse: s.evseId })}</span>
                </span>
                <span className="history-figures">
                  <span>{formatEnergy(s.energyWh)}</span>
                  <span className="muted">{formatDuration(s.durationS)}</span>
                  <span>{formatMoney(s.costInclVat, s.currency)}</span>
                  <StatusBadge status={s.status} />
                </span>
              </Link>
            </li>
          ))}
        </ul>
        {history.data?.items.length === 0 && <p className="muted">{t('me.noHistory')}</p>}
        {history.data && <Pager total={history.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />}
      </section>
      <section aria-labelledby="cards-title">
        <h2 id="cards-title">{t('me.cards')}</h2>
        {tokens.data?.items.length === 0 && <p className="muted">{t('me.noCards')}</p>}
        <ul className="plain">
          {tokens.data?.items.map((x) => <li key={x.idToken}><code>{x.idToken}</code> <StatusBadge status={x.status} /></li>)}
        </ul>
      </section>
    </div>
  );
}

/** A session in progress: energy, power, duration (ticking) and cost so far. */
function ActiveCard({ session: s }: { session: DriverSession }) {
  const { t } = useTranslation('driver');
  const now = useTicking();
  return (
    <Link to={`/me/sessions/${s.id}`} className="card session-card" data-testid="active-session">
      <span className="muted">{s.stationId} · {t('me.evse', { evse: s.evseId })}</span>
      <span className="session-energy">{formatEnergy(s.energyWh)}</span>
      <span>{formatPower(s.powerW)} · {formatDuration((now - Date.parse(s.startedAt)) / 1000)}{s.costInclVat !== null ? ` · ${formatMoney(s.costInclVat, s.currency)}` : ''}</span>
      <span className="link-like">{t('me.follow')}</span>
    </Link>
  );
}

/** Energy (kWh) and cost per month as bar charts, with the same numbers as a table for screen readers and keyboard users. */
function MonthlyCharts({ stats, error }: { stats: MonthlyStat[] | undefined; error: unknown }) {
  const { t, i18n } = useTranslation('driver');
  // Twelve month labels do not fit a phone's width: the charts show the last six there (the table keeps all).
  const narrow = useNarrow();
  const shown = useMemo(() => (stats ?? []).slice(narrow ? -6 : 0), [stats, narrow]);
  const months = useMemo(() => shown.map((m) => monthLabel(m.month, i18n.resolvedLanguage ?? 'en', !narrow)), [shown, i18n.resolvedLanguage, narrow]);
  const tableMonths = useMemo(() => (stats ?? []).map((m) => monthLabel(m.month, i18n.resolvedLanguage ?? 'en', true)), [stats, i18n.resolvedLanguage]);
  const energySeries = useMemo(() => [{ label: t('me.energy'), unit: 'kWh', bars: true }], [t]);
  const currency = stats?.find((m) => m.currency)?.currency ?? null;
  const costSeries = useMemo(() => [{ label: t('me.cost'), unit: currency ?? '', bars: true, color: '#b54708' }], [t, currency]);
  if (error) return <ErrorMessage error={error} />;
  if (!stats) return null;
  const xs = shown.map((_, i) => i);
  const kwh = shown.map((m) => Math.round(m.energyWh / 10) / 100);
  // Only for drawing bars: the amounts stay decimal strings everywhere else.
  const cost = shown.map((m) => (m.costInclVat === null ? null : Number(m.costInclVat)));
  const total = stats.reduce((a, m) => a + m.energyWh, 0);
  return (
    <section aria-labelledby="monthly-title">
      <h2 id="monthly-title">{t('me.monthly')}</h2>
      <div className="columns">
        <div className="card">
          <TimeChart title={t('me.energyPerMonth')} summary={t('me.energyTotal', { energy: formatEnergy(total) })} series={energySeries} data={[xs, kwh]} categories={months} xLabel={t('me.month')} height={200} />
        </div>
        {currency && (
          <div className="card">
            <TimeChart title={t('me.costPerMonth')} summary={months.map((m, i) => `${m}: ${formatMoney(shown[i]!.costInclVat, shown[i]!.currency)}`).join(', ')} series={costSeries} data={[xs, cost]} categories={months} xLabel={t('me.month')} height={200} />
          </div>
        )}
      </div>
      <details>
        <summary>{t('me.asTable')}</summary>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('me.monthly')}</caption>
            <thead><tr><th scope="col">{t('me.month')}</th><th scope="col" className="num">{t('me.sessions')}</th><th scope="col" className="num">{t('me.energy')}</th><th scope="col" className="num">{t('me.cost')}</th></tr></thead>
            <tbody>
              {stats.map((m, i) => (
                <tr key={m.month}><td>{tableMonths[i]}</td><td className="num">{m.sessions}</td><td className="num">{formatEnergy(m.energyWh)}</td><td className="num">{formatMoney(m.costInclVat, m.currency)}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

/** Whether the viewport is phone-sized (follows rotation and resizing). */
function useNarrow(): boolean {
  const query = '(max-width: 600px)';
  const [narrow, setNarrow] = useState(() => matchMedia(query).matches);
  useEffect(() => {
    const m = matchMedia(query);
    const on = () => setNarrow(m.matches);
    m.addEventListener('change', on);
    return () => m.removeEventListener('change', on);
  }, []);
  return narrow;
}

/** "2026-03" → "Mar 26" (or "Mar" without the year) in the UI language. */
function monthLabel(month: string, lang: string, withYear: boolean): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(lang, { month: 'short', ...(withYear ? { year: '2-digit' as const } : {}), timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)));
}
