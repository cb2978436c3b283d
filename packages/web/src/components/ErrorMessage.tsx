import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';

/**
 * An error as an alert: the translated text for known API error codes, else the server's message
 * (which says what to do), with the code for support.
 */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  if (!error) return null;
  if (error instanceof ApiError) {
    const key = `common:errors.${error.code}`;
    const text = i18n.exists(key) ? t(key) : error.message;
    return (
      <p role="alert" className="error">
        {text} <span className="muted">({error.code})</span>
      </p>
    );
  }
  return <p role="alert" className="error">{error instanceof Error ? error.message : String(error)}</p>;
}
