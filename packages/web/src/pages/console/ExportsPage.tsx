import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, qs } from '../../api';
import { DataTable } from '../../components/DataTable';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Pager } from '../../components/Pager';
import { StatusBadge } from '../../components/StatusBadge';
import { dayStart, formatBytes, formatDate, formatDateTime, formatNumber, formatPercent } from '../../components/format';
import { useApi } from '../../components/useApi';
import type { ExportJob, List } from './types';

const LIMIT = 20;
const KINDS = ['sessions', 'cdrs', 'meter-values'] as const;
const FORMATS = ['csv', 'xlsx'] as const;
/** How often the list is read again while a job is queued or running. */
const POLL_MS = 1000;

/** /exports: start a CSV/XLSX export of sessions, CDRs or meter values; follow its progress; download it. */
export default function ExportsPage() {
  const { t } = useTranslation('console');
  const [offset, setOffset] = useState(0);
  const list = useApi<List<ExportJob>>(`/api/v1/exports${qs({ limit: LIMIT, offset })}`);
  const [error, setError] = useState<unknown>();
  const busy = list.data?.items.some((j) => j.status === 'queued' || j.status === 'running') ?? false;
  const { reload } = list;
  // Poll only while something is in progress; a finished list stays still.
  useEffect(() => {
    if (!busy || list.loading) return;
    const timer = setTimeout(reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [busy, list.loading, list.data, reload]);
  useEffect(() => {
    document.title = `${t('exports.title')} · Voltlane`;
  }, [t]);

  async function remove(job: ExportJob) {
    if (!window.confirm(t('exports.deleteConfirm', { id: job.id }))) return;
    setError(undefined);
    try {
      await api(`/api/v1/exports/${job.id}`, { method: 'DELETE' });
      list.reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <>
      <h1>{t('exports.title')}</h1>
      <CreateExport onCreated={() => { setOffset(0); list.reload(); }} />
      <h2 id="jobs-h">{t('exports.jobs')}</h2>
      <ErrorMessage error={error ?? list.error} />
      <DataTable
        caption={t('exports.jobs')}
        captionHidden
        rows={list.data?.items}
        rowKey={(j) => j.id}
        empty={t('exports.none')}
        columns={[
          { key: 'id', header: t('exports.id'), render: (j) => j.id },
          { key: 'kind', header: t('exports.kind'), render: (j) => `${t(`exports.kinds.${j.kind}`)} · ${j.format.toUpperCase()}` },
          { key: 'filter', header: t('exports.filter'), render: (j) => <FilterSummary job={j} /> },
          { key: 'created', header: t('fields.created'), render: (j) => formatDateTime(j.createdAt) },
          {
            key: 'status', header: t('fields.status'),
            render: (j) => (
              <span data-testid={`export-${j.id}`}>
                <StatusBadge status={j.status} />
                {j.error && <span className="error"> {j.error}</span>}
              </span>
            ),
          },
          {
            key: 'progress', header: t('exports.progress'),
            render: (j) => (
              <span className="row nowrap">
                <progress max={1} value={j.progress} aria-label={t('exports.progress')} />
                <span>{formatPercent(j.progress)}</span>
              </span>
            ),
          },
          {
            key: 'rows', header: t('exports.rows'), numeric: true,
            render: (j) => (j.totalRows === null || j.status === 'done' ? formatNumber(j.rows) : t('exports.rowsOf', { rows: formatNumber(j.rows), total: formatNumber(j.totalRows) })),
          },
          { key: 'size', header: t('exports.size'), numeric: true, render: (j) => formatBytes(j.sizeBytes) },
          {
            key: 'act', header: <span className="visually-hidden">{t('fields.actions')}</span>,
            render: (j) => (
              <span className="row nowrap">
                {j.status === 'done' && (
                  <a href={`/api/v1/exports/${j.id}/download`} download aria-label={t('exports.downloadNamed', { id: j.id })}>{t('exports.download')}</a>
                )}
                <button type="button" className="danger" onClick={() => void remove(j)} aria-label={t('exports.deleteNamed', { id: j.id })}>{t('actions.delete')}</button>
              </span>
            ),
          },
        ]}
      />
      {list.data && <Pager total={list.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />}
    </>
  );
}

/** The job's period and station in words. */
function FilterSummary({ job }: { job: ExportJob }) {
  const { t } = useTranslation('console');
  const f = job.filter;
  const period = f.from || f.to ? periodText(f.from, f.to) : t('exports.allTime');
  return (
    <>
      {period}
      {f.stationId && <> · <Link to={`/stations/${encodeURIComponent(f.stationId)}`}>{f.stationId}</Link></>}
      {f.userId !== undefined && <> · {t('idTokens.owner')} #{f.userId}</>}
      {f.partner && <> · {f.partner}</>}
    </>
  );
}

/**
 * A period as the form asked for it: whole local days show as dates with the last day included
 * (the API's `to` is exclusive), other bounds as date and time.
 */
function periodText(from: string | undefined, to: string | undefined): string {
  const midnight = (iso: string | undefined) => {
    if (!iso) return true;
    const d = new Date(iso);
    return d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0 && d.getMilliseconds() === 0;
  };
  if (midnight(from) && midnight(to)) {
    const last = to ? new Date(new Date(to).getTime() - 1).toISOString() : undefined;
    return `${from ? formatDate(from) : '…'} – ${last ? formatDate(last) : '…'}`;
  }
  return `${from ? formatDateTime(from) : '…'} – ${to ? formatDateTime(to) : '…'}`;
}

function CreateExport({ onCreated }: { onCreated(): void }) {
  const { t } = useTranslation('console');
  const [f, setF] = useState<{ kind: string; format: string; from: string; to: string; stationId: string }>({ kind: 'sessions', format: 'csv', from: '', to: '', stationId: '' });
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setNotice(null);
    // Days are the user's local days; "to" includes its whole day (the API's `to` is exclusive).
    const from = dayStart(f.from);
    const to = dayStart(f.to, 1);
    const stationId = f.stationId.trim();
    const filter = { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(stationId ? { stationId } : {}) };
    try {
      const job = await api<ExportJob>('/api/v1/exports', { method: 'POST', body: { kind: f.kind, format: f.format, filter } });
      setNotice(t('exports.started', { id: job.id }));
      onCreated();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section className="card" aria-labelledby="create-export-h">
      <h2 id="create-export-h">{t('exports.create')}</h2>
      <form className="row filters" onSubmit={(e) => void submit(e)}>
        <label>
          {t('exports.kind')}
          <select value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value })}>
            {KINDS.map((k) => <option key={k} value={k}>{t(`exports.kinds.${k}`)}</option>)}
          </select>
        </label>
        <label>
          {t('exports.format')}
          <select value={f.format} onChange={(e) => setF({ ...f, format: e.target.value })}>
            {FORMATS.map((x) => <option key={x} value={x}>{x.toUpperCase()}</option>)}
          </select>
        </label>
        <label>{t('exports.from')} <input type="date" value={f.from} max={f.to || undefined} onChange={(e) => setF({ ...f, from: e.target.value })} /></label>
        <label>{t('exports.to')} <input type="date" value={f.to} min={f.from || undefined} onChange={(e) => setF({ ...f, to: e.target.value })} /></label>
        <label>{t('exports.stationId')} <input value={f.stationId} maxLength={255} onChange={(e) => setF({ ...f, stationId: e.target.value })} /></label>
        <button type="submit" className="primary">{t('exports.start')}</button>
      </form>
      <p className="muted">{t('exports.periodHint')}</p>
      <ErrorMessage error={error} />
      {notice && <p role="status" className="ok">{notice}</p>}
    </section>
  );
}
