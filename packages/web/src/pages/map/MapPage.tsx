import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { qs } from '../../api';
import { useLiveEvents } from '../../live';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatPower } from '../../components/format';
import { useApi, useThrottled } from '../../components/useApi';
import { AVAILABILITIES, AVAILABILITY_COLORS, FILTER_TYPES, MIN_POWERS_KW, maxPower, type MapStation, type PublicConfig } from './types';
import { ConnectorLine, useConnectorType } from './ConnectorLine';
import './common.css';
import './map.css';

// MapLibre is large: it loads after the filters and the list are on screen.
const StationMap = lazy(() => import('./StationMap'));

/**
 * /map: every station with coordinates, clustered and coloured by availability; filters (available
 * now, connector type, minimum power) kept in the URL; the list beside the map is the keyboard and
 * screen-reader way to the same stations; a selected station shows its connectors and "Start
 * charging here". Colours follow connector.status and station connection events live.
 */
export default function MapPage() {
  const { t } = useTranslation('map');
  const typeLabel = useConnectorType();
  const [params, setParams] = useSearchParams();
  // Controls follow local state at once; the URL (shareable, kept on back) follows in a transition.
  const [filters, setFilters] = useState(() => ({ available: params.get('available') ?? '', type: params.get('type') ?? '', minPower: params.get('minPower') ?? '' }));
  const available = filters.available === '1';
  const { type, minPower } = filters;
  const selectedId = params.get('station');

  const config = useApi<PublicConfig>('/api/v1/public/config');
  const path = `/api/v1/map/stations${qs({ available: available ? 'true' : undefined, connectorType: type, minPowerKw: minPower })}`;
  const list = useApi<MapStation[]>(path);
  const reload = useThrottled(list.reload, 1000);
  useLiveEvents((name) => {
    if (name === 'connector.status' || name === 'station.connected' || name === 'station.disconnected' || name === 'station.booted') reload();
  });
  useEffect(() => {
    document.title = `${t('title')} · Voltlane`;
  }, [t]);

  const set = (patch: Record<string, string | null>) => {
    setFilters((f) => ({ ...f, ...Object.fromEntries(Object.entries(patch).filter(([k]) => k in f).map(([k, v]) => [k, v ?? ''])) }));
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  const stations = useMemo(() => list.data ?? [], [list.data]);
  const selected = stations.find((s) => s.id === selectedId) ?? null;

  return (
    <>
      <h1>{t('title')}</h1>
      <form className="filters row map-filters" role="search" aria-label={t('filters')} onSubmit={(e) => e.preventDefault()}>
        <label className="check">
          <input type="checkbox" checked={available} onChange={(e) => set({ available: e.target.checked ? '1' : null })} />
          {t('availableNow')}
        </label>
        <label>
          {t('connectorType')}
          <select value={type} onChange={(e) => set({ type: e.target.value || null })}>
            <option value="">{t('anyType')}</option>
            {FILTER_TYPES.map((x) => <option key={x} value={x}>{typeLabel(x)}</option>)}
          </select>
        </label>
        <label>
          {t('minPower')}
          <select value={minPower} onChange={(e) => set({ minPower: e.target.value || null })}>
            <option value="">{t('anyPower')}</option>
            {MIN_POWERS_KW.map((kw) => <option key={kw} value={String(kw)}>{t('atLeast', { power: formatPower(kw * 1000) })}</option>)}
          </select>
        </label>
      </form>
      <ul className="map-legend" aria-label={t('legend')}>
        {AVAILABILITIES.map((a) => (
          <li key={a}><span className="legend-dot" style={{ background: AVAILABILITY_COLORS[a] }} aria-hidden="true" />{t(`availability.${a}`)}</li>
        ))}
      </ul>
      <ErrorMessage error={list.error ?? config.error} />
      <p className="muted" role="status" aria-live="polite">
        {list.data ? t('count', { count: stations.length }) : t('common:loading')}
      </p>
      <div className="map-layout">
        {config.data || config.error ? (
          <Suspense fallback={<div className="map-box" role="status">{t('common:loading')}</div>}>
            <StationMap stations={stations} selectedId={selectedId} onSelect={(id) => set({ station: id })} styleUrl={config.data?.mapStyleUrl ?? null} />
          </Suspense>
        ) : <div className="map-box" role="status">{t('common:loading')}</div>}
        <aside className="map-side">
          {selected && <StationDetails station={selected} onClose={() => set({ station: null })} />}
          <h2 className="visually-hidden">{t('listTitle')}</h2>
          <ul className="map-list" aria-label={t('listTitle')}>
            {stations.map((s) => (
              <li key={s.id} data-station-id={s.id} data-availability={s.availability}>
                <button type="button" className="map-list-item" aria-pressed={s.id === selectedId} onClick={() => set({ station: s.id })}>
                  <span className="legend-dot" style={{ background: AVAILABILITY_COLORS[s.availability] }} aria-hidden="true" />
                  <span className="map-list-text">
                    <strong>{s.name ?? s.id}</strong>
                    <span className="muted">
                      {[s.city, t(`availability.${s.availability}`), maxPower(s.connectors) !== null ? t('upTo', { power: formatPower(maxPower(s.connectors)) }) : null].filter(Boolean).join(' · ')}
                    </span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {list.data && stations.length === 0 && <p className="muted">{t('none')}</p>}
        </aside>
      </div>
    </>
  );
}

/** The selected station: address, availability, connectors, and the way to start charging there. */
function StationDetails({ station: s, onClose }: { station: MapStation; onClose(): void }) {
  const { t } = useTranslation('map');
  const ref = useRef<HTMLElement>(null);
  // On a phone the panel is below the map: bring it into view when a marker is pressed.
  useEffect(() => {
    // Braces: newer browsers return a promise from smooth scrolling, which an effect must not return.
    void ref.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [s.id]);
  return (
    <section ref={ref} className="card map-details" aria-labelledby="map-details-title" aria-live="polite">
      <div className="row spread">
        <h2 id="map-details-title">{s.name ?? s.id}</h2>
        <button type="button" onClick={onClose} aria-label={t('close')}>×</button>
      </div>
      {(s.address || s.city) && <p className="muted">{[s.address, s.city].filter(Boolean).join(', ')}</p>}
      <p><span className={`badge availability-${s.availability}`}>{t(`availability.${s.availability}`)}</span> <span className="muted">{s.id}</span></p>
      <ul className="plain connector-lines">
        {s.connectors.map((c) => <li key={`${c.evseId}-${c.connectorId}`}><ConnectorLine connector={c} /></li>)}
      </ul>
      <p>
        <Link className="button primary" to={`/start/${encodeURIComponent(s.id)}`}>{t('startHere')}</Link>
      </p>
    </section>
  );
}
