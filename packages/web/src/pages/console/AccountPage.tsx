import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { LANGUAGES } from '../../i18n';
import { DataTable } from '../../components/DataTable';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatDateTime } from '../../components/format';
import { useApi } from '../../components/useApi';

interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** /account (every role): profile and language, password change, personal API tokens. */
export default function AccountPage() {
  const { t } = useTranslation('console');
  const { me } = useAuth();
  useEffect(() => {
    document.title = `${t('account.title')} · Voltlane`;
  }, [t]);
  return (
    <>
      <h1>{t('account.title')}</h1>
      {me && <p className="muted">{t('account.signedInAs', { email: me.email, role: t(`roles.${me.role}`) })}</p>}
      <div className="columns">
        <Profile />
        <PasswordForm />
      </div>
      <ApiTokens />
    </>
  );
}

function Profile() {
  const { t, i18n } = useTranslation('console');
  const { me, refresh } = useAuth();
  const [name, setName] = useState(me?.name ?? '');
  const [locale, setLocale] = useState(i18n.resolvedLanguage ?? 'en');
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    setSaved(false);
    try {
      await api('/api/v1/me', { method: 'PATCH', body: { name: name.trim() || null, locale } });
      await i18n.changeLanguage(locale);
      await refresh();
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section className="card" aria-labelledby="profile-h">
      <h2 id="profile-h">{t('account.profile')}</h2>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <label>
          {t('fields.name')}
          <input autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('common:language')}
          <select value={locale} onChange={(e) => setLocale(e.target.value)}>
            {LANGUAGES.map((l) => <option key={l.code} value={l.code}>{l.label}</option>)}
          </select>
        </label>
        <ErrorMessage error={error} />
        {saved && <p role="status" className="ok">{t('account.saved')}</p>}
        <button type="submit" className="primary">{t('actions.save')}</button>
      </form>
    </section>
  );
}

function PasswordForm() {
  const { t } = useTranslation('console');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const mismatch = confirm !== '' && confirm !== next;
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (next !== confirm) return;
    setError(undefined);
    setDone(false);
    try {
      await api('/api/v1/me/password', { method: 'POST', body: { currentPassword: current, newPassword: next } });
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section className="card" aria-labelledby="password-h">
      <h2 id="password-h">{t('account.password')}</h2>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <label>
          {t('fields.currentPassword')}
          <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label>
          {t('fields.newPassword')}
          <input type="password" autoComplete="new-password" required minLength={10} value={next} onChange={(e) => setNext(e.target.value)} />
        </label>
        <p className="muted">{t('fields.passwordRule', { count: 10 })}</p>
        <label>
          {t('fields.confirmPassword')}
          <input type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} aria-invalid={mismatch} />
        </label>
        {mismatch && <p className="error" role="alert">{t('fields.passwordsDiffer')}</p>}
        <ErrorMessage error={error} />
        {done && <p role="status" className="ok">{t('account.passwordChanged')}</p>}
        <button type="submit" className="primary" disabled={mismatch}>{t('account.changePassword')}</button>
      </form>
    </section>
  );
}

function ApiTokens() {
  const { t } = useTranslation('console');
  const tokens = useApi<{ items: ApiToken[] }>('/api/v1/me/api-tokens');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [error, setError] = useState<unknown>();
  async function create(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await api<{ name: string; token: string }>('/api/v1/me/api-tokens', { method: 'POST', body: { name: name.trim() } });
      setCreated(r);
      setName('');
      tokens.reload();
    } catch (err) {
      setError(err);
    }
  }
  async function revoke(tok: ApiToken) {
    if (!window.confirm(t('account.revokeConfirm', { name: tok.name }))) return;
    setError(undefined);
    try {
      await api(`/api/v1/me/api-tokens/${tok.id}`, { method: 'DELETE' });
      tokens.reload();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section className="card" aria-labelledby="tokens-h">
      <h2 id="tokens-h">{t('account.apiTokens')}</h2>
      <p className="muted">{t('account.apiTokensHelp')}</p>
      <form className="row" onSubmit={(e) => void create(e)}>
        <label>
          {t('account.tokenName')} <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" className="primary">{t('account.createToken')}</button>
      </form>
      {created && (
        <div className="card notice" role="status">
          <p>{t('account.tokenOnce', { name: created.name })}</p>
          <code className="secret">{created.token}</code>
          <div className="row">
            <button type="button" onClick={() => void navigator.clipboard?.writeText(created.token)}>{t('actions.copy')}</button>
            <button type="button" onClick={() => setCreated(null)}>{t('actions.done')}</button>
          </div>
        </div>
      )}
      <ErrorMessage error={error ?? tokens.error} />
      <DataTable
        caption={t('account.apiTokens')}
        captionHidden
        rows={tokens.data?.items}
        rowKey={(r) => r.id}
        empty={t('account.noTokens')}
        columns={[
          { key: 'name', header: t('account.tokenName'), render: (r) => r.name },
          { key: 'prefix', header: t('account.prefix'), render: (r) => <code>{r.prefix}…</code> },
          { key: 'created', header: t('fields.created'), render: (r) => formatDateTime(r.createdAt) },
          { key: 'used', header: t('account.lastUsed'), render: (r) => formatDateTime(r.lastUsedAt) },
          { key: 'act', header: <span className="visually-hidden">{t('fields.actions')}</span>, render: (r) => <button type="button" className="danger" onClick={() => void revoke(r)} aria-label={t('account.revokeNamed', { name: r.name })}>{t('account.revoke')}</button> },
        ]}
      />
    </section>
  );
}
