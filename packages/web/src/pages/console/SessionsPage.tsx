import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { qs } from '../../api';
import { useLiveEvents } from '../../live';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Pager } from '../../components/Pager';
import { useApi, useThrottled } from '../../components/useApi';
import { dayStart } from '../../components/format';
import { SessionTable } from './StationPage';
import type { List, Transaction } from './types';

const LIMIT = 50;

/** /sessions: every charging session, newest first, filtered by station, status, id token and start day; live. */
export default function SessionsPage() {
  const { t } = useTranslation('console');
  const [params, setParams] = useSearchParams();
  const stationId = params.get('stationId') ?? '';
  const status = params.get('status') ?? '';
  const idToken = params.get('idToken') ?? '';
  // Days in the browser's time zone, kept in the URL as YYYY-MM-DD; "to" includes its whole day.
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const [draft, setDraft] = useState({ stationId, idToken });
  const list = useApi<List<Transaction>>(`/api/v1/transactions${qs({ stationId, status, idToken, from: dayStart(from), to: dayStart(to, 1), limit: LIMIT, offset })}`);
  const reload = useThrottled(list.reload, 2000);
  useLiveEvents((name) => {
    if (name === 'transaction.started' || name === 'transaction.stopped' || name === 'meter.values') reload();
  });
  useEffect(() => {
    document.title = `${t('sessions.title')} · Voltlane`;
  }, [t]);
  function update(p: Record<string, string>) {
    const n = new URLSearchParams(params);
    for (const [k, v] of Object.entries(p)) {
      if (v.trim()) n.set(k, v.trim());
      else n.delete(k);
    }
    if (!('offset' in p)) n.delete('offset');
    setParams(n, { replace: true });
  }
  return (
    <>
      <h1>{t('sessions.title')}</h1>
      <form className="row filters" role="search" aria-label={t('sessions.filters')} onSubmit={(e) => { e.preventDefault(); update(draft); }}>
        <label>
          {t('stations.station')} <input value={draft.stationId} onChange={(e) => setDraft({ ...draft, stationId: e.target.value })} />
        </label>
        <label>
          {t('fields.idToken')} <input value={draft.idToken} onChange={(e) => setDraft({ ...draft, idToken: e.target.value })} />
        </label>
        <label>
          {t('fields.status')}
          <select value={status} onChange={(e) => update({ status: e.target.value })}>
            <option value="">{t('filters.all')}</option>
            <option value="active">{t('common:status.active')}</option>
            <option value="completed">{t('common:status.completed')}</option>
          </select>
        </label>
        <label>
          {t('sessions.from')} <input type="date" value={from} max={to || undefined} onChange={(e) => update({ from: e.target.value })} />
        </label>
        <label>
          {t('sessions.to')} <input type="date" value={to} min={from || undefined} onChange={(e) => update({ to: e.target.value })} />
        </label>
        <button type="submit">{t('actions.search')}</button>
      </form>
      <ErrorMessage error={list.error} />
      <SessionTable rows={list.data?.items} showStation />
      {list.data && <Pager total={list.data.total} limit={LIMIT} offset={offset} onChange={(o) => update({ offset: String(o) })} />}
    </>
  );
}
