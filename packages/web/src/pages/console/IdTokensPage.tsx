import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, qs } from '../../api';
import { useAuth } from '../../auth';
import { DataTable } from '../../components/DataTable';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Pager } from '../../components/Pager';
import { StatusBadge } from '../../components/StatusBadge';
import { formatDateTime } from '../../components/format';
import { useApi } from '../../components/useApi';
import type { IdToken, List, User } from './types';

const LIMIT = 50;
const STATUSES = ['Accepted', 'Blocked', 'Expired', 'Invalid', 'NoCredit'];
const TYPES = ['Central', 'eMAID', 'ISO14443', 'ISO15693', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'];

/** /id-tokens: search (`?q=` from the top bar's search), create, block/unblock, set the owning user, delete. */
export default function IdTokensPage() {
  const { t } = useTranslation('console');
  const { me } = useAuth();
  const [params] = useSearchParams();
  const urlQ = params.get('q') ?? '';
  const [q, setQ] = useState(urlQ);
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  useEffect(() => {
    setQ(urlQ);
    setOffset(0);
  }, [urlQ]);
  const list = useApi<List<IdToken>>(`/api/v1/id-tokens${qs({ q, status, limit: LIMIT, offset })}`);
  // Only admins may list users; operators set an owner by user id.
  const users = useApi<List<User>>(me?.role === 'admin' ? '/api/v1/users?limit=1000' : null);
  const [error, setError] = useState<unknown>();
  const [owner, setOwner] = useState<{ idToken: string; value: string } | null>(null);
  useEffect(() => {
    document.title = `${t('idTokens.title')} · Voltlane`;
  }, [t]);

  async function patch(idToken: string, body: Record<string, unknown>) {
    setError(undefined);
    try {
      await api(`/api/v1/id-tokens/${encodeURIComponent(idToken)}`, { method: 'PATCH', body });
      list.reload();
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  }
  async function remove(idToken: string) {
    if (!window.confirm(t('idTokens.deleteConfirm', { idToken }))) return;
    setError(undefined);
    try {
      await api(`/api/v1/id-tokens/${encodeURIComponent(idToken)}`, { method: 'DELETE' });
      list.reload();
    } catch (e) {
      setError(e);
    }
  }
  const userLabel = (id: number | null | undefined) => {
    if (id === null || id === undefined) return '—';
    const u = users.data?.items.find((x) => x.id === id);
    return u ? `${u.name ?? u.email} (#${id})` : `#${id}`;
  };

  return (
    <>
      <h1>{t('idTokens.title')}</h1>
      <CreateIdToken onCreated={list.reload} />
      <form className="row filters" role="search" aria-label={t('idTokens.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>{t('actions.search')} <input type="search" value={q} onChange={(e) => { setQ(e.target.value); setOffset(0); }} /></label>
        <label>
          {t('fields.status')}
          <select value={status} onChange={(e) => { setStatus(e.target.value); setOffset(0); }}>
            <option value="">{t('filters.all')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`common:status.${s}`)}</option>)}
          </select>
        </label>
      </form>
      <ErrorMessage error={error ?? list.error} />
      <DataTable
        caption={t('idTokens.title')}
        captionHidden
        rows={list.data?.items}
        rowKey={(x) => x.idToken}
        empty={t('idTokens.none')}
        columns={[
          { key: 'token', header: t('fields.idToken'), render: (x) => <code>{x.idToken}</code> },
          { key: 'status', header: t('fields.status'), render: (x) => <StatusBadge status={x.status} /> },
          { key: 'type', header: t('fields.idTokenType'), render: (x) => x.type ?? t('idTokens.anyType') },
          { key: 'parent', header: t('idTokens.parent'), render: (x) => x.parentIdToken ?? '—' },
          { key: 'expires', header: t('idTokens.expires'), render: (x) => formatDateTime(x.expiresAt) },
          {
            key: 'owner', header: t('idTokens.owner'),
            render: (x) => owner?.idToken === x.idToken ? (
              <form className="row" onSubmit={(e: FormEvent) => { e.preventDefault(); void patch(x.idToken, { userId: owner.value ? Number(owner.value) : null }).then((ok) => ok && setOwner(null)); }}>
                {users.data ? (
                  <label>
                    <span className="visually-hidden">{t('idTokens.ownerOf', { idToken: x.idToken })}</span>
                    <select value={owner.value} onChange={(e) => setOwner({ idToken: x.idToken, value: e.target.value })} autoFocus>
                      <option value="">{t('idTokens.noOwner')}</option>
                      {users.data.items.map((u) => <option key={u.id} value={u.id}>{u.name ? `${u.name} <${u.email}>` : u.email} · {t(`roles.${u.role}`)}</option>)}
                    </select>
                  </label>
                ) : (
                  <label>
                    <span className="visually-hidden">{t('idTokens.ownerIdOf', { idToken: x.idToken })}</span>
                    <input type="number" min={1} inputMode="numeric" placeholder={t('idTokens.userId')} value={owner.value} onChange={(e) => setOwner({ idToken: x.idToken, value: e.target.value })} autoFocus />
                  </label>
                )}
                <button type="submit" className="primary">{t('actions.save')}</button>
                <button type="button" onClick={() => setOwner(null)}>{t('actions.cancel')}</button>
              </form>
            ) : (
              <span className="row">
                {userLabel(x.userId)}
                <button type="button" onClick={() => setOwner({ idToken: x.idToken, value: x.userId ? String(x.userId) : '' })} aria-label={t('idTokens.changeOwnerOf', { idToken: x.idToken })}>{t('actions.change')}</button>
              </span>
            ),
          },
          {
            key: 'act', header: <span className="visually-hidden">{t('fields.actions')}</span>,
            render: (x) => (
              <span className="row">
                {x.status === 'Blocked'
                  ? <button type="button" onClick={() => void patch(x.idToken, { status: 'Accepted' })} aria-label={t('idTokens.unblockNamed', { idToken: x.idToken })}>{t('idTokens.unblock')}</button>
                  : <button type="button" onClick={() => void patch(x.idToken, { status: 'Blocked' })} aria-label={t('idTokens.blockNamed', { idToken: x.idToken })}>{t('idTokens.block')}</button>}
                <button type="button" className="danger" onClick={() => void remove(x.idToken)} aria-label={t('idTokens.deleteNamed', { idToken: x.idToken })}>{t('actions.delete')}</button>
              </span>
            ),
          },
        ]}
      />
      {list.data && <Pager total={list.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />}
    </>
  );
}

function CreateIdToken({ onCreated }: { onCreated(): void }) {
  const { t } = useTranslation('console');
  const [f, setF] = useState({ idToken: '', status: 'Accepted', type: '', expiresAt: '', parentIdToken: '' });
  const [error, setError] = useState<unknown>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      await api('/api/v1/id-tokens', {
        method: 'POST',
        body: {
          idToken: f.idToken.trim(), status: f.status,
          ...(f.type ? { type: f.type } : {}),
          ...(f.expiresAt ? { expiresAt: new Date(f.expiresAt).toISOString() } : {}),
          ...(f.parentIdToken.trim() ? { parentIdToken: f.parentIdToken.trim() } : {}),
        },
      });
      setF({ ...f, idToken: '', parentIdToken: '' });
      onCreated();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <details className="card">
      <summary>{t('idTokens.create')}</summary>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <label>{t('fields.idToken')} <input required maxLength={36} value={f.idToken} onChange={(e) => setF({ ...f, idToken: e.target.value })} /></label>
        <label>
          {t('fields.status')}
          <select value={f.status} onChange={(e) => setF({ ...f, status: e.target.value })}>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`common:status.${s}`)}</option>)}
          </select>
        </label>
        <label>
          {t('fields.idTokenType')}
          <select value={f.type} onChange={(e) => setF({ ...f, type: e.target.value })}>
            <option value="">{t('idTokens.anyType')}</option>
            {TYPES.map((x) => <option key={x} value={x}>{x}</option>)}
          </select>
        </label>
        <label>{t('idTokens.expires')} <input type="datetime-local" value={f.expiresAt} onChange={(e) => setF({ ...f, expiresAt: e.target.value })} /></label>
        <label>{t('idTokens.parent')} <input maxLength={36} value={f.parentIdToken} onChange={(e) => setF({ ...f, parentIdToken: e.target.value })} /></label>
        <ErrorMessage error={error} />
        <button type="submit" className="primary">{t('actions.create')}</button>
      </form>
    </details>
  );
}
