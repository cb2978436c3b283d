import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { qs } from '../../../api';
import { DataTable } from '../../../components/DataTable';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Pager } from '../../../components/Pager';
import { formatDateTime } from '../../../components/format';
import { useApi } from '../../../components/useApi';
import { isV2, type List, type Station } from '../types';
import { CommandReply } from './CommandReply';
import { randomId, useCommands } from './command';

/** Configuration of a station: 1.6 keys (GetConfiguration/ChangeConfiguration) or the 2.x device model (Get/SetVariables). */
export function ConfigurationPanel({ station }: { station: Station }) {
  return isV2(station.ocppVersion) ? <DeviceModel station={station} /> : <Configuration16 station={station} />;
}

interface ConfigKey {
  key: string;
  value: string | null;
  readonly: boolean | null;
  updatedAt: string;
}

function Configuration16({ station }: { station: Station }) {
  const { t } = useTranslation('console');
  const keys = useApi<List<ConfigKey>>(`/api/v1/stations/${encodeURIComponent(station.id)}/configuration`);
  const { send, results, busy } = useCommands(station.id);
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<{ key: string; value: string } | null>(null);
  const [lastChange, setLastChange] = useState<string | null>(null);
  const rows = keys.data?.items.filter((k) => k.key.toLowerCase().includes(filter.toLowerCase()));

  async function refresh() {
    await send('GetConfiguration', {});
    keys.reload();
  }
  async function save(e: FormEvent) {
    e.preventDefault();
    if (!editing) return;
    setLastChange(editing.key);
    await send('ChangeConfiguration', { key: editing.key, value: editing.value });
    setEditing(null);
    keys.reload();
  }
  return (
    <>
      <div className="row">
        <button type="button" onClick={() => void refresh()} disabled={!station.online || busy !== null}>{t('config.readFromStation')}</button>
        <label>
          {t('config.filter')} <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </label>
      </div>
      {!station.online && <p className="muted">{t('config.offlineHint')}</p>}
      <CommandReply result={results.GetConfiguration} />
      {lastChange && <CommandReply result={results.ChangeConfiguration} />}
      <ErrorMessage error={keys.error} />
      <DataTable
        caption={t('config.keys')}
        rows={rows}
        rowKey={(k) => k.key}
        empty={t('config.noKeys')}
        columns={[
          { key: 'key', header: t('config.key'), render: (k) => <code>{k.key}</code> },
          {
            key: 'value', header: t('config.value'),
            render: (k) => editing?.key === k.key ? (
              <form className="row" onSubmit={(e) => void save(e)}>
                <label className="visually-hidden" htmlFor={`cfg-${k.key}`}>{t('config.newValue', { key: k.key })}</label>
                <input id={`cfg-${k.key}`} value={editing.value} maxLength={500} onChange={(e) => setEditing({ key: k.key, value: e.target.value })} autoFocus />
                <button type="submit" className="primary" disabled={busy !== null}>{t('actions.save')}</button>
                <button type="button" onClick={() => setEditing(null)}>{t('actions.cancel')}</button>
              </form>
            ) : <span className="wrap">{k.value ?? '—'}</span>,
          },
          { key: 'ro', header: t('config.readonly'), render: (k) => (k.readonly ? t('common:yes') : k.readonly === false ? t('common:no') : '—') },
          { key: 'at', header: t('fields.updated'), render: (k) => formatDateTime(k.updatedAt) },
          {
            key: 'edit', header: <span className="visually-hidden">{t('fields.actions')}</span>,
            render: (k) => !k.readonly && editing?.key !== k.key && (
              <button type="button" disabled={!station.online} onClick={() => setEditing({ key: k.key, value: k.value ?? '' })} aria-label={t('config.changeNamed', { key: k.key })}>
                {t('actions.change')}
              </button>
            ),
          },
        ]}
      />
      <AddKey disabled={!station.online || busy !== null} onSet={async (key, value) => {
        setLastChange(key);
        await send('ChangeConfiguration', { key, value });
        keys.reload();
      }} />
    </>
  );
}

/** Sets a key that is not in the list yet (stations may accept keys they do not report). */
function AddKey({ disabled, onSet }: { disabled: boolean; onSet(key: string, value: string): Promise<void> }) {
  const { t } = useTranslation('console');
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  return (
    <form className="row" onSubmit={(e) => { e.preventDefault(); void onSet(key.trim(), value); }} aria-label={t('config.setOther')}>
      <label>{t('config.key')} <input required maxLength={50} value={key} onChange={(e) => setKey(e.target.value)} /></label>
      <label>{t('config.value')} <input maxLength={500} value={value} onChange={(e) => setValue(e.target.value)} /></label>
      <button type="submit" disabled={disabled}>{t('config.setOther')}</button>
    </form>
  );
}

interface Dmv {
  component: { name: string; instance: string | null; evse: { id: number; connectorId: number | null } | null };
  variable: { name: string; instance: string | null };
  attributes: { type: string; value: string | null; mutability: string | null; source: string; rebootRequired: boolean; updatedAt: string }[];
  characteristics: { unit: string | null; dataType: string | null } | null;
}

const LIMIT = 100;

function DeviceModel({ station }: { station: Station }) {
  const { t } = useTranslation('console');
  const [component, setComponent] = useState('');
  const [variable, setVariable] = useState('');
  const [offset, setOffset] = useState(0);
  const base = `/api/v1/stations/${encodeURIComponent(station.id)}/device-model`;
  const list = useApi<List<Dmv>>(`${base}${qs({ component, variable, limit: LIMIT, offset })}`);
  const components = useApi<List<{ component: Dmv['component']; variables: number }>>(`${base}/components`);
  const { send, results, busy } = useCommands(station.id);
  const [editing, setEditing] = useState<{ id: string; value: string } | null>(null);
  const [last, setLast] = useState<string | null>(null);

  const ref = (d: Dmv) => ({
    component: { name: d.component.name, ...(d.component.instance ? { instance: d.component.instance } : {}), ...(d.component.evse ? { evse: { id: d.component.evse.id, ...(d.component.evse.connectorId !== null ? { connectorId: d.component.evse.connectorId } : {}) } } : {}) },
    variable: { name: d.variable.name, ...(d.variable.instance ? { instance: d.variable.instance } : {}) },
  });
  const idOf = (d: Dmv) => `${d.component.name}|${d.component.instance ?? ''}|${d.component.evse?.id ?? ''}|${d.component.evse?.connectorId ?? ''}|${d.variable.name}|${d.variable.instance ?? ''}`;
  const nameOf = (d: Dmv) => `${d.component.name}${d.component.instance ? `[${d.component.instance}]` : ''}${d.component.evse ? ` EVSE ${d.component.evse.id}` : ''}.${d.variable.name}${d.variable.instance ? `[${d.variable.instance}]` : ''}`;

  async function get(d: Dmv) {
    setLast('GetVariables');
    await send('GetVariables', { getVariableData: [ref(d)] });
    list.reload();
  }
  async function set(e: FormEvent, d: Dmv) {
    e.preventDefault();
    if (!editing) return;
    setLast('SetVariables');
    await send('SetVariables', { setVariableData: [{ ...ref(d), attributeValue: editing.value }] });
    setEditing(null);
    list.reload();
  }
  async function report() {
    setLast('GetBaseReport');
    await send('GetBaseReport', { requestId: randomId(), reportBase: 'FullInventory' });
    setTimeout(() => { list.reload(); components.reload(); }, 1500);
  }
  return (
    <>
      <div className="row">
        <button type="button" onClick={() => void report()} disabled={!station.online || busy !== null}>{t('config.requestReport')}</button>
        <label>
          {t('config.component')}
          <select value={component} onChange={(e) => { setComponent(e.target.value); setOffset(0); }}>
            <option value="">{t('filters.all')}</option>
            {[...new Set(components.data?.items.map((c) => c.component.name) ?? [])].map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
        <label>
          {t('config.variable')} <input type="search" value={variable} onChange={(e) => { setVariable(e.target.value); setOffset(0); }} />
        </label>
      </div>
      {!station.online && <p className="muted">{t('config.offlineHint')}</p>}
      {last && <CommandReply result={results[last]} />}
      <ErrorMessage error={list.error} />
      <DataTable
        caption={t('config.deviceModel')}
        rows={list.data?.items}
        rowKey={idOf}
        empty={t('config.noVariables')}
        columns={[
          { key: 'name', header: t('config.variable'), render: (d) => <code>{nameOf(d)}</code> },
          {
            key: 'value', header: t('config.actual'),
            render: (d) => {
              const actual = d.attributes.find((a) => a.type === 'Actual');
              if (editing?.id === idOf(d)) {
                return (
                  <form className="row" onSubmit={(e) => void set(e, d)}>
                    <label className="visually-hidden" htmlFor={`dm-${idOf(d)}`}>{t('config.newValue', { key: nameOf(d) })}</label>
                    <input id={`dm-${idOf(d)}`} value={editing.value} maxLength={1000} onChange={(e) => setEditing({ id: idOf(d), value: e.target.value })} autoFocus />
                    <button type="submit" className="primary" disabled={busy !== null}>{t('actions.save')}</button>
                    <button type="button" onClick={() => setEditing(null)}>{t('actions.cancel')}</button>
                  </form>
                );
              }
              return (
                <span className="wrap">
                  {actual?.value ?? '—'} {d.characteristics?.unit ? <span className="muted">{d.characteristics.unit}</span> : null}
                  {actual?.rebootRequired && <> <span className="badge status-Reserved">{t('config.rebootRequired')}</span></>}
                </span>
              );
            },
          },
          { key: 'mut', header: t('config.mutability'), render: (d) => d.attributes.find((a) => a.type === 'Actual')?.mutability ?? '—' },
          { key: 'at', header: t('fields.updated'), render: (d) => formatDateTime(d.attributes[0]?.updatedAt) },
          {
            key: 'act', header: <span className="visually-hidden">{t('fields.actions')}</span>,
            render: (d) => {
              const actual = d.attributes.find((a) => a.type === 'Actual');
              return (
                <span className="row nowrap">
                  <button type="button" disabled={!station.online || busy !== null || actual?.mutability === 'WriteOnly'} onClick={() => void get(d)} aria-label={t('config.readNamed', { key: nameOf(d) })}>{t('config.read')}</button>
                  {actual?.mutability !== 'ReadOnly' && editing?.id !== idOf(d) && (
                    <button type="button" disabled={!station.online} onClick={() => setEditing({ id: idOf(d), value: actual?.value ?? '' })} aria-label={t('config.changeNamed', { key: nameOf(d) })}>{t('actions.change')}</button>
                  )}
                </span>
              );
            },
          },
        ]}
      />
      {list.data && <Pager total={list.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />}
    </>
  );
}
