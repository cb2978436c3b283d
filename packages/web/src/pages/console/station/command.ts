import { useCallback, useState } from 'react';
import { api, ApiError } from '../../../api';

/** What came back from POST /stations/{id}/commands/{action}: the charger's reply or the error. */
export interface CommandResult {
  action: string;
  payload: Record<string, unknown>;
  at: string;
  response?: Record<string, unknown>;
  error?: { status: number; code: string; message: string };
}

/**
 * Sends OCPP commands to one station and keeps the last result per action (for display).
 * @example const { send, results } = useCommands('CP1'); await send('Reset', { type: 'Soft' });
 */
export function useCommands(stationId: string) {
  const [results, setResults] = useState<Record<string, CommandResult>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const send = useCallback(async (action: string, payload: Record<string, unknown>, key = action): Promise<CommandResult> => {
    setBusy(key);
    const base = { action, payload, at: new Date().toISOString() };
    let result: CommandResult;
    try {
      const r = await api<{ response: Record<string, unknown> }>(`/api/v1/stations/${encodeURIComponent(stationId)}/commands/${encodeURIComponent(action)}`, { method: 'POST', body: payload });
      result = { ...base, response: r.response };
    } catch (e) {
      result = e instanceof ApiError
        ? { ...base, error: { status: e.status, code: e.code, message: e.message } }
        : { ...base, error: { status: 0, code: 'NETWORK', message: e instanceof Error ? e.message : String(e) } };
    }
    setResults((r) => ({ ...r, [key]: result }));
    setBusy(null);
    return result;
  }, [stationId]);
  return { send, results, busy };
}

/** A random positive 31-bit id (remoteStartId, requestId) as OCPP integers allow. */
export function randomId(): number {
  return 1 + Math.floor(Math.random() * 2_147_483_646);
}
