import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api';
import { useAuth } from '../../auth';
import { ErrorMessage } from '../../components/ErrorMessage';

const MIN_PASSWORD = 10;

/**
 * /setup: first run. While no admin user exists, whoever has the setup token (the admin token
 * printed at first start) creates the first admin and is logged in.
 */
export default function SetupPage() {
  const { t } = useTranslation('console');
  const { refresh } = useAuth();
  const navigate = useNavigate();
  const [needsAdmin, setNeedsAdmin] = useState<boolean | undefined>(undefined);
  const [form, setForm] = useState({ setupToken: '', email: '', name: '', password: '', confirm: '' });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = `${t('setup.title')} · Voltlane`;
    api<{ needsAdmin: boolean }>('/api/v1/setup').then((r) => setNeedsAdmin(r.needsAdmin)).catch((e: unknown) => setError(e));
  }, [t]);

  if (needsAdmin === false) return <Navigate to="/login" replace />;
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const mismatch = form.confirm !== '' && form.confirm !== form.password;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (form.password !== form.confirm) return;
    setBusy(true);
    setError(undefined);
    try {
      await api('/api/v1/setup', {
        method: 'POST',
        body: { setupToken: form.setupToken.trim(), email: form.email.trim(), password: form.password, ...(form.name.trim() ? { name: form.name.trim() } : {}) },
      });
      await refresh();
      navigate('/dashboard', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="narrow">
      <h1>{t('setup.title')}</h1>
      <p>{t('setup.intro')}</p>
      <p className="muted">{t('setup.tokenHelp')}</p>
      {needsAdmin === undefined && !error ? <p role="status">{t('common:loading')}</p> : (
        <form className="stack" onSubmit={(e) => void submit(e)}>
          <label>
            {t('setup.token')}
            <input type="password" autoComplete="off" required value={form.setupToken} onChange={set('setupToken')} />
          </label>
          <label>
            {t('fields.email')}
            <input type="email" autoComplete="username" required value={form.email} onChange={set('email')} />
          </label>
          <label>
            {t('fields.name')}
            <input autoComplete="name" value={form.name} onChange={set('name')} />
          </label>
          <label>
            {t('fields.newPassword')}
            <input type="password" autoComplete="new-password" required minLength={MIN_PASSWORD} value={form.password} onChange={set('password')} aria-describedby="setup-pw-help" />
          </label>
          <p id="setup-pw-help" className="muted">{t('fields.passwordRule', { count: MIN_PASSWORD })}</p>
          <label>
            {t('fields.confirmPassword')}
            <input type="password" autoComplete="new-password" required value={form.confirm} onChange={set('confirm')} aria-invalid={mismatch} />
          </label>
          {mismatch && <p className="error" role="alert">{t('fields.passwordsDiffer')}</p>}
          {error instanceof ApiError && error.code === 'FORBIDDEN'
            ? <p role="alert" className="error">{t('setup.wrongToken')}</p>
            : <ErrorMessage error={error} />}
          <button type="submit" className="primary" disabled={busy || mismatch}>{t('setup.submit')}</button>
        </form>
      )}
    </section>
  );
}
