import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, qs } from '../../api';
import { DataTable } from '../../components/DataTable';
import { ErrorMessage } from '../../components/ErrorMessage';
import { JsonBlock } from '../../components/JsonBlock';
import { Pager } from '../../components/Pager';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime } from '../../components/format';
import { useApi } from '../../components/useApi';
import type { List, Reservation } from './types';
import { CommandReply } from './station/CommandReply';
import { useCommands } from './station/command';

const LIMIT = 50;
const STATUSES = ['Requested', 'Active', 'Used', 'Cancelled', 'Expired', 'Rejected'];

/** /reservations: list, reserve a connector (ReserveNow) and cancel (CancelReservation), with the charger's replies. */
export default function ReservationsPage() {
  const { t } = useTranslation('console');
  const [stationId, setStationId] = useState('');
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  const list = useApi<List<Reservation>>(`/api/v1/reservations${qs({ stationId: stationId.trim(), status, limit: LIMIT, offset })}`);
  useEffect(() => {
    document.title = `${t('reservations.title')} · Voltlane`;
  }, [t]);
  return (
    <>
      <h1>{t('reservations.title')}</h1>
      <Reserve onDone={list.reload} />
      <form className="row filters" role="search" aria-label={t('reservations.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>{t('stations.station')} <input value={stationId} onChange={(e) => { setStationId(e.target.value); setOffset(0); }} /></label>
        <label>
          {t('fields.status')}
          <select value={status} onChange={(e) => { setStatus(e.target.value); setOffset(0); }}>
            <option value="">{t('filters.all')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`common:status.${s}`)}</option>)}
          </select>
        </label>
      </form>
      <ErrorMessage error={list.error} />
      <DataTable
        caption={t('reservations.title')}
        captionHidden
        rows={list.data?.items}
        rowKey={(r) => r.id}
        empty={t('reservations.none')}
        columns={[
          { key: 'id', header: t('reservations.id'), render: (r) => r.id },
          { key: 'station', header: t('stations.station'), render: (r) => <Link to={`/stations/${encodeURIComponent(r.stationId)}`}>{r.stationId}</Link> },
          { key: 'connector', header: t('fields.evse'), render: (r) => (r.connectorId === 0 ? t('reservations.any') : r.connectorId) },
          { key: 'token', header: t('fields.idToken'), render: (r) => r.idToken },
          { key: 'expires', header: t('idTokens.expires'), render: (r) => formatDateTime(r.expiresAt) },
          { key: 'status', header: t('fields.status'), render: (r) => <StatusBadge status={r.status} /> },
          { key: 'tx', header: t('reservations.session'), render: (r) => (r.transactionId ? <Link to={`/sessions/${r.transactionId}`}>{r.transactionId}</Link> : '—') },
          { key: 'act', header: <span className="visually-hidden">{t('fields.actions')}</span>, render: (r) => (r.status === 'Active' || r.status === 'Requested') && <Cancel reservation={r} onDone={list.reload} /> },
        ]}
      />
      {list.data && <Pager total={list.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />}
    </>
  );
}

function Cancel({ reservation, onDone }: { reservation: Reservation; onDone(): void }) {
  const { t } = useTranslation('console');
  const { send, results, busy } = useCommands(reservation.stationId);
  return (
    <>
      <button type="button" disabled={busy !== null} onClick={() => void send('CancelReservation', { reservationId: reservation.id }).then(onDone)}
        aria-label={t('reservations.cancelNamed', { id: reservation.id })}>
        {t('reservations.cancel')}
      </button>
      <CommandReply result={results.CancelReservation} />
    </>
  );
}

function Reserve({ onDone }: { onDone(): void }) {
  const { t } = useTranslation('console');
  const inOneHour = new Date(Date.now() + 3600_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  const [f, setF] = useState({ stationId: '', connectorId: '1', idToken: '', expiresAt: inOneHour });
  const [reply, setReply] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setReply(undefined);
    try {
      const r = await api(`/api/v1/stations/${encodeURIComponent(f.stationId.trim())}/reservations`, {
        method: 'POST',
        body: { connectorId: Number(f.connectorId), idToken: f.idToken.trim(), expiresAt: new Date(f.expiresAt).toISOString() },
      });
      setReply(r);
      onDone();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <details className="card">
      <summary>{t('reservations.create')}</summary>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <label>{t('stations.station')} <input required value={f.stationId} onChange={(e) => setF({ ...f, stationId: e.target.value })} /></label>
        <label>{t('reservations.connectorOrEvse')} <input type="number" min={0} required value={f.connectorId} onChange={(e) => setF({ ...f, connectorId: e.target.value })} /></label>
        <label>{t('fields.idToken')} <input required maxLength={36} value={f.idToken} onChange={(e) => setF({ ...f, idToken: e.target.value })} /></label>
        <label>{t('idTokens.expires')} <input type="datetime-local" required value={f.expiresAt} onChange={(e) => setF({ ...f, expiresAt: e.target.value })} /></label>
        <ErrorMessage error={error} />
        <button type="submit" className="primary">{t('reservations.reserve')}</button>
      </form>
      {reply !== undefined && <div role="status"><p>{t('commands.reply')}</p><JsonBlock value={reply} /></div>}
    </details>
  );
}
