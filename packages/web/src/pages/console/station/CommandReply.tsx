import { useTranslation } from 'react-i18next';
import { JsonBlock } from '../../../components/JsonBlock';
import { StatusBadge } from '../../../components/StatusBadge';
import { formatDateTime } from '../../../components/format';
import type { CommandResult } from './command';

/** The charger's reply to a command (or why there is none), announced to screen readers. */
export function CommandReply({ result }: { result: CommandResult | undefined }) {
  const { t } = useTranslation('console');
  if (!result) return null;
  const status = typeof result.response?.status === 'string' ? result.response.status : undefined;
  return (
    <div className={`reply ${result.error ? 'reply-error' : ''}`} role="status" aria-live="polite" data-testid={`reply-${result.action}`}>
      <p>
        <strong>{result.action}</strong> · {formatDateTime(result.at)} ·{' '}
        {result.error ? (
          <span className="error">{t('commands.failed', { code: result.error.code, status: result.error.status })}</span>
        ) : (
          <>{t('commands.reply')} {status ? <StatusBadge status={status} /> : null}</>
        )}
      </p>
      {result.error ? <p className="error">{result.error.message}</p> : <JsonBlock value={result.response} label={t('commands.reply')} />}
    </div>
  );
}
