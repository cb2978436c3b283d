import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { qs } from '../../../api';
import { DataTable } from '../../../components/DataTable';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { formatDateTime } from '../../../components/format';
import { useApi } from '../../../components/useApi';
import { useLiveEvents } from '../../../live';
import type { List } from '../types';

interface Attempt {
  id: number;
  at: string;
  remoteAddress: string | null;
  outcome: string;
  reason: string | null;
  subprotocol: string | null;
  detail: string | null;
}

interface Frame {
  at: string;
  direction: 'in' | 'out';
  text: string;
  truncated: boolean;
}

const MESSAGE_TYPES: Record<number, string> = { 2: 'CALL', 3: 'RESULT', 4: 'ERROR' };

/** The OCPP-J frame type and action of a raw frame, for display and filtering. */
function describe(text: string): { type: string; action: string } {
  try {
    const f = JSON.parse(text) as unknown[];
    const type = MESSAGE_TYPES[f[0] as number] ?? '?';
    return { type, action: type === 'CALL' ? String(f[2]) : type === 'ERROR' ? String(f[2]) : '' };
  } catch {
    return { type: '?', action: '' };
  }
}

/** Connection inspector: connection attempts (accepted, refused and why, closed) and raw frames, filterable. */
export function InspectorPanel({ stationId }: { stationId: string }) {
  const { t } = useTranslation('console');
  const [direction, setDirection] = useState('');
  const [text, setText] = useState('');
  const [limit, setLimit] = useState(100);
  const [follow, setFollow] = useState(true);
  const id = encodeURIComponent(stationId);
  const attempts = useApi<List<Attempt>>(`/api/v1/stations/${id}/connection-attempts?limit=50`);
  const frames = useApi<List<Frame>>(`/api/v1/stations/${id}/frames${qs({ direction, limit })}`);
  useLiveEvents((_name, data) => {
    if (follow && data.stationId === stationId) {
      frames.reload();
      if (_name === 'station.connected' || _name === 'station.disconnected') attempts.reload();
    }
  });
  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return frames.data?.items.filter((f) => !needle || f.text.toLowerCase().includes(needle));
  }, [frames.data, text]);

  return (
    <>
      <section aria-labelledby="attempts-h">
        <h3 id="attempts-h">{t('inspector.attempts')}</h3>
        <ErrorMessage error={attempts.error} />
        <DataTable
          caption={t('inspector.attempts')}
          captionHidden
          rows={attempts.data?.items}
          rowKey={(a) => a.id}
          empty={t('inspector.noAttempts')}
          columns={[
            { key: 'at', header: t('fields.time'), render: (a) => formatDateTime(a.at) },
            { key: 'outcome', header: t('inspector.outcome'), render: (a) => <span className={`badge outcome-${a.outcome}`}>{a.outcome}</span> },
            { key: 'reason', header: t('inspector.reason'), render: (a) => [a.reason, a.detail].filter(Boolean).join(' · ') || '—' },
            { key: 'proto', header: t('inspector.subprotocol'), render: (a) => a.subprotocol ?? '—' },
            { key: 'addr', header: t('inspector.address'), render: (a) => a.remoteAddress ?? '—' },
          ]}
        />
      </section>
      <section aria-labelledby="frames-h">
        <h3 id="frames-h">{t('inspector.frames')}</h3>
        <form className="row filters" role="search" aria-label={t('inspector.frameFilters')} onSubmit={(e) => e.preventDefault()}>
          <label>
            {t('inspector.direction')}
            <select value={direction} onChange={(e) => setDirection(e.target.value)}>
              <option value="">{t('filters.all')}</option>
              <option value="in">{t('inspector.in')}</option>
              <option value="out">{t('inspector.out')}</option>
            </select>
          </label>
          <label>
            {t('inspector.contains')} <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="MeterValues" />
          </label>
          <label>
            {t('inspector.limit')}
            <select value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
              {[50, 100, 500, 1000].map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </label>
          <label className="check">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> {t('inspector.follow')}
          </label>
          <button type="button" onClick={() => { frames.reload(); attempts.reload(); }}>{t('actions.refresh')}</button>
        </form>
        <p className="muted">{t('inspector.retention')}</p>
        <ErrorMessage error={frames.error} />
        <DataTable
          caption={t('inspector.frames')}
          captionHidden
          rows={shown}
          rowKey={(f) => `${f.at}-${f.direction}-${f.text.slice(0, 40)}`}
          empty={t('inspector.noFrames')}
          columns={[
            { key: 'at', header: t('fields.time'), render: (f) => formatDateTime(f.at) },
            { key: 'dir', header: t('inspector.direction'), render: (f) => (f.direction === 'in' ? `← ${t('inspector.in')}` : `→ ${t('inspector.out')}`) },
            { key: 'type', header: t('inspector.type'), render: (f) => { const d = describe(f.text); return <>{d.type} {d.action && <strong>{d.action}</strong>}</>; } },
            { key: 'text', header: t('inspector.frame'), render: (f) => <code className="frame">{f.text}{f.truncated ? ' …' : ''}</code> },
          ]}
        />
      </section>
    </>
  );
}
