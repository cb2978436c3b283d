import type { V201 } from '@voltlane/ocpp';
import { startLogUpload } from '../../diagnostics.js';
import type { Ocpp2 } from '../ocpp2.js';
import type { Handlers201 } from './index.js';

/** Monitors a station keeps at most. */
const MAX_MONITORS = 50;

const MONITOR_TYPES = new Set<V201.MonitorEnumType>(['UpperThreshold', 'LowerThreshold', 'Delta', 'Periodic', 'PeriodicClockAligned']);

/** What the station knows about a customer (idToken): local list, cache and running transactions. */
function customerData(o: Ocpp2, idToken: string | undefined): string {
  if (!idToken) return 'No data stored for this customer.';
  const st = o.st;
  const listed = st.auth.entries().find((e) => e.idTag === idToken);
  const cached = st.auth.lookup(idToken, false, true);
  const txs = st.connectors.filter((c) => c.tx?.idTag === idToken).map((c) => `${c.tx!.v2?.uuid ?? c.tx!.id} on EVSE ${c.id}`);
  return [
    `idToken ${idToken}`,
    `local list: ${listed ? listed.idTagInfo.status : 'no'}`,
    `cache: ${cached ? cached.status : 'no'}`,
    `transactions: ${txs.length ? txs.join(', ') : 'none'}`,
  ].join('; ');
}

/** N Diagnostics (2.0.1): log upload, customer information, monitoring (stored and reported, not evaluated). */
export const diagnostics: Handlers201<
  'GetLog' | 'CustomerInformation' | 'SetVariableMonitoring' | 'ClearVariableMonitoring' | 'SetMonitoringBase' | 'SetMonitoringLevel' | 'GetMonitoringReport'
> = {
  GetLog(o, req) {
    // A new request while one is still uploading is answered AcceptedCanceled (2.0.1 N01).
    const busy = o.st.logStatus === 'Uploading';
    return { status: busy ? 'AcceptedCanceled' : 'Accepted', filename: startLogUpload(o.st, req) };
  },

  CustomerInformation(o, req) {
    const st = o.st;
    if (!req.idToken && !req.customerCertificate && !req.customerIdentifier) return { status: 'Rejected' };
    const token = req.idToken?.idToken;
    st.later('CustomerInformation', async () => {
      const data = req.report ? customerData(o, token) : '';
      if (req.clear && token) {
        st.auth.forget(token);
        st.log(`customer data of ${token} cleared`);
      }
      await st.notify('NotifyCustomerInformation', {
        data: (data || (req.clear ? 'Customer data cleared.' : 'No data requested.')).slice(0, 512),
        tbc: false,
        seqNo: 0,
        generatedAt: new Date().toISOString(),
        requestId: req.requestId,
      });
    });
    return { status: 'Accepted' };
  },

  SetVariableMonitoring(o, req) {
    const monitors = (o.monitors ??= new Map());
    const results = req.setMonitoringData.map((m): V201.SetMonitoringResultType => {
      const base = { type: m.type, severity: m.severity, component: m.component, variable: m.variable };
      const loc = o.model.locate(m.component, m.variable);
      if (typeof loc === 'string') return { ...base, status: loc };
      if (!MONITOR_TYPES.has(m.type)) return { ...base, status: 'UnsupportedMonitorType' };
      if (m.id !== undefined && !monitors.has(m.id)) return { ...base, status: 'Rejected' };
      if (m.id === undefined && monitors.size >= MAX_MONITORS) return { ...base, status: 'Rejected' };
      const id = m.id ?? Math.max(0, ...monitors.keys()) + 1;
      monitors.set(id, { ...m, id });
      return { ...base, id, status: 'Accepted' };
    });
    return { setMonitoringResult: results as V201.SetVariableMonitoringResponse['setMonitoringResult'] };
  },

  ClearVariableMonitoring(o, req) {
    const results = req.id.map((id): V201.ClearMonitoringResultType => ({ id, status: o.monitors?.delete(id) ? 'Accepted' : 'NotFound' }));
    return { clearMonitoringResult: results as V201.ClearVariableMonitoringResponse['clearMonitoringResult'] };
  },

  SetMonitoringBase(o, req) {
    const level = o.monitoring?.level ?? 9;
    o.monitoring = { base: req.monitoringBase, level };
    // HardWiredOnly and FactoryDefault drop what the CSMS set.
    if (req.monitoringBase !== 'All') o.monitors?.clear();
    return { status: 'Accepted' };
  },

  SetMonitoringLevel(o, req) {
    if (req.severity < 0 || req.severity > 9) return { status: 'Rejected' };
    o.monitoring = { base: o.monitoring?.base ?? 'All', level: req.severity };
    return { status: 'Accepted' };
  },

  GetMonitoringReport(o, req) {
    const all = [...(o.monitors?.values() ?? [])].filter((m) => {
      if (req.monitoringCriteria) {
        const kind = m.type === 'Delta' ? 'DeltaMonitoring' : m.type.startsWith('Periodic') ? 'PeriodicMonitoring' : 'ThresholdMonitoring';
        if (!req.monitoringCriteria.includes(kind)) return false;
      }
      return !req.componentVariable || req.componentVariable.some((cv) => cv.component.name === m.component.name && (!cv.variable || cv.variable.name === m.variable.name));
    });
    if (all.length === 0) return { status: 'EmptyResultSet' };
    o.st.later('GetMonitoringReport', () =>
      o.st.notify('NotifyMonitoringReport', {
        requestId: req.requestId,
        seqNo: 0,
        tbc: false,
        generatedAt: new Date().toISOString(),
        monitor: all.map((m) => ({
          component: m.component,
          variable: m.variable,
          variableMonitoring: [
            {
              id: m.id,
              transaction: m.transaction ?? false,
              value: m.value,
              type: m.type,
              severity: m.severity,
              // 2.1 requires it; 2.0.1 does not allow it.
              ...(o.st.ocppVersion === 'ocpp2.1' ? { eventNotificationType: 'CustomMonitor' } : {}),
            },
          ],
        })),
      }),
    );
    return { status: 'Accepted' };
  },
};
