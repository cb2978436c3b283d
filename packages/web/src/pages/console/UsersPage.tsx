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
import type { List, User } from './types';

const LIMIT = 50;
const ROLES = ['admin', 'operator', 'driver'] as const;
const MIN_PASSWORD = 10;

/** /users (admins): search, create, change role, disable/enable, reset password; `?id=` shows one user (the top bar's search links here). */
export default function UsersPage() {
  const { t } = useTranslation('console');
  const { me } = useAuth();
  const [params] = useSearchParams();
  const userId = params.get('id');
  const [q, setQ] = useState('');
  const [role, setRole] = useState('');
  const [offset, setOffset] = useState(0);
  const admin = me?.role === 'admin';
  useEffect(() => {
    // The list is searched by email or name: look the user up to fill the search box with their email.
    if (!admin || !userId || !/^\d+$/.test(userId)) return;
    const ctrl = new AbortController();
    api<User>(`/api/v1/users/${userId}`, { signal: ctrl.signal }).then((u) => {
      setQ(u.email);
      setRole('');
      setOffset(0);
    }).catch(() => undefined);
    return () => ctrl.abort();
  }, [admin, userId]);
  const [error, setError] = useState<unknown>();
  const [reset, setReset] = useState<{ id: number; password: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = useApi<List<User>>(me?.role === 'admin' ? `/api/v1/users${qs({ q, role, limit: LIMIT, offset })}` : null);
  useEffect(() => {
    document.title = `${t('users.title')} · Voltlane`;
  }, [t]);
  if (me?.role !== 'admin') return <><h1>{t('users.title')}</h1><p className="notice card">{t('users.adminsOnly')}</p></>;

  async function patch(u: User, body: Record<string, unknown>, done?: string) {
    setError(undefined);
    setNotice(null);
    try {
      await api(`/api/v1/users/${u.id}`, { method: 'PATCH', body });
      list.reload();
      if (done) setNotice(done);
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  }
  return (
    <>
      <h1>{t('users.title')}</h1>
      <CreateUser onCreated={list.reload} />
      <form className="row filters" role="search" aria-label={t('users.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>{t('actions.search')} <input type="search" value={q} onChange={(e) => { setQ(e.target.value); setOffset(0); }} /></label>
        <label>
          {t('users.role')}
          <select value={role} onChange={(e) => { setRole(e.target.value); setOffset(0); }}>
            <option value="">{t('filters.all')}</option>
            {ROLES.map((r) => <option key={r} value={r}>{t(`roles.${r}`)}</option>)}
          </select>
        </label>
      </form>
      <ErrorMessage error={error ?? list.error} />
      {notice && <p role="status" className="ok">{notice}</p>}
      <DataTable
        caption={t('users.title')}
        captionHidden
        rows={list.data?.items}
        rowKey={(u) => u.id}
        empty={t('users.none')}
        columns={[
          { key: 'id', header: '#', render: (u) => u.id },
          { key: 'email', header: t('fields.email'), render: (u) => u.email },
          { key: 'name', header: t('fields.name'), render: (u) => u.name ?? '—' },
          {
            key: 'role', header: t('users.role'),
            render: (u) => (
              <label>
                <span className="visually-hidden">{t('users.roleOf', { email: u.email })}</span>
                <select value={u.role} disabled={u.id === me.id} onChange={(e) => void patch(u, { role: e.target.value }, t('users.roleChanged', { email: u.email }))}>
                  {ROLES.map((r) => <option key={r} value={r}>{t(`roles.${r}`)}</option>)}
                </select>
              </label>
            ),
          },
          { key: 'state', header: t('fields.status'), render: (u) => <StatusBadge status={u.disabled ? 'disabled' : 'active'} /> },
          { key: 'created', header: t('fields.created'), render: (u) => formatDateTime(u.createdAt) },
          {
            key: 'act', header: <span className="visually-hidden">{t('fields.actions')}</span>,
            render: (u) => reset?.id === u.id ? (
              <form className="row" onSubmit={(e: FormEvent) => { e.preventDefault(); void patch(u, { password: reset.password }, t('users.passwordReset', { email: u.email })).then((ok) => ok && setReset(null)); }}>
                <label>
                  <span className="visually-hidden">{t('users.newPasswordFor', { email: u.email })}</span>
                  <input type="password" autoComplete="new-password" required minLength={MIN_PASSWORD} placeholder={t('fields.newPassword')} value={reset.password} onChange={(e) => setReset({ id: u.id, password: e.target.value })} autoFocus />
                </label>
                <button type="submit" className="primary">{t('actions.save')}</button>
                <button type="button" onClick={() => setReset(null)}>{t('actions.cancel')}</button>
              </form>
            ) : (
              <span className="row">
                <button type="button" onClick={() => setReset({ id: u.id, password: '' })} aria-label={t('users.resetPasswordOf', { email: u.email })}>{t('users.resetPassword')}</button>
                {u.id !== me.id && (
                  <button type="button" className={u.disabled ? undefined : 'danger'} onClick={() => void patch(u, { disabled: !u.disabled })}
                    aria-label={t(u.disabled ? 'users.enableNamed' : 'users.disableNamed', { email: u.email })}>
                    {u.disabled ? t('users.enable') : t('users.disable')}
                  </button>
                )}
              </span>
            ),
          },
        ]}
      />
      {list.data && <Pager total={list.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />}
    </>
  );
}

function CreateUser({ onCreated }: { onCreated(): void }) {
  const { t } = useTranslation('console');
  const [f, setF] = useState({ email: '', name: '', role: 'driver', password: '' });
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setDone(null);
    try {
      await api('/api/v1/users', { method: 'POST', body: { email: f.email.trim(), role: f.role, password: f.password, ...(f.name.trim() ? { name: f.name.trim() } : {}) } });
      setDone(t('users.created', { email: f.email.trim() }));
      setF({ email: '', name: '', role: f.role, password: '' });
      onCreated();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <details className="card">
      <summary>{t('users.create')}</summary>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <label>{t('fields.email')} <input type="email" required autoComplete="off" value={f.email} onChange={(e) => setF({ ...f, email: e.target.value })} /></label>
        <label>{t('fields.name')} <input maxLength={200} value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} /></label>
        <label>
          {t('users.role')}
          <select value={f.role} onChange={(e) => setF({ ...f, role: e.target.value })}>
            {ROLES.map((r) => <option key={r} value={r}>{t(`roles.${r}`)}</option>)}
          </select>
        </label>
        <label>{t('fields.password')} <input type="password" autoComplete="new-password" required minLength={MIN_PASSWORD} value={f.password} onChange={(e) => setF({ ...f, password: e.target.value })} /></label>
        <p className="muted">{t('fields.passwordRule', { count: MIN_PASSWORD })}</p>
        <ErrorMessage error={error} />
        {done && <p role="status" className="ok">{done}</p>}
        <button type="submit" className="primary">{t('actions.create')}</button>
      </form>
    </details>
  );
}
