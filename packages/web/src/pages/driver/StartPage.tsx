import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api';
import { useAuth } from '../../auth';
import { useLiveEvents } from '../../live';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useApi, useThrottled } from '../../components/useApi';
import { ConnectorLine } from '../map/ConnectorLine';
import { STARTABLE, type DriverSession, type PublicStation, type StartReply } from './types';
import '../map/common.css';
import './driver.css';

/**
 * /start, /start/:stationId, /start/:stationId/:evseId: where a connector's QR code leads. Shows
 * the station and its connectors to anyone; a logged-in driver picks a connector and starts (remote
 * start with their id token), then follows the session live. Without an id in the URL: a form to
 * type the id printed on the charger.
 */
export default function StartPage() {
  const { stationId } = useParams();
  useTitle();
  return stationId ? <StationStart key={stationId} stationId={stationId} /> : <StartForm />;
}

function useTitle() {
  const { t } = useTranslation('driver');
  useEffect(() => {
    document.title = `${t('start.title')} · Voltlane`;
  }, [t]);
}

/** Typing the station id (and optionally the connector number) from the charger's label. */
function StartForm({ initial = '' }: { initial?: string }) {
  const { t } = useTranslation('driver');
  const navigate = useNavigate();
  const [id, setId] = useState(initial);
  const [evse, setEvse] = useState('');
  function submit(e: FormEvent) {
    e.preventDefault();
    const station = id.trim();
    if (!station) return;
    navigate(`/start/${encodeURIComponent(station)}${evse ? `/${Number(evse)}` : ''}`);
  }
  return (
    <section className="driver narrow">
      <h1>{t('start.title')}</h1>
      <p>{t('start.formIntro')}</p>
      <form className="stack" onSubmit={submit}>
        <label>
          {t('start.stationId')}
          <input required autoCapitalize="characters" autoComplete="off" spellCheck={false} value={id} onChange={(e) => setId(e.target.value)} maxLength={48} />
        </label>
        <label>
          {t('start.evseOptional')}
          <input type="number" inputMode="numeric" min={1} value={evse} onChange={(e) => setEvse(e.target.value)} />
        </label>
        <button type="submit" className="primary">{t('start.find')}</button>
      </form>
      <p><Link to="/map">{t('start.orMap')}</Link></p>
    </section>
  );
}

/** Reloads the station when its connectors change (logged-in users only: the event stream needs a login). */
function StationLive({ stationId, onChange }: { stationId: string; onChange(): void }) {
  useLiveEvents((name, data) => {
    if (data.stationId !== stationId) return;
    if (name === 'connector.status' || name === 'station.connected' || name === 'station.disconnected') onChange();
  });
  return null;
}

function StationStart({ stationId }: { stationId: string }) {
  const { t } = useTranslation('driver');
  const { me } = useAuth();
  const navigate = useNavigate();
  const { evseId: evseParam } = useParams();
  const station = useApi<PublicStation>(`/api/v1/public/stations/${encodeURIComponent(stationId)}/connectors`);
  const reload = useThrottled(station.reload, 500);
  const evses = useMemo(() => groupByEvse(station.data?.connectors ?? []), [station.data]);
  const [chosen, setChosen] = useState<number | null>(evseParam ? Number(evseParam) : null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [waiting, setWaiting] = useState(false);

  // No connector in the URL: preselect the first free one.
  useEffect(() => {
    if (chosen === null && evses.length) setChosen((evses.find((e) => e.startable) ?? evses[0]!).evseId);
  }, [evses, chosen]);

  // Accepted but the session has not begun yet (e.g. the car is not plugged in): watch for it.
  useEffect(() => {
    if (!waiting) return;
    const since = Date.now() - 10_000;
    const h = setInterval(() => {
      // Any status: a session the station ends at once (e.g. the card is refused) is shown too.
      api<{ items: DriverSession[] }>('/api/v1/me/sessions?limit=5')
        .then((r) => {
          const s = r.items.find((x) => x.stationId === stationId && Date.parse(x.startedAt) >= since);
          if (s) navigate(`/me/sessions/${s.id}`);
        })
        .catch(() => undefined);
    }, 2000);
    const stop = setTimeout(() => setWaiting(false), 120_000);
    return () => {
      clearInterval(h);
      clearTimeout(stop);
    };
  }, [waiting, stationId, navigate]);

  if (station.error && !station.data) {
    const missing = station.error instanceof ApiError && station.error.status === 404;
    return (
      <>
        {missing ? <p className="card notice" role="alert">{t('start.notFound', { id: stationId })}</p> : <ErrorMessage error={station.error} />}
        <StartForm initial={stationId} />
      </>
    );
  }
  const s = station.data;
  if (!s) return <p role="status">{t('common:loading')}</p>;
  const current = evses.find((e) => e.evseId === chosen);
  const here = `/start/${encodeURIComponent(stationId)}${chosen ? `/${chosen}` : ''}`;

  async function start() {
    if (!current) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await api<StartReply>('/api/v1/me/sessions', { method: 'POST', body: { stationId, evseId: current.evseId } });
      if (r.status !== 'Accepted') setError(new Error(t('start.rejected')));
      else if (r.transactionId) navigate(`/me/sessions/${r.transactionId}`);
      else setWaiting(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="driver narrow">
      {me && <StationLive stationId={stationId} onChange={reload} />}
      <h1>{s.name ?? s.stationId}</h1>
      <p className="muted">
        {s.name ? `${s.stationId} · ` : ''}
        <span className={`badge availability-${s.availability}`}>{t(`map:availability.${s.availability}`)}</span>
      </p>
      <fieldset className="evse-choice">
        <legend>{t('start.choose')}</legend>
        {evses.length === 0 && <p className="muted">{t('start.noConnectors')}</p>}
        {evses.map((e) => (
          <label key={e.evseId} className={`evse-option${e.evseId === chosen ? ' chosen' : ''}`}>
            <input type="radio" name="evse" value={e.evseId} checked={e.evseId === chosen} onChange={() => setChosen(e.evseId)} />
            <span className="evse-lines">
              {e.connectors.map((c) => <ConnectorLine key={c.connectorId} connector={c} />)}
            </span>
          </label>
        ))}
      </fieldset>
      {current && !current.startable && s.online && <p className="notice card" role="status">{t('start.notFree')}</p>}
      {!s.online && <p className="notice card" role="status">{t('start.offline')}</p>}
      {me === null && (
        <div className="card">
          <p>{t('start.loginFirst')}</p>
          <Link className="button primary" to={`/login?next=${encodeURIComponent(here)}`}>{t('start.login')}</Link>
        </div>
      )}
      {me && (
        <p>
          <button type="button" className="primary big" disabled={busy || waiting || !current || !s.online} onClick={() => void start()}>
            {busy ? t('start.starting') : t('start.start')}
          </button>
        </p>
      )}
      {waiting && <p className="card notice" role="status">{t('start.accepted')} <Link to="/me">{t('start.toMySessions')}</Link></p>}
      {error !== undefined && <StartError error={error} />}
    </section>
  );
}

/** Start failures in the driver's words (no id token, station offline, refused...). */
function StartError({ error }: { error: unknown }) {
  const { t } = useTranslation('driver');
  if (error instanceof ApiError && ['NO_ID_TOKEN', 'STATION_OFFLINE', 'CHARGER_TIMEOUT', 'STATION_NOT_FOUND'].includes(error.code)) {
    return <p className="error" role="alert">{t(`start.errors.${error.code}`)}</p>;
  }
  return <ErrorMessage error={error} />;
}

interface EvseGroup {
  evseId: number;
  startable: boolean;
  connectors: PublicStation['connectors'];
}

function groupByEvse(connectors: PublicStation['connectors']): EvseGroup[] {
  const groups = new Map<number, EvseGroup>();
  for (const c of connectors) {
    const g = groups.get(c.evseId) ?? { evseId: c.evseId, startable: false, connectors: [] };
    g.connectors.push(c);
    if (c.status === null || STARTABLE.has(c.status)) g.startable = true;
    groups.set(c.evseId, g);
  }
  return [...groups.values()];
}
