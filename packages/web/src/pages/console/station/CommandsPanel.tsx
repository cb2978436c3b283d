import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { useApi } from '../../../components/useApi';
import { isV2, type IdToken, type List, type Station, type Transaction } from '../types';
import { CommandReply } from './CommandReply';
import { randomId, useCommands } from './command';

const TRIGGERS_16 = ['BootNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StatusNotification'];
const TRIGGERS_2X = ['BootNotification', 'LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'SignChargingStationCertificate', 'StatusNotification', 'TransactionEvent'];
const TOKEN_TYPES = ['Central', 'ISO14443', 'ISO15693', 'KeyCode', 'Local', 'MacAddress', 'eMAID', 'NoAuthorization'];

/** A number input's value: an integer or undefined when empty. */
const int = (s: string): number | undefined => (s.trim() === '' ? undefined : Number.parseInt(s, 10));

/**
 * Buttons for the common commands of the station's OCPP version (payloads built per version),
 * each showing the charger's reply, plus any other action with a JSON body.
 */
export function CommandsPanel({ station, active, onSent }: { station: Station; active: Transaction[]; onSent(): void }) {
  const { t } = useTranslation('console');
  const v2 = isV2(station.ocppVersion);
  const { send, results, busy } = useCommands(station.id);
  const evses = [...new Set((station.connectors ?? []).map((c) => c.evseId))].filter((e) => e > 0);
  const pairs = (station.connectors ?? []).filter((c) => c.evseId > 0).map((c) => `${c.evseId}:${v2 ? c.connectorId : 1}`);
  const run = async (action: string, payload: Record<string, unknown>) => {
    await send(action, payload);
    onSent();
  };
  if (!station.online) return <p className="notice card">{t('commands.offline')}</p>;
  return (
    <div className="command-grid">
      <RemoteStart v2={v2} evses={evses} busy={busy} onSend={run} result={results[v2 ? 'RequestStartTransaction' : 'RemoteStartTransaction']} />
      <Command title={t('commands.remoteStop')} result={results[v2 ? 'RequestStopTransaction' : 'RemoteStopTransaction']}>
        {active.length === 0 ? <p className="muted">{t('commands.noActive')}</p> : (
          <ul className="plain">
            {active.map((tx) => (
              <li key={tx.id} className="row">
                <span>{t('commands.sessionOn', { id: tx.id, evse: tx.evseId, token: tx.idToken ?? '—' })}</span>
                <button type="button" className="danger" disabled={busy !== null}
                  onClick={() => void run(v2 ? 'RequestStopTransaction' : 'RemoteStopTransaction', v2 ? { transactionId: tx.ocppTransactionId ?? '' } : { transactionId: tx.id })}>
                  {t('commands.stop')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </Command>
      <SimpleForm title={t('commands.reset')} result={results.Reset} busy={busy} submit={t('commands.send')}
        fields={(f, set) => (
          <label>
            {t('commands.resetType')}
            <select value={f.type ?? (v2 ? 'OnIdle' : 'Soft')} onChange={(e) => set('type', e.target.value)}>
              {(v2 ? ['OnIdle', 'Immediate'] : ['Soft', 'Hard']).map((x) => <option key={x} value={x}>{t(`commands.resetTypes.${x}`)}</option>)}
            </select>
          </label>
        )}
        onSubmit={(f) => run('Reset', { type: f.type ?? (v2 ? 'OnIdle' : 'Soft') })} />
      <SimpleForm title={t('commands.unlock')} result={results.UnlockConnector} busy={busy} submit={t('commands.send')}
        fields={(f, set) => (
          <label>
            {t('fields.connector')}
            <select value={f.connector ?? pairs[0] ?? '1:1'} onChange={(e) => set('connector', e.target.value)}>
              {(pairs.length ? pairs : ['1:1']).map((p) => {
                const [e, c] = p.split(':');
                return <option key={p} value={p}>{v2 ? t('commands.evseConnector', { evse: e, connector: c }) : e}</option>;
              })}
            </select>
          </label>
        )}
        onSubmit={(f) => {
          const [e, c] = (f.connector ?? pairs[0] ?? '1:1').split(':').map(Number);
          return run('UnlockConnector', v2 ? { evseId: e ?? 1, connectorId: c ?? 1 } : { connectorId: e ?? 1 });
        }} />
      <SimpleForm title={t('commands.availability')} result={results.ChangeAvailability} busy={busy} submit={t('commands.send')}
        fields={(f, set) => (
          <>
            <EvsePicker evses={evses} value={f.evse ?? ''} onChange={(x) => set('evse', x)} label={v2 ? t('fields.evse') : t('fields.connector')} wholeStation />
            <label>
              {t('commands.availabilityType')}
              <select value={f.type ?? 'Operative'} onChange={(e) => set('type', e.target.value)}>
                <option value="Operative">{t('commands.operative')}</option>
                <option value="Inoperative">{t('commands.inoperative')}</option>
              </select>
            </label>
          </>
        )}
        onSubmit={(f) => {
          const evse = int(f.evse ?? '') ?? 0;
          const type = f.type ?? 'Operative';
          return run('ChangeAvailability', v2 ? { operationalStatus: type, ...(evse > 0 ? { evse: { id: evse } } : {}) } : { connectorId: evse, type });
        }} />
      <SimpleForm title={t('commands.trigger')} result={results.TriggerMessage} busy={busy} submit={t('commands.send')}
        fields={(f, set) => (
          <>
            <label>
              {t('commands.message')}
              <select value={f.message ?? 'StatusNotification'} onChange={(e) => set('message', e.target.value)}>
                {(v2 ? TRIGGERS_2X : TRIGGERS_16).map((x) => <option key={x} value={x}>{x}</option>)}
              </select>
            </label>
            <EvsePicker evses={evses} value={f.evse ?? ''} onChange={(x) => set('evse', x)} label={v2 ? t('fields.evse') : t('fields.connector')} wholeStation />
          </>
        )}
        onSubmit={(f) => {
          const evse = int(f.evse ?? '');
          const requestedMessage = f.message ?? 'StatusNotification';
          return run('TriggerMessage', v2 ? { requestedMessage, ...(evse ? { evse: { id: evse } } : {}) } : { requestedMessage, ...(evse ? { connectorId: evse } : {}) });
        }} />
      <SimpleForm title={v2 ? t('commands.getLog') : t('commands.diagnostics')} result={results[v2 ? 'GetLog' : 'GetDiagnostics']} busy={busy} submit={t('commands.send')}
        fields={(f, set) => (
          <>
            <label>
              {t('commands.uploadTo')}
              <input type="url" required value={f.location ?? `${window.location.origin}/files/diagnostics/${encodeURIComponent(station.id)}/`} onChange={(e) => set('location', e.target.value)} />
            </label>
            {v2 && (
              <label>
                {t('commands.logType')}
                <select value={f.logType ?? 'DiagnosticsLog'} onChange={(e) => set('logType', e.target.value)}>
                  <option value="DiagnosticsLog">DiagnosticsLog</option>
                  <option value="SecurityLog">SecurityLog</option>
                </select>
              </label>
            )}
          </>
        )}
        onSubmit={(f) => {
          const location = f.location ?? `${window.location.origin}/files/diagnostics/${encodeURIComponent(station.id)}/`;
          return run(v2 ? 'GetLog' : 'GetDiagnostics', v2 ? { logType: f.logType ?? 'DiagnosticsLog', requestId: randomId(), log: { remoteLocation: location } } : { location });
        }}
        footer={<DiagnosticsFiles stationId={station.id} />} />
      <UpdateFirmware v2={v2} busy={busy} onSend={run} result={results.UpdateFirmware} />
      <OtherCommand busy={busy} onSend={run} results={results} />
    </div>
  );
}

function Command({ title, children, result }: { title: string; children: ReactNode; result: ReturnType<typeof useCommands>['results'][string] | undefined }) {
  return (
    <section className="card command" aria-label={title}>
      <h3>{title}</h3>
      {children}
      <CommandReply result={result} />
    </section>
  );
}

type Fields = Record<string, string>;

/** A command card with a few fields kept as strings, a send button and the reply. */
function SimpleForm({ title, fields, onSubmit, result, busy, submit, footer }: {
  title: string;
  fields(f: Fields, set: (k: string, v: string) => void): ReactNode;
  onSubmit(f: Fields): Promise<unknown>;
  result: ReturnType<typeof useCommands>['results'][string] | undefined;
  busy: string | null;
  submit: string;
  footer?: ReactNode;
}) {
  const [f, setF] = useState<Fields>({});
  const set = (k: string, v: string) => setF((x) => ({ ...x, [k]: v }));
  return (
    <Command title={title} result={result}>
      <form className="stack" onSubmit={(e: FormEvent) => { e.preventDefault(); void onSubmit(f); }}>
        {fields(f, set)}
        <button type="submit" className="primary" disabled={busy !== null}>{submit}</button>
      </form>
      {footer}
    </Command>
  );
}

function EvsePicker({ evses, value, onChange, label, wholeStation, required }: {
  evses: number[]; value: string; onChange(v: string): void; label: string; wholeStation?: boolean; required?: boolean;
}) {
  const { t } = useTranslation('console');
  const list = evses.length ? evses : [1];
  return (
    <label>
      {label}
      <select value={value || (wholeStation ? '' : String(list[0]))} onChange={(e) => onChange(e.target.value)} required={required}>
        {wholeStation && <option value="">{t('commands.wholeStation')}</option>}
        {list.map((e) => <option key={e} value={e}>{e}</option>)}
      </select>
    </label>
  );
}

function RemoteStart({ v2, evses, busy, onSend, result }: {
  v2: boolean; evses: number[]; busy: string | null; onSend(action: string, payload: Record<string, unknown>): Promise<void>; result: ReturnType<typeof useCommands>['results'][string] | undefined;
}) {
  const { t } = useTranslation('console');
  const tokens = useApi<List<IdToken>>('/api/v1/id-tokens?status=Accepted&limit=200');
  const [evse, setEvse] = useState('');
  const [idToken, setIdToken] = useState('');
  const [type, setType] = useState('');
  const known = tokens.data?.items.find((x) => x.idToken.toLowerCase() === idToken.trim().toLowerCase());
  const tokenType = type || known?.type || 'Central';
  function submit(e: FormEvent) {
    e.preventDefault();
    const n = int(evse) ?? evses[0] ?? 1;
    const tag = idToken.trim();
    void onSend(v2 ? 'RequestStartTransaction' : 'RemoteStartTransaction', v2
      ? { remoteStartId: randomId(), evseId: n, idToken: { idToken: tag, type: tokenType } }
      : { connectorId: n, idTag: tag });
  }
  return (
    <Command title={t('commands.remoteStart')} result={result}>
      <form className="stack" onSubmit={submit}>
        <EvsePicker evses={evses} value={evse} onChange={setEvse} label={v2 ? t('fields.evse') : t('fields.connector')} />
        <label>
          {t('fields.idToken')}
          <input required maxLength={v2 ? 36 : 20} list="known-id-tokens" value={idToken} onChange={(e) => setIdToken(e.target.value)} />
          <datalist id="known-id-tokens">
            {tokens.data?.items.map((x) => <option key={x.idToken} value={x.idToken} />)}
          </datalist>
        </label>
        {v2 && (
          <label>
            {t('fields.idTokenType')}
            <select value={tokenType} onChange={(e) => setType(e.target.value)}>
              {TOKEN_TYPES.map((x) => <option key={x} value={x}>{x}</option>)}
            </select>
          </label>
        )}
        <button type="submit" className="primary" disabled={busy !== null}>{t('commands.start')}</button>
      </form>
    </Command>
  );
}

/** Upload a firmware image (optional) and send UpdateFirmware with its URL. */
function UpdateFirmware({ v2, busy, onSend, result }: {
  v2: boolean; busy: string | null; onSend(action: string, payload: Record<string, unknown>): Promise<void>; result: ReturnType<typeof useCommands>['results'][string] | undefined;
}) {
  const { t } = useTranslation('console');
  const [location, setLocation] = useState('');
  const [error, setError] = useState<unknown>();
  const [uploading, setUploading] = useState(false);
  async function upload(file: File) {
    setUploading(true);
    setError(undefined);
    try {
      const res = await fetch(`/api/v1/files/firmware/${encodeURIComponent(file.name)}`, {
        method: 'PUT', credentials: 'same-origin', body: file,
        headers: { 'content-type': 'application/octet-stream', 'x-voltlane-csrf': '1', accept: 'application/json' },
      });
      const body = (await res.json()) as { url?: string; error?: { code: string; message: string } };
      if (!res.ok) throw new ApiError(res.status, body.error?.code ?? `HTTP_${res.status}`, body.error?.message ?? res.statusText);
      if (body.url) setLocation(body.url);
    } catch (e) {
      setError(e);
    } finally {
      setUploading(false);
    }
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    const retrieve = new Date().toISOString();
    void onSend('UpdateFirmware', v2
      ? { requestId: randomId(), firmware: { location, retrieveDateTime: retrieve } }
      : { location, retrieveDate: retrieve });
  }
  return (
    <Command title={t('commands.firmware')} result={result}>
      <form className="stack" onSubmit={submit}>
        <label>
          {t('commands.firmwareFile')}
          <input type="file" onChange={(e) => { const f = e.target.files?.[0]; if (f) void upload(f); }} disabled={uploading} />
        </label>
        <label>
          {t('commands.firmwareUrl')}
          <input type="url" required value={location} onChange={(e) => setLocation(e.target.value)} />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy !== null || uploading || !location}>{t('commands.send')}</button>
      </form>
    </Command>
  );
}

/** Files the station uploaded (diagnostics and logs), to download. */
function DiagnosticsFiles({ stationId }: { stationId: string }) {
  const { t } = useTranslation('console');
  const files = useApi<List<{ name: string; size?: number; createdAt?: string }>>(`/api/v1/files?kind=diagnostics&stationId=${encodeURIComponent(stationId)}`);
  if (!files.data?.items.length) return null;
  return (
    <details>
      <summary>{t('commands.uploadedFiles', { count: files.data.items.length })}</summary>
      <ul className="plain">
        {files.data.items.map((f) => {
          const name = f.name.split('/').pop() ?? f.name;
          return <li key={f.name}><a href={`/api/v1/files/diagnostics/${encodeURIComponent(stationId)}/${encodeURIComponent(name)}`}>{name}</a></li>;
        })}
      </ul>
    </details>
  );
}

/** Any CSMS-initiated action of the station's version with a JSON payload (checked by the server). */
function OtherCommand({ busy, onSend, results }: { busy: string | null; onSend(action: string, payload: Record<string, unknown>): Promise<void>; results: ReturnType<typeof useCommands>['results'] }) {
  const { t } = useTranslation('console');
  const [action, setAction] = useState('');
  const [body, setBody] = useState('{}');
  const [error, setError] = useState<string | null>(null);
  function submit(e: FormEvent) {
    e.preventDefault();
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      setError(t('commands.badJson'));
      return;
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      setError(t('commands.badJson'));
      return;
    }
    setError(null);
    void onSend(action.trim(), payload as Record<string, unknown>);
  }
  return (
    <Command title={t('commands.other')} result={results[action.trim()]}>
      <form className="stack" onSubmit={submit}>
        <label>
          {t('commands.action')}
          <input required pattern="[A-Za-z0-9]+" value={action} onChange={(e) => setAction(e.target.value)} placeholder="GetLocalListVersion" />
        </label>
        <label>
          {t('commands.payload')}
          <textarea rows={4} value={body} onChange={(e) => setBody(e.target.value)} spellCheck={false} aria-invalid={error !== null} />
        </label>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" className="primary" disabled={busy !== null}>{t('commands.send')}</button>
      </form>
    </Command>
  );
}
