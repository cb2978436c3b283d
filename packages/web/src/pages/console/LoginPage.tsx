import { useEffect, useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { ErrorMessage } from '../../components/ErrorMessage';

/** Only paths inside the app are followed after login (no open redirect to another site). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** /login: email and password; afterwards to ?next= (or the home page of the role). */
export default function LoginPage() {
  const { t } = useTranslation('console');
  const { me, login } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [needsSetup, setNeedsSetup] = useState(false);
  const next = safeNext(params.get('next'));

  useEffect(() => {
    document.title = `${t('login.title')} · Voltlane`;
    api<{ needsAdmin: boolean }>('/api/v1/setup').then((r) => setNeedsSetup(r.needsAdmin)).catch(() => undefined);
  }, [t]);

  if (me) return <Navigate to={next} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(email.trim(), password);
      navigate(next, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="narrow">
      <h1>{t('login.title')}</h1>
      {needsSetup && (
        <p className="card notice">
          {t('login.needsSetup')} <Link to="/setup">{t('login.toSetup')}</Link>
        </p>
      )}
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <label>
          {t('fields.email')}
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t('fields.password')}
          <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy}>{t('login.submit')}</button>
      </form>
      <p className="muted">{t('login.forgot')}</p>
    </section>
  );
}
